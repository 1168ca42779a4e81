namespace VideoStudio.Web;

public static class Htmx
{
    public static bool IsHtmx(this HttpRequest request) => request.Headers["HX-Request"] == "true";
}
