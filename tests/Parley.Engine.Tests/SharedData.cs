namespace Parley.Engine.Tests;

/// <summary>
/// The public labelled data in <c>../shared/data</c> beside the repository (never copied into it).
/// <c>PARLEY_SHARED_DATA</c> points elsewhere.
/// </summary>
public static class SharedData
{
    public static string Root { get; } = Find();

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("PARLEY_SHARED_DATA") is { Length: > 0 } configured)
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Parley.slnx")))
            {
                var data = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
                return Directory.Exists(data)
                    ? data
                    : throw new DirectoryNotFoundException($"Evaluation data not found at {data}; set PARLEY_SHARED_DATA.");
            }
        }

        throw new DirectoryNotFoundException("Repository root (Parley.slnx) not found above " + AppContext.BaseDirectory);
    }
}
