using Microsoft.EntityFrameworkCore;

namespace Parley.Server.Webhooks;

/// <summary>
/// Runs an action once the caller's unit of work has been saved (and never if saving fails), for
/// work that must only follow stored rows: waking the webhook worker, pushing a notification.
/// A pooled context gets its event handlers reset when it is rented again, so an unsaved unit leaves nothing behind.
/// </summary>
public static class AfterSave
{
    public static void Run(DbContext db, Action action)
    {
        EventHandler<SavedChangesEventArgs>? saved = null;
        EventHandler<SaveChangesFailedEventArgs>? failed = null;
        saved = (_, _) =>
        {
            Detach();
            action();
        };
        failed = (_, _) => Detach();
        db.SavedChanges += saved;
        db.SaveChangesFailed += failed;

        void Detach()
        {
            db.SavedChanges -= saved;
            db.SaveChangesFailed -= failed;
        }
    }
}
