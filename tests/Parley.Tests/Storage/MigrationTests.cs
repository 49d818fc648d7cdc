using System.Data.Common;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Parley.Server.ApiKeys;
using Parley.Server.Storage;
using Parley.Server.Tenants;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Storage;

/// <summary>
/// A database made by schema version 1 (before API keys existed), holding an account written the
/// way version 1 wrote it, must open under the current version with that account intact.
/// </summary>
public sealed class MigrationTests
{
    private const string Password = "legacy-password-1";

    [Fact]
    public async Task Sqlite_database_from_version_1_opens_under_the_current_version()
    {
        var app = new SqliteApp { RegisterAdminOnStart = false };
        try
        {
            var options = new DbContextOptionsBuilder<ParleyDb>()
                .UseSqlite(new SqliteConnectionStringBuilder { DataSource = Path.Combine(app.DataDir, "parley.db"), Pooling = false }.ToString()).Options;
            await SeedVersion1Async(options, sqlite: true);
            await ProveUpgradedAsync(app);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Postgres_database_from_version_1_opens_under_the_current_version()
    {
        var app = new PostgresApp { RegisterAdminOnStart = false };
        try
        {
            var options = new DbContextOptionsBuilder<ParleyDb>().UseNpgsql(app.ConnectionString).Options;
            await SeedVersion1Async(options, sqlite: false);
            await ProveUpgradedAsync(app);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Migrating_twice_is_a_no_op_and_reports_the_version()
    {
        var dir = Directory.CreateTempSubdirectory("parley-migrate-").FullName;
        var options = new DbContextOptionsBuilder<ParleyDb>()
            .UseSqlite(new SqliteConnectionStringBuilder { DataSource = Path.Combine(dir, "parley.db"), Pooling = false }.ToString()).Options;
        await using var db = new ParleyDb(options);
        var migrator = new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance);
        Assert.Equal(0, await migrator.CurrentVersionAsync());
        var latest = await migrator.MigrateAsync();
        Assert.Equal(migrator.LatestVersion, latest);
        Assert.Equal(latest, await migrator.MigrateAsync());
        Assert.Equal(1, await db.Tenants.IgnoreQueryFilters().CountAsync());
    }

    [Fact]
    public async Task A_script_numbered_below_the_newest_applied_still_runs()
    {
        var dir = Directory.CreateTempSubdirectory("parley-migrate-").FullName;
        var options = new DbContextOptionsBuilder<ParleyDb>()
            .UseSqlite(new SqliteConnectionStringBuilder { DataSource = Path.Combine(dir, "parley.db"), Pooling = false }.ToString()).Options;
        await using var db = new ParleyDb(options);
        var migrator = new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance);
        Assert.Equal(1, await migrator.MigrateAsync(targetVersion: 1));
        // As if a branch's script 3 had landed and been applied before script 2 existed.
        await db.Database.ExecuteSqlRawAsync("INSERT INTO schema_migrations (version, name) VALUES (3, 'from_another_branch')");

        Assert.Equal(3, await migrator.MigrateAsync(targetVersion: 2));

        var versions = await db.Database.SqlQueryRaw<int>("SELECT version AS \"Value\" FROM schema_migrations ORDER BY version").ToListAsync();
        Assert.Equal([1, 2, 3], versions);
        Assert.Equal(0, await db.ApiKeys.IgnoreQueryFilters().CountAsync());
    }

    private static async Task SeedVersion1Async(DbContextOptions<ParleyDb> options, bool sqlite)
    {
        await using var db = new ParleyDb(options);
        Assert.Equal(1, await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync(targetVersion: 1));
        var hasher = new PasswordHasher<object>(Options.Create(new PasswordHasherOptions { IterationCount = 1000 }));
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO users (id, tenant_id, email, normalized_email, username, normalized_username, full_name, password_hash,
                               role, subscription_plan, is_active, is_verified, created_at, updated_at)
            VALUES (@id, @tenant, 'legacy@example.com', 'LEGACY@EXAMPLE.COM', 'legacy', 'LEGACY', 'Legacy Admin', @hash,
                    'admin', 'pro', @yes, @yes, @now, @now);
            UPDATE tenants SET admin_bootstrapped_at = @now;
            """;
        var id = Guid.CreateVersion7();
        var tenant = Guid.Parse("00000000-0000-0000-0000-000000000001");
        var now = DateTime.UtcNow;
        // Version 1 stored Guids as upper-case TEXT and times as UTC TEXT on SQLite; native types on PostgreSQL.
        Add(command, "@id", sqlite ? id.ToString().ToUpperInvariant() : id);
        Add(command, "@tenant", sqlite ? tenant.ToString().ToUpperInvariant() : tenant);
        Add(command, "@hash", hasher.HashPassword(new object(), Password));
        Add(command, "@yes", sqlite ? 1 : true);
        Add(command, "@now", sqlite ? now.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture) : now);
        await command.ExecuteNonQueryAsync();
        await connection.CloseAsync();
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static async Task ProveUpgradedAsync(ParleyApp app)
    {
        await app.InitializeAsync();
        var health = await Json.ReadAsync(await app.Anonymous().GetAsync("/health/detailed"), 200);
        var data = health.GetProperty("components").GetProperty("database").GetProperty("data");
        Assert.Equal(data.GetProperty("latest_schema_version").GetInt32(), data.GetProperty("schema_version").GetInt32());
        Assert.True(data.GetProperty("schema_version").GetInt32() >= 2);

        var legacy = await app.LoginAsync("legacy@example.com", Password);
        Assert.Equal("admin", legacy.Role);
        var me = await Json.ReadAsync(await legacy.Client.GetAsync("/api/v1/auth/me"), 200);
        Assert.Equal("Legacy Admin", me.GetProperty("full_name").GetString());
        // Version 1 stored a plan per user ("pro" here); the plan shown is the tenant's, the platform
        // tenant's "enterprise" (one plan per tenant, issue 19).
        Assert.Equal("enterprise", me.GetProperty("subscription_plan").GetString());

        // Version 2's table works for the old account, and later sign-ups are plain users.
        await Json.ReadAsync(await legacy.Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "after-upgrade" }), 201);
        var newcomer = await app.RegisterAsync();
        Assert.Equal("user", newcomer.Role);
    }
}
