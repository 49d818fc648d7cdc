namespace Parley.Server.Realtime;

/// <summary>
/// The checks the HTTP pipeline makes of a visitor token (its endpoint, channel and origin), for a
/// conversation socket whose token arrives in the first frame, after the pipeline has run. Realtime
/// declares it; the widget's visitor gate implements it.
/// </summary>
public interface IVisitorGate
{
    /// <summary>Null when the caller is not a visitor or may go on; otherwise why it is refused.</summary>
    Task<string?> CheckAsync(HttpContext http);
}
