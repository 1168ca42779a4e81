using Microsoft.AspNetCore.Http.HttpResults;

namespace VideoStudio.Web.Api;

/// <summary>Every refusal of the API as RFC 9457 problem details: a title that names the problem, a detail that says what to do.</summary>
public static class ApiProblems
{
    public static ProblemHttpResult Problem(int status, string title, string? detail = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    public static ProblemHttpResult NotFound(string what = "content item") =>
        Problem(StatusCodes.Status404NotFound, "Not found", $"No {what} with that id exists in this token's business.");

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request is not valid");

    public static Task Write(HttpContext http, int status, string title, string detail) =>
        Problem(status, title, detail).ExecuteAsync(http);
}
