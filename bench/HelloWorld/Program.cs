// Hello-world baseline for bench/foundation.sh: one JSON endpoint, nothing else.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

var app = builder.Build();

app.MapGet("/hello", () => TypedResults.Ok(new { message = "Hello, World!" }));

app.Run();
