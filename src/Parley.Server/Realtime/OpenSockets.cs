using System.Collections.Concurrent;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Events;

namespace Parley.Server.Realtime;

/// <summary>The credentials an open socket was opened with.</summary>
public sealed record SocketOwner(Guid TenantId, Guid UserId, Guid? SessionId, Guid? ApiKeyId);

/// <summary>
/// Every socket open on this instance and whose credentials it speaks for. A revocation closes the
/// matching sockets here at once (an <c>error</c> frame, then close 1008) and travels to the other
/// instances over <see cref="IEventRelay"/>, which close theirs as soon as it arrives. Without this
/// a socket outlived its credentials: the REST check runs per request, a socket authenticates once.
/// </summary>
public sealed class OpenSockets(IEventRelay relay, PrincipalCheck principals, ILogger<OpenSockets> logger) : ICredentialRevocations
{
    private readonly ConcurrentDictionary<Guid, (SocketOwner Owner, SocketConnection Connection)> _open = new();

    public IDisposable Register(SocketOwner owner, SocketConnection connection)
    {
        var id = Guid.NewGuid();
        _open[id] = (owner, connection);
        return new Registration(() => _open.TryRemove(id, out _));
    }

    /// <summary>Whether a socket opened with <paramref name="owner"/>'s credentials falls under the revocation.</summary>
    private static bool Matches(Revocation revocation, SocketOwner owner) => revocation.Kind switch
    {
        Revocation.Session => owner.SessionId == revocation.Id,
        Revocation.Sessions => owner.UserId == revocation.Id && owner.SessionId is { } session && session != revocation.Except,
        Revocation.User => owner.UserId == revocation.Id,
        Revocation.ApiKey => owner.ApiKeyId == revocation.Id,
        Revocation.Tenant => owner.TenantId == revocation.Id,
        _ => false,
    };

    /// <summary>Closes the matching sockets on this instance and tells the other instances to close theirs.</summary>
    public async Task RevokeAsync(Revocation revocation, CancellationToken cancellationToken)
    {
        CloseHere(revocation);
        try
        {
            await relay.ForwardRevocationAsync(revocation, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The revocation itself is stored: other instances' REST checks refuse the credentials
            // once their cached checks expire, but their open sockets stay until they close.
            logger.LogWarning(e, "Could not tell other instances about revoked {Kind} {Id}", revocation.Kind, revocation.Id);
        }
    }

    /// <summary>Closes the matching sockets on this instance only (a revocation announced by another instance).</summary>
    public void CloseHere(Revocation revocation)
    {
        // The cached per-request check must not outlive the revocation either.
        if (revocation.Kind is Revocation.Tenant || revocation.UserId is null && revocation.Kind is Revocation.Session or Revocation.ApiKey)
        {
            principals.ForgetAll();
        }
        else
        {
            principals.Forget(revocation.UserId ?? revocation.Id);
        }

        foreach (var (_, (owner, connection)) in _open)
        {
            if (Matches(revocation, owner))
            {
                logger.LogInformation("Closing a socket of user {UserId}: {Reason}", owner.UserId, revocation.Reason);
                connection.Terminate(ErrorCodes.Authentication, $"Access revoked ({revocation.Reason}); authenticate again.", revocation.CloseReason);
            }
        }
    }

    public int Count => _open.Count;

    private sealed class Registration(Action leave) : IDisposable
    {
        public void Dispose() => leave();
    }
}
