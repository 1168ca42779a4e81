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

    /// <summary>Every icon's attributes after its class.</summary>
    internal static readonly (string Name, string Value)[] Attributes =
    [
        ("viewBox", "0 0 24 24"), ("width", "16"), ("height", "16"), ("fill", "none"), ("stroke", "currentColor"), ("stroke-width", "2"),
        ("stroke-linecap", "round"), ("stroke-linejoin", "round"), ("aria-hidden", "true"), ("focusable", "false"),
    ];

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        // A plain icon (the usual case, many per page) is written as one ready-made string instead of its attributes
        // encoded one by one on every render.
        if (output.Attributes.Count == 0)
        {
            output.TagName = null;
            output.Content.SetHtmlContent(Lucide.Svg(Name));
            return;
        }
        var extra = output.Attributes.TryGetAttribute("class", out var given) ? " " + given.Value : "";
        output.TagName = "svg";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("class", $"icon icon-{Name}{extra}");
        foreach (var (name, value) in Attributes)
        {
            output.Attributes.SetAttribute(name, value);
        }
        output.Content.SetHtmlContent(Lucide.Body(Name));
    }
}

/// <summary>The Lucide icons the views use, from lucide-static (ISC licence; version and list in scripts/icons.sh), embedded in the assembly.</summary>
public static partial class Lucide
{
    private static readonly FrozenDictionary<string, string> Bodies = Load();
    private static readonly FrozenDictionary<string, string> Svgs = Bodies.ToFrozenDictionary(b => b.Key, b =>
        $"""<svg class="icon icon-{b.Key}"{string.Concat(IconTagHelper.Attributes.Select(a => $" {a.Name}=\"{a.Value}\""))}>{b.Value}</svg>""");

    public static IReadOnlyCollection<string> Names => Bodies.Keys;

    public static string Body(string name) => Bodies.TryGetValue(name, out var body)
        ? body
        : throw new InvalidOperationException($"There is no icon \"{name}\": add it to scripts/icons.sh and run that script.");

    /// <summary>The whole element of an icon with no attributes but its name: what the tag helper's attributes render to.</summary>
    public static string Svg(string name) => Svgs.TryGetValue(name, out var svg) ? svg : Body(name);

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
