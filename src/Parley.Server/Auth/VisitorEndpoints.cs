namespace Parley.Server.Auth;

/// <summary>Marks an endpoint a visitor token may call (the widget's routes, and the chat surfaces the widget speaks).</summary>
public sealed record VisitorAllowedMetadata;

public static class VisitorEndpoints
{
    public static TBuilder AllowVisitors<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new VisitorAllowedMetadata());
}
