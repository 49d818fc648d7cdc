namespace Parley.Server.Notifications;

/// <summary>
/// Event types other features raise for notifications only (not webhook-subscribable). The data
/// contracts: <c>task.failed</c> <c>{task_id, user_id, task_type, status:"failed", error}</c>;
/// <c>quota.warning</c> <c>{user_id, metric, used, limit, reset_at}</c>.
/// </summary>
public static class NotificationEvents
{
    public const string TaskFailed = "task.failed";
    public const string QuotaWarning = "quota.warning";

    /// <summary>Someone tried to register with the email of an existing account: <c>{user_id}</c>, the owner (Auth's <see cref="Auth.RegistrationAttempts"/>).</summary>
    public const string RegistrationAttempted = Auth.RegistrationAttempts.Event;

    /// <summary>The <c>/ws</c> message type of a live notification (the AI Assistant Platform document).</summary>
    public const string SocketType = "system_notification";
}
