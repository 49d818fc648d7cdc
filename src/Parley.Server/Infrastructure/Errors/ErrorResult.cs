using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Parley.Server.Infrastructure.Errors;

/// <summary>
/// An expected failure returned by a handler (not found, conflict, validation...). It writes the
/// <see cref="ApiError"/> envelope and declares the error responses for the OpenAPI document.
/// </summary>
public sealed class ErrorResult : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    private ErrorResult(int status, string code, string message, IReadOnlyList<FieldError>? details)
    {
        StatusCode = status;
        Code = code;
        Message = message;
        Details = details;
    }

    public int StatusCode { get; }
    public string Code { get; }
    public string Message { get; }
    public IReadOnlyList<FieldError>? Details { get; }
    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public static ErrorResult NotFound(string what) => new(404, ErrorCodes.NotFound, $"{what} not found.", null);
    public static ErrorResult Conflict(string message) => new(409, ErrorCodes.Conflict, message, null);
    public static ErrorResult Forbidden(string? message = null) => new(403, ErrorCodes.Authorization, message ?? ErrorCodes.DefaultMessage(403), null);
    public static ErrorResult Unauthorized(string message) => new(401, ErrorCodes.Authentication, message, null);
    public static ErrorResult BadRequest(string message, IReadOnlyList<FieldError>? details = null) => new(400, ErrorCodes.BadRequest, message, details);
    public static ErrorResult InvalidQuery(IReadOnlyList<FieldError> details) => new(400, ErrorCodes.InvalidQuery, "Invalid query parameters.", details);
    public static ErrorResult Validation(IReadOnlyList<FieldError> details) => new(422, ErrorCodes.Validation, "The request data is not valid.", details);
    public static ErrorResult Validation(string field, string message) => Validation([new FieldError(field, message)]);
    public static ErrorResult TooManyRequests(string message) => new(429, ErrorCodes.RateLimited, message, null);
    public static ErrorResult Status(int status, string? message = null) => new(status, ErrorCodes.ForStatus(status), message ?? ErrorCodes.DefaultMessage(status), null);

    public Task ExecuteAsync(HttpContext httpContext) => ErrorWriter.WriteAsync(httpContext, StatusCode, Code, Message, Details);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        foreach (var status in new[] { 400, 401, 403, 404, 409, 422, 429 })
        {
            builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ApiError), ["application/json"]));
        }
    }
}
