using System.Globalization;

namespace VideoStudio.Web.Pages.Admin;

/// <summary>
/// A bar per day for one figure, drawn on the server as SVG (no charting code in the browser). The bars stretch to any
/// width; the axis labels (zero and the highest value, the first and last day) and the latest value are HTML beside
/// the drawing, so they keep a readable size on a phone and on a wide screen alike.
/// </summary>
public sealed record Sparkline(string Title, IReadOnlyList<(DateTime Day, double? Value)> Points, Func<double, string> Format)
{
    public const int DayWidth = 10;
    public const int Height = 100;

    public int Width => Math.Max(1, Points.Count) * DayWidth;

    public double? Max => Points.Where(p => p.Value is not null).Select(p => p.Value!.Value).DefaultIfEmpty().Max() is var m && Points.Any(p => p.Value is not null) ? m : null;

    /// <summary>One bar per day with a value; days without one get no bar rather than a bar of zero.</summary>
    public IReadOnlyList<(string X, string Y, string BarHeight)> Bars
    {
        get
        {
            var max = Max is > 0 ? Max.Value : 1;
            return Points.Select((p, i) => (p, i)).Where(x => x.p.Value is not null)
                .Select(x =>
                {
                    var height = Math.Max(0.5, Height * x.p.Value!.Value / max);
                    return (Number(x.i * DayWidth + DayWidth * 0.15), Number(Height - height), Number(height));
                })
                .ToList();
        }
    }

    public string ZeroLabel => Format(0);

    public string MaxLabel => Max is > 0 ? Format(Max.Value) : "";

    public string FirstDay => Points.Count == 0 ? "" : Points[0].Day.ToString("d MMM", CultureInfo.InvariantCulture);

    public string LastDay => Points.Count == 0 ? "" : Points[^1].Day.ToString("d MMM", CultureInfo.InvariantCulture);

    public string Latest => Points.LastOrDefault(p => p.Value is not null) is { Value: { } value } ? Format(value) : "No data";

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

    private static string Number(double value) => Math.Round(value, 2).ToString(CultureInfo.InvariantCulture);
}
