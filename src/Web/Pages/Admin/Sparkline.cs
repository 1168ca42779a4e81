using System.Globalization;

namespace VideoStudio.Web.Pages.Admin;

/// <summary>A small line chart of one figure per day, drawn on the server as SVG: no charting code in the browser.</summary>
public sealed record Sparkline(string Title, IReadOnlyList<(DateTime Day, double? Value)> Points, Func<double, string> Format)
{
    public const int Width = 240;
    public const int Height = 48;

    public double? Max => Points.Where(p => p.Value is not null).Select(p => p.Value!.Value).DefaultIfEmpty().Max() is var m && Points.Any(p => p.Value is not null) ? m : null;

    /// <summary>Where each day with a value is drawn; days without one are skipped rather than drawn as zero.</summary>
    public IReadOnlyList<(double X, double Y)> Coordinates
    {
        get
        {
            var max = Max is > 0 ? Max.Value : 1;
            var step = Points.Count > 1 ? (double)Width / (Points.Count - 1) : 0;
            return Points.Select((p, i) => (p, i)).Where(x => x.p.Value is not null)
                .Select(x => (Math.Round(x.i * step, 1), Math.Round(Height - 4 - (Height - 8) * x.p.Value!.Value / max, 1)))
                .ToList();
        }
    }

    public string PolylinePoints => string.Join(' ', Coordinates.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.X},{c.Y}")));

    public string Summary
    {
        get
        {
            var values = Points.Where(p => p.Value is not null).ToList();
            return values.Count == 0
                ? $"{Title}: no data in this period."
                : $"{Title}: {values.Count} days with data, latest {Format(values[^1].Value!.Value)} on {values[^1].Day:d MMM}, highest {Format(Max!.Value)}.";
        }
    }
}
