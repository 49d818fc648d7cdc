using Microsoft.Extensions.Options;
using Parley.Server.Infrastructure.RateLimiting;
using Parley.Server.Users;

namespace Parley.Server.Auth;

/// <summary>
/// Slows password guessing: after too many failures for one account, or from one IP, logins are
/// refused until the window ends, even with the right password.
/// </summary>
public sealed class LoginThrottle(ICounterStore counters, IOptions<AuthOptions> options)
{
    private readonly AuthOptions _options = options.Value;
    private TimeSpan Window => TimeSpan.FromMinutes(_options.FailedLoginWindowMinutes);

    /// <summary>When login is blocked, the time it opens again.</summary>
    public async Task<DateTimeOffset?> BlockedUntilAsync(string login, string? ip, CancellationToken cancellationToken)
    {
        var account = await counters.PeekAsync(AccountKey(login), Window, cancellationToken);
        if (account.Count >= _options.MaxFailedLoginsPerAccount)
        {
            return account.ResetsAt;
        }

        var address = await counters.PeekAsync(IpKey(ip), Window, cancellationToken);
        return address.Count >= _options.MaxFailedLoginsPerIp ? address.ResetsAt : null;
    }

    public async Task RecordFailureAsync(string login, string? ip, CancellationToken cancellationToken)
    {
        await counters.IncrementAsync(AccountKey(login), Window, cancellationToken);
        await counters.IncrementAsync(IpKey(ip), Window, cancellationToken);
    }

    public ValueTask RecordSuccessAsync(string login, CancellationToken cancellationToken)
        => counters.ResetAsync(AccountKey(login), Window, cancellationToken);

    private static string AccountKey(string login) => "login:acct:" + User.Normalize(login);
    private static string IpKey(string? ip) => "login:ip:" + (ip ?? "unknown");
}
