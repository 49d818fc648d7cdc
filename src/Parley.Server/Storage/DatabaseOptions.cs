namespace Parley.Server.Storage;

public sealed class DatabaseOptions
{
    public const string Section = "Parley:Database";

    /// <summary>
    /// PostgreSQL connection string (env <c>Parley__Database__Postgres</c>). When set, PostgreSQL is
    /// the system of record; when empty, SQLite under the data directory is.
    /// </summary>
    public string? Postgres { get; set; }

    /// <summary>SQLite database file; defaults to <c>{data dir}/parley.db</c>.</summary>
    public string? SqlitePath { get; set; }

    /// <summary>Apply pending schema migrations when the server starts.</summary>
    public bool MigrateOnStart { get; set; } = true;

    public bool IsPostgres => !string.IsNullOrWhiteSpace(Postgres);
}
