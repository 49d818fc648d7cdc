using System.Net.Mail;
using Parley.Server.Infrastructure.Errors;

namespace Parley.Server.Infrastructure.Validation;

/// <summary>A request record that can say what is wrong with itself.</summary>
public interface IValidatable
{
    IEnumerable<FieldError> Validate();
}

/// <summary>Runs <see cref="IValidatable.Validate"/> on every argument before the handler: 422 listing each field.</summary>
public sealed class ValidationFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        foreach (var argument in context.Arguments)
        {
            if (argument is IValidatable validatable && validatable.Validate().ToList() is { Count: > 0 } errors)
            {
                return ErrorResult.Validation(errors);
            }
        }

        return await next(context);
    }
}

/// <summary>Small checks shared by request records.</summary>
public static class Check
{
    public static bool IsEmail(string? value)
        => value is { Length: > 2 and <= 254 } && MailAddress.TryCreate(value, out var parsed) && parsed.Address == value.Trim() && value.Contains('.', StringComparison.Ordinal);

    public static bool IsUsername(string? value)
        => value is { Length: >= 3 and <= 64 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') && !value.Contains('@', StringComparison.Ordinal);

    public static IEnumerable<FieldError> Required(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            yield return new FieldError(field, "Field required.");
        }
    }

    public static IEnumerable<FieldError> MaxLength(string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
        {
            yield return new FieldError(field, $"At most {max} characters.");
        }
    }
}
