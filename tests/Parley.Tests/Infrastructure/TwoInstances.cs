using System.Security.Cryptography;

namespace Parley.Tests.Infrastructure;

/// <summary>
/// Two Parley instances over one PostgreSQL database with one signing key, as a scaled-out
/// deployment runs them: what one instance writes or publishes, the other must see. The first
/// registers the platform admin; tokens it issues work on the second.
/// </summary>
public abstract class TwoInstances : IAsyncLifetime
{
    private readonly string _database = PostgresDatabases.Create();
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    protected ParleyApp First { get; private set; } = null!;

    protected ParleyApp Second { get; private set; } = null!;

    /// <summary>Settings both instances get besides the shared database and key.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings() => [];

    public async Task InitializeAsync()
    {
        First = new SharedApp(_database, _key, Settings());
        await First.InitializeAsync();
        Second = new SharedApp(_database, _key, Settings()) { RegisterAdminOnStart = false };
        await Second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Second.DisposeAsync();
        await First.DisposeAsync();
        PostgresDatabases.Drop(_database);
    }

    private sealed class SharedApp(string database, string key, IEnumerable<KeyValuePair<string, string?>> extra) : ParleyApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            [new("Parley:Database:Postgres", database), new("Parley:Auth:SigningKey", key), .. extra];
    }
}
