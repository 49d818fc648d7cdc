using Microsoft.Extensions.Options;
using Parley.Server.Infrastructure.RateLimiting;
using Parley.Server.Users;

namespace Parley.Server.Auth;

/// <summary>
/// Slows password guessing: after too many failures for one account, or from one IP, logins are
/// refused until the window ends, even with the right password.
/// </summary>
/// <remarks>
/// Each attempt takes its place in both counters (an atomic increment, in memory or Redis) before
/// the password is checked, so parallel guesses cannot all pass a check made before any of them
/// failed: at most the limit of passwords is ever checked per window. A right password gives its
/// place back; failures stay counted until the window ends. The account is the resolved user, so
/// its email and its username share one count; an identifier that names no account is counted by
/// itself and so answers exactly like an account would.
/// </remarks>
public sealed class LoginThrottle(ICounterStore counters, IOptions<AuthOptions> options)
{
    private readonly AuthOptions _options = options.Value;
    private TimeSpan Window => TimeSpan.FromMinutes(_options.FailedLoginWindowMinutes);

    /// <summary>One attempt's place in the counters, given back when the password was right.</summary>
    public sealed record Reservation(string IpKey, string AccountKey, DateTimeOffset IpResetsAt, DateTimeOffset AccountResetsAt);

    /// <summary>Takes a place for one password check, or answers when login opens again.</summary>
    public async Task<(Reservation? Reservation, DateTimeOffset? BlockedUntil)> ReserveAsync(Guid? userId, string login, string? ip, CancellationToken cancellationToken)
    {
        var ipKey = "login:ip:" + (ip ?? "unknown");
        var address = await counters.IncrementAsync(ipKey, Window, cancellationToken);
        if (address.Count > _options.MaxFailedLoginsPerIp)
        {
            return (null, address.ResetsAt);
        }

        var accountKey = userId is { } id ? "login:user:" + id.ToString("N") : "login:name:" + User.Normalize(login);
        var account = await counters.IncrementAsync(accountKey, Window, cancellationToken);
        if (account.Count > _options.MaxFailedLoginsPerAccount)
        {
            // Refused before any password was checked: not a failure of this IP.
            await counters.DecrementAsync(ipKey, Window, address.ResetsAt, cancellationToken);
            return (null, account.ResetsAt);
        }

        return (new Reservation(ipKey, accountKey, address.ResetsAt, account.ResetsAt), null);
    }

    /// <summary>The password was right: this attempt is not a failure.</summary>
    public async Task ReleaseAsync(Reservation reservation, CancellationToken cancellationToken)
    {
        await counters.DecrementAsync(reservation.AccountKey, Window, reservation.AccountResetsAt, cancellationToken);
        await counters.DecrementAsync(reservation.IpKey, Window, reservation.IpResetsAt, cancellationToken);
    }
}
