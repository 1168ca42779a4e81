using Microsoft.AspNetCore.Mvc.Testing;

namespace VideoStudio.Tests.Infrastructure;

public static class StartupRefusal
{
    /// <summary>Starts the host expecting it to refuse; returns every message of the exception and its causes, outermost first.</summary>
    public static string MessagesOf(WebApplicationFactory<Program> app)
    {
        var refused = Assert.ThrowsAny<Exception>(() => app.Services);
        var messages = new List<string>();
        for (Exception? e = refused; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }
        return string.Join(" | ", messages);
    }
}
