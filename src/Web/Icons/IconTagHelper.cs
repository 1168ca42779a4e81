using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace VideoStudio.Web.Icons;

/// <summary>
/// <c>&lt;icon name="upload" /&gt;</c> becomes Lucide's SVG inline, hidden from assistive technology: the text beside it
/// carries the meaning. Inline SVG needs no request and no script, and follows the text colour (currentColor), which
/// keeps icons right in the dark theme and in forced-colours mode.
/// </summary>
[HtmlTargetElement("icon", Attributes = "name", TagStructure = TagStructure.WithoutEndTag)]
public sealed partial class IconTagHelper : TagHelper
{
    public required string Name { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var extra = output.Attributes.TryGetAttribute("class", out var given) ? " " + given.Value : "";
        output.TagName = "svg";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("class", $"icon icon-{Name}{extra}");
        output.Attributes.SetAttribute("viewBox", "0 0 24 24");
        output.Attributes.SetAttribute("width", "16");
        output.Attributes.SetAttribute("height", "16");
        output.Attributes.SetAttribute("fill", "none");
        output.Attributes.SetAttribute("stroke", "currentColor");
        output.Attributes.SetAttribute("stroke-width", "2");
        output.Attributes.SetAttribute("stroke-linecap", "round");
        output.Attributes.SetAttribute("stroke-linejoin", "round");
        output.Attributes.SetAttribute("aria-hidden", "true");
        output.Attributes.SetAttribute("focusable", "false");
        output.Content.SetHtmlContent(Lucide.Body(Name));
    }
}

/// <summary>The Lucide icons the views use, from lucide-static (ISC licence; version and list in scripts/icons.sh), embedded in the assembly.</summary>
public static partial class Lucide
{
    private static readonly FrozenDictionary<string, string> Bodies = Load();

    public static IReadOnlyCollection<string> Names => Bodies.Keys;

    public static string Body(string name) => Bodies.TryGetValue(name, out var body)
        ? body
        : throw new InvalidOperationException($"There is no icon \"{name}\": add it to scripts/icons.sh and run that script.");

    private static FrozenDictionary<string, string> Load()
    {
        var assembly = typeof(Lucide).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("lucide/", StringComparison.Ordinal) && n.EndsWith(".svg", StringComparison.Ordinal))
            .ToFrozenDictionary(
                n => n["lucide/".Length..^".svg".Length],
                n =>
                {
                    using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                    var svg = reader.ReadToEnd();
                    var body = svg[(svg.IndexOf('>', svg.IndexOf("<svg", StringComparison.Ordinal)) + 1)..svg.LastIndexOf("</svg>", StringComparison.Ordinal)];
                    return Whitespace().Replace(body, " ").Trim().Replace("> <", "><", StringComparison.Ordinal);
                });
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
