using Microsoft.AspNetCore.Http.Features;
using Parley.Server.Infrastructure.Errors;

namespace Parley.Server.Infrastructure.Http;

/// <summary>
/// Reads a form body for endpoints that take JSON or a form. The content type is the client's
/// claim, not a fact: a JSON body labelled <c>multipart/form-data; boundary=xyz</c> makes
/// <see cref="HttpRequest.ReadFormAsync(CancellationToken)"/> throw (no boundary is ever found),
/// and that is the client's mistake, a 400, not a 500.
/// </summary>
public static class FormBodies
{
    public static async Task<(IFormCollection? Form, ErrorResult? Error)> ReadAsync(HttpRequest request, FormOptions? options, CancellationToken cancellationToken)
    {
        try
        {
            var form = options is null ? await request.ReadFormAsync(cancellationToken) : await request.ReadFormAsync(options, cancellationToken);
            return (form, null);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return (null, e is BadHttpRequestException { StatusCode: 413 } || e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? ErrorResult.Status(413, "The form body is larger than allowed.")
                : ErrorResult.BadRequest("The form body could not be read: send well-formed multipart/form-data or application/x-www-form-urlencoded, or JSON as application/json."));
        }
    }
}
