namespace Parley.Server.Infrastructure.Errors;

/// <summary>
/// The one error body every Parley endpoint answers with. It carries the fields of all five
/// reference documents at once: FastAPI's <c>detail</c> (Integration Platform, Three-Database Chatbot), AI Assistant Platform's <c>status_code</c> and
/// <c>error_code</c>, and the <c>error</c> object of Customer Care AI and HeliosCS. See docs/api-conventions.md.
/// </summary>
public sealed record ApiError(string Detail, int StatusCode, string ErrorCode, ApiErrorBody Error)
{
    public static ApiError Create(int status, string code, string message, IReadOnlyList<FieldError>? details, string requestId, DateTime timestamp)
        => new(message, status, code, new ApiErrorBody(code, message, details ?? [], timestamp, requestId));
}

public sealed record ApiErrorBody(string Code, string Message, IReadOnlyList<FieldError> Details, DateTime Timestamp, string RequestId);

public sealed record FieldError(string Field, string Message);

public static class ErrorCodes
{
    public const string Validation = "VALIDATION_ERROR";
    public const string BadRequest = "BAD_REQUEST";
    public const string MalformedJson = "MALFORMED_JSON";
    public const string InvalidQuery = "INVALID_QUERY";
    public const string Authentication = "AUTHENTICATION_ERROR";
    public const string Authorization = "AUTHORIZATION_ERROR";
    public const string NotFound = "NOT_FOUND";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string Conflict = "CONFLICT";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string RateLimited = "RATE_LIMIT_EXCEEDED";
    public const string Internal = "INTERNAL_ERROR";
    public const string Unavailable = "SERVICE_UNAVAILABLE";

    public static string ForStatus(int status) => status switch
    {
        400 => BadRequest,
        401 => Authentication,
        403 => Authorization,
        404 => NotFound,
        405 => MethodNotAllowed,
        409 => Conflict,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        422 => Validation,
        429 => RateLimited,
        503 => Unavailable,
        _ => status >= 500 ? Internal : BadRequest,
    };

    public static string DefaultMessage(int status) => status switch
    {
        400 => "The request is not valid.",
        401 => "Authentication required: send a valid access token or API key.",
        403 => "You do not have permission to do this.",
        404 => "Not found.",
        405 => "Method not allowed on this path.",
        409 => "The request conflicts with the current state.",
        413 => "The request body is too large.",
        415 => "Unsupported content type.",
        422 => "The request data is not valid.",
        429 => "Too many requests.",
        503 => "The service is temporarily unavailable.",
        _ => status >= 500 ? "An unexpected error occurred." : "The request failed.",
    };
}
