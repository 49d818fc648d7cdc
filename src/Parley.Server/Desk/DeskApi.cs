namespace Parley.Server.Desk;

/// <summary>The agents' desk: internal notes, tags, canned responses and the customer panel (issue 15).</summary>
public static class DeskApi
{
    public static RouteGroupBuilder MapDesk(this RouteGroupBuilder api)
    {
        api.MapNotes();
        api.MapTags();
        api.MapCannedResponses();
        api.MapCustomerPanel();
        return api;
    }
}
