using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Parley.Server.Storage;

public static class StorageSetup
{
    public static WebApplicationBuilder AddParleyStorage(this WebApplicationBuilder builder)
    {
        var dataDirectory = DataDirectory.FromConfiguration(builder.Configuration);
        builder.Services.AddSingleton(dataDirectory);
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();
        builder.Services.AddScoped<SchemaMigrator>();
        builder.Services.AddSingleton<WriteGate>();
        builder.Services.AddSingleton<SqliteRowReader>();
        builder.Services.AddPooledDbContextFactory<ParleyDb>((services, options) =>
        {
            var database = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            if (database.IsPostgres)
            {
                options.UseNpgsql(database.Postgres);
            }
            else
            {
                options.UseSqlite(SqliteConnectionString(database, dataDirectory)).AddInterceptors(new SqlitePragmas());
            }
        });
        builder.Services.AddScoped(services =>
        {
            var db = services.GetRequiredService<IDbContextFactory<ParleyDb>>().CreateDbContext();
            db.TenantScope = services.GetRequiredService<ITenantScope>();
            return db;
        });
        return builder;
    }

    public static string SqliteConnectionString(DatabaseOptions database, DataDirectory dataDirectory) => new SqliteConnectionStringBuilder
    {
        DataSource = database.SqlitePath ?? dataDirectory.File("parley.db"),
        ForeignKeys = true,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>Brings the schema to the latest version (the `migrate` command and start-up both call this).</summary>
    public static async Task<int> MigrateParleyDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        if (db.Database.IsSqlite())
        {
            // WAL lets readers run beside the single writer; the setting is stored in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        return await scope.ServiceProvider.GetRequiredService<SchemaMigrator>().MigrateAsync(null, cancellationToken);
    }
}
