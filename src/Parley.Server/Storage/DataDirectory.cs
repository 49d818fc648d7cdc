namespace Parley.Server.Storage;

/// <summary>
/// Where Parley keeps its files: the SQLite database and generated keys. <c>./data</c> by default;
/// <c>PARLEY_DATA_DIR</c> (or <c>Parley:DataDir</c>) moves it.
/// </summary>
public sealed class DataDirectory
{
    public DataDirectory(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public static DataDirectory FromConfiguration(IConfiguration configuration)
        => new(configuration["PARLEY_DATA_DIR"] is { Length: > 0 } env ? env : configuration["Parley:DataDir"] ?? "data");
}
