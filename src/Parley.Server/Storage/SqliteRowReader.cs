using System.Collections.Concurrent;
using System.Linq.Expressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Options;

namespace Parley.Server.Storage;

/// <summary>
/// The read every chat turn makes on SQLite (its conversation, by id, inside the caller's tenant)
/// without EF's query pipeline. Through EF that read opened a pooled connection (which registers
/// EF's SQLite functions again on every open), made SQLite parse the SQL, and closed the connection
/// again: about 12% of a turn's CPU. Here a few long-lived connections keep the statement prepared;
/// columns, type mappings and value converters come from EF's model, and the row is attached to the
/// caller's context (tracked, unchanged) exactly as a tracking query would leave it. The tenant
/// condition is part of every statement: a row of another tenant is never read.
/// </summary>
public sealed class SqliteRowReader : IDisposable
{
    private const int MaxIdleReaders = 16;

    private sealed class Shape(string[] columns, IProperty[] properties, Func<SqliteDataReader, int, object?>[] readers, Action<object, object?>[] setters)
    {
        public string[] Columns { get; } = columns;
        public IProperty[] Properties { get; } = properties;
        public Func<SqliteDataReader, int, object?>[] Readers { get; } = readers;
        public Action<object, object?>[] Setters { get; } = setters;
    }

    private sealed class Reader(SqliteConnection connection) : IDisposable
    {
        public SqliteConnection Connection { get; } = connection;
        public Dictionary<string, SqliteCommand> Commands { get; } = [];

        public void Dispose()
        {
            foreach (var command in Commands.Values)
            {
                command.Dispose();
            }

            Connection.Dispose();
        }
    }

    private static readonly ConcurrentDictionary<IEntityType, Shape?> Shapes = new();
    private readonly ConcurrentBag<Reader> _idle = [];
    private readonly string? _connectionString;
    private int _disposed;

    public SqliteRowReader(IOptions<DatabaseOptions> database, DataDirectory dataDirectory)
    {
        if (!database.Value.IsPostgres)
        {
            _connectionString = StorageSetup.SqliteConnectionString(database.Value, dataDirectory);
        }
    }

    /// <summary>
    /// The <typeparamref name="T"/> row with primary key <paramref name="id"/> in <paramref name="db"/>'s
    /// tenant whose <paramref name="column"/> (when given) equals <paramref name="value"/> (null matches
    /// null, as EF compares a nullable parameter), attached to <paramref name="db"/>; null when there is
    /// none. <paramref name="handled"/> is false when this reader cannot answer (PostgreSQL, a row the
    /// context already tracks, a model it cannot map) and the caller should ask EF.
    /// </summary>
    public T? Find<T>(ParleyDb db, Guid id, string? column, object? value, out bool handled) where T : class, ITenantOwned
    {
        handled = false;
        var type = db.Model.FindEntityType(typeof(T));
        if (_connectionString is null || type is null || Shapes.GetOrAdd(type, Describe) is not { } shape
            || db.Set<T>().Local.FindEntry(id) is not null)
        {
            return null;
        }

        handled = true;
        if (db.CurrentTenantId is not { } tenantId)
        {
            return null;
        }

        var reader = Rent();
        var failed = false;
        try
        {
            var command = Command(reader, type, shape, column);
            command.Parameters[0].Value = id.ToString().ToUpperInvariant();
            command.Parameters[1].Value = tenantId.ToString().ToUpperInvariant();
            if (column is not null)
            {
                command.Parameters[2].Value = value switch
                {
                    null => DBNull.Value,
                    Guid guid => guid.ToString().ToUpperInvariant(),
                    _ => value,
                };
            }

            T entity;
            using (var row = command.ExecuteReader())
            {
                if (!row.Read())
                {
                    return null;
                }

                entity = (T)Activator.CreateInstance(typeof(T), nonPublic: true)!;
                for (var i = 0; i < shape.Properties.Length; i++)
                {
                    shape.Setters[i](entity, row.IsDBNull(i) ? null : shape.Readers[i](row, i));
                }
            }

            db.Attach(entity);
            return entity;
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            Return(reader, failed);
        }
    }

    private Reader Rent()
    {
        if (_idle.TryTake(out var reader))
        {
            return reader;
        }

        return new Reader(SqlitePragmas.OpenDedicated(_connectionString!));
    }

    private void Return(Reader reader, bool failed)
    {
        if (failed || Volatile.Read(ref _disposed) != 0 || _idle.Count >= MaxIdleReaders)
        {
            reader.Dispose();
            return;
        }

        _idle.Add(reader);
    }

    private static SqliteCommand Command(Reader reader, IEntityType type, Shape shape, string? column)
    {
        var key = type.Name + "|" + column;
        if (reader.Commands.TryGetValue(key, out var command))
        {
            return command;
        }

        var table = type.GetTableName()!;
        var store = StoreObjectIdentifier.Table(table, type.GetSchema());
        var idColumn = type.FindPrimaryKey()!.Properties[0].GetColumnName(store)!;
        var tenantColumn = type.FindProperty(nameof(ITenantOwned.TenantId))!.GetColumnName(store)!;
        var sql = $"SELECT {string.Join(", ", shape.Columns.Select(SqliteTables.Quote))} FROM {SqliteTables.Quote(table)} WHERE {SqliteTables.Quote(idColumn)} = @id AND {SqliteTables.Quote(tenantColumn)} = @tenant";
        command = reader.Connection.CreateCommand();
        command.Parameters.Add(new SqliteParameter("@id", SqliteType.Text));
        command.Parameters.Add(new SqliteParameter("@tenant", SqliteType.Text));
        if (column is not null)
        {
            var filtered = type.FindProperty(column) ?? throw new ArgumentException($"{type.Name} has no property {column}.", nameof(column));
            sql += $" AND {SqliteTables.Quote(filtered.GetColumnName(store)!)} IS @value";
            command.Parameters.Add(new SqliteParameter("@value", null));
        }

        command.CommandText = sql;
        command.Prepare();
        reader.Commands[key] = command;
        return command;
    }

    /// <summary>How to read each column of a plain table-mapped entity with a single Guid key, or null when that is not what it is.</summary>
    private static Shape? Describe(IEntityType type)
    {
        if (!SqliteTables.IsPlainTable(type) || type.GetTableName() is not { } table || type.FindPrimaryKey() is not { Properties: [{ ClrType: var keyType }] } || keyType != typeof(Guid)
            || type.GetNavigations().Any() || type.GetSkipNavigations().Any() || type.ClrType.GetConstructor(Type.EmptyTypes) is null)
        {
            return null;
        }

        var store = StoreObjectIdentifier.Table(table, type.GetSchema());
        var properties = type.GetProperties().ToArray();
        var readers = new Func<SqliteDataReader, int, object?>[properties.Length];
        var setters = new Action<object, object?>[properties.Length];
        for (var i = 0; i < properties.Length; i++)
        {
            var property = properties[i];
            if (property.IsShadowProperty() || property.PropertyInfo is not { CanWrite: true } info || property.GetColumnName(store) is null)
            {
                return null;
            }

            var mapping = property.GetRelationalTypeMapping();
            var converter = mapping.Converter;
            var providerType = Nullable.GetUnderlyingType(converter?.ProviderClrType ?? property.ClrType) ?? (converter?.ProviderClrType ?? property.ClrType);
            Func<SqliteDataReader, int, object?>? read = providerType switch
            {
                _ when providerType == typeof(Guid) => (r, o) => r.GetGuid(o),
                _ when providerType == typeof(string) => (r, o) => r.GetString(o),
                _ when providerType == typeof(int) => (r, o) => r.GetInt32(o),
                _ when providerType == typeof(long) => (r, o) => r.GetInt64(o),
                _ when providerType == typeof(double) => (r, o) => r.GetDouble(o),
                _ when providerType == typeof(bool) => (r, o) => r.GetBoolean(o),
                _ when providerType == typeof(DateTime) => (r, o) => r.GetDateTime(o),
                _ when providerType == typeof(DateTimeOffset) => (r, o) => r.GetDateTimeOffset(o),
                _ => null,
            };
            if (read is null)
            {
                return null;
            }

            readers[i] = converter is null ? read : (r, o) => converter.ConvertFromProvider(read(r, o));
            setters[i] = Setter(info);
        }

        return new Shape(properties.Select(p => p.GetColumnName(store)!).ToArray(), properties, readers, setters);
    }

    private static Action<object, object?> Setter(System.Reflection.PropertyInfo property)
    {
        var entity = Expression.Parameter(typeof(object));
        var value = Expression.Parameter(typeof(object));
        var assign = Expression.Assign(Expression.Property(Expression.Convert(entity, property.DeclaringType!), property), Expression.Convert(value, property.PropertyType));
        return Expression.Lambda<Action<object, object?>>(assign, entity, value).Compile();
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _disposed, 1);
        while (_idle.TryTake(out var reader))
        {
            reader.Dispose();
        }
    }
}
