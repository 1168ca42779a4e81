namespace VideoStudio.Web.Security;

/// <summary>
/// A form beyond the framework's limits (a field over 4 MB, too many fields) cannot be read. Whoever reads it first would
/// fail in its own way: the antiforgery check answers 400, MVC binds nothing and the handler answers 404. This reads
/// URL-encoded forms first (they are read whole anyway; multipart bodies, the uploads, stream and are left alone) and
/// says what really happened.
/// </summary>
public static class FormLimits
{
    public static IApplicationBuilder UseFormLimits(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            if (http.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
            {
                try
                {
                    await http.Request.ReadFormAsync(http.RequestAborted);
                }
                catch (InvalidDataException)
                {
                    http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                    http.Response.ContentType = "text/plain; charset=utf-8";
                    await http.Response.WriteAsync("The form is too large to accept: shorten what you entered and send it again.");
                    return;
                }
            }
            await next(http);
        });
}
