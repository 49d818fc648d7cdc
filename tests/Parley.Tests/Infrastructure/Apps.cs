using Npgsql;

namespace Parley.Tests.Infrastructure;

/// <summary>Parley on SQLite in a fresh data directory (the embedded default).</summary>
public sealed class SqliteApp : ParleyApp;

/// <summary>
/// Parley on the real PostgreSQL that ./test.sh starts (PARLEY_TEST_POSTGRES); each instance gets
/// a database of its own, dropped afterwards.
/// </summary>
public sealed class PostgresApp : ParleyApp
{
    public PostgresApp() => ConnectionString = PostgresDatabases.Create();

    public string ConnectionString { get; }

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Parley:Database:Postgres", ConnectionString)];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        PostgresDatabases.Drop(ConnectionString);
    }
}

public static class PostgresDatabases
{
    public static string Server => Environment.GetEnvironmentVariable("PARLEY_TEST_POSTGRES") is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException("PARLEY_TEST_POSTGRES is not set: run the tests with ./test.sh, which starts PostgreSQL on 127.0.0.1.");

    public static string Create()
    {
        var name = "parley_t_" + Guid.NewGuid().ToString("N")[..16];
        using var connection = new NpgsqlConnection(Server);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE {name}";
        command.ExecuteNonQuery();
        return new NpgsqlConnectionStringBuilder(Server) { Database = name }.ConnectionString;
    }

    public static void Drop(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(Server);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS {name} WITH (FORCE)";
        command.ExecuteNonQuery();
    }
}
