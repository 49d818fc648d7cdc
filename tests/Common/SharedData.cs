namespace Parley.Tests.Data;

/// <summary>
/// The public labelled data in <c>../shared/data</c> beside the repository (never copied into it);
/// <c>PARLEY_SHARED_DATA</c> points elsewhere. A fresh clone has no such folder: tests that need it
/// carry <see cref="SharedDataFactAttribute"/> or <see cref="SharedDataTheoryAttribute"/> and are then
/// reported as not run, by name and with this reason, instead of failing. CI sets
/// <c>PARLEY_REQUIRE_SHARED_DATA=1</c>, which turns a missing folder into failures.
/// Compiled into both test projects (linked, not copied).
/// </summary>
public static class SharedData
{
    public const string RequireVariable = "PARLEY_REQUIRE_SHARED_DATA";

    /// <summary>Where the data is, or would be.</summary>
    public static string Root { get; } = Locate();

    public static bool Present => Directory.Exists(Root);

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) is "1" or "true";

    /// <summary>Null when the tests can run (data present) or must run (data required).</summary>
    public static string? NotRunReason => Present || Required
        ? null
        : $"evaluation data not found at {Root}; set PARLEY_SHARED_DATA to run it";

    /// <summary>A path under the data; a clear failure when the data is required and missing.</summary>
    public static string File(params string[] parts) => Present
        ? Path.Combine([Root, .. parts])
        : throw new DirectoryNotFoundException(
            $"Evaluation data not found at {Root} and {RequireVariable} is set; put the data there or set PARLEY_SHARED_DATA.");

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("PARLEY_SHARED_DATA") is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Parley.slnx")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
            }
        }

        throw new DirectoryNotFoundException("Repository root (Parley.slnx) not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A fact on <see cref="SharedData"/>: not run, with the reason, when the data is absent and not required.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute() => Skip = SharedData.NotRunReason;
}

/// <summary>A theory on <see cref="SharedData"/>: not run, with the reason, when the data is absent and not required.</summary>
public sealed class SharedDataTheoryAttribute : TheoryAttribute
{
    public SharedDataTheoryAttribute() => Skip = SharedData.NotRunReason;
}
