using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Parley.Server.Storage;

/// <summary>
/// The group commit's fast path for the common unit of work (a chat turn: two messages inserted,
/// the conversation updated). EF's update pipeline generates the SQL, builds a command and makes
/// SQLite parse it again for every save; for a turn that cost more CPU than SQLite's own work.
/// Here the rows of a unit are planned on the caller's thread from EF's model and change tracker
/// (columns, type mappings, value converters and which properties are modified, exactly what EF
/// would write), and the single writer runs statements prepared once per table and column set.
/// Anything the plan does not cover (deletes, store-generated or temporary values, concurrency
/// tokens, inheritance, owned or complex types) goes through EF's own SaveChanges instead.
/// </summary>
internal sealed class SqliteRowWriter : IDisposable
{
    /// <summary>What one table's rows need to be written: its columns in property order, and how principals rank before dependents.</summary>
    private sealed class TableShape(IEntityType type, string table, IProperty[] properties, string[] columns, RelationalTypeMapping[] mappings, IProperty[] key, int rank)
    {
        public IEntityType Type { get; } = type;
        public string Table { get; } = table;
        public IProperty[] Properties { get; } = properties;
        public string[] Columns { get; } = columns;
        public RelationalTypeMapping[] Mappings { get; } = mappings;
        public IProperty[] Key { get; } = key;
        public int Rank { get; } = rank;
    }

    /// <summary>One row to write: which columns (bit i = property i) and their values, already converted for the provider.</summary>
    internal sealed record Row(object Shape, bool Insert, ulong Columns, object?[] Values, object?[] KeyValues, EntityEntry Entry);

    private static readonly ConcurrentDictionary<IEntityType, TableShape?> Shapes = new();

    private readonly Dictionary<(string Table, bool Insert, ulong Columns), SqliteCommand> _commands = [];
    private readonly Dictionary<string, SqliteCommand> _statements = [];
    private SqliteConnection? _connection;

    /// <summary>
    /// The rows <paramref name="db"/>'s pending changes come to, principals first, or null when
    /// something in them needs EF's update pipeline. Changes must have been detected.
    /// </summary>
    public static IReadOnlyList<Row>? Plan(DbContext db)
    {
        var rows = new List<Row>();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State == EntityState.Unchanged)
            {
                continue;
            }

            if (entry.State is not (EntityState.Added or EntityState.Modified) || Shape(entry.Metadata) is not { } shape || PlanRow(entry, shape) is not { } row)
            {
                return null;
            }

            rows.Add(row);
        }

        // Updates first (they change existing rows), then inserts with principals before dependents,
        // because SQLite checks foreign keys statement by statement. An update that could point at a
        // row inserted in the same unit cannot go first: EF orders that one.
        var inserted = rows.Where(r => r.Insert).Select(r => ((TableShape)r.Shape).Type).ToHashSet();
        if (rows.Any(r => !r.Insert && ((TableShape)r.Shape).Type.GetForeignKeys().Any(f => inserted.Contains(f.PrincipalEntityType))))
        {
            return null;
        }

        return [.. rows.OrderBy(r => r.Insert).ThenBy(r => ((TableShape)r.Shape).Rank)];
    }

    private static Row? PlanRow(EntityEntry entry, TableShape shape)
    {
        var insert = entry.State == EntityState.Added;
        var properties = shape.Properties;
        var values = new object?[properties.Length];
        var current = entry.CurrentValues;
        ulong columns = 0;
        for (var i = 0; i < properties.Length; i++)
        {
            var property = entry.Property(properties[i]);
            if (property.IsTemporary)
            {
                return null;
            }

            if (insert || (property.IsModified && !properties[i].IsPrimaryKey()))
            {
                columns |= 1UL << i;
                values[i] = current[properties[i]];
            }
        }

        if (columns == 0)
        {
            return null;
        }

        var keyValues = new object?[shape.Key.Length];
        for (var k = 0; k < keyValues.Length; k++)
        {
            keyValues[k] = entry.OriginalValues[shape.Key[k]];
        }

        return new Row(shape, insert, columns, values, keyValues, entry);
    }

    private static TableShape? Shape(IEntityType type) => Shapes.GetOrAdd(type, static t => Describe(t, []));

    private static TableShape? Describe(IEntityType type, HashSet<IEntityType> visiting)
    {
        if (!SqliteTables.IsPlainTable(type) || type.GetTableName() is not { } table || type.FindPrimaryKey() is not { } primaryKey || !visiting.Add(type))
        {
            return null;
        }

        var properties = type.GetProperties().ToArray();
        if (properties.Length > 64 || properties.Any(p => p.IsConcurrencyToken || p.GetComputedColumnSql() is not null
            || p.GetDefaultValueSql() is not null || p.TryGetDefaultValue(out _)))
        {
            return null;
        }

        var store = StoreObjectIdentifier.Table(table, type.GetSchema());
        var columns = properties.Select(p => p.GetColumnName(store)).ToArray();
        if (columns.Any(c => c is null))
        {
            return null;
        }

        // A principal ranks below its dependents; a self-reference cannot be ordered this way.
        var rank = 0;
        foreach (var foreignKey in type.GetForeignKeys())
        {
            if (foreignKey.PrincipalEntityType == type)
            {
                return null;
            }

            var principal = Shapes.TryGetValue(foreignKey.PrincipalEntityType, out var known) ? known : Describe(foreignKey.PrincipalEntityType, visiting);
            rank = Math.Max(rank, (principal?.Rank ?? 0) + 1);
        }

        return new TableShape(type, table, properties, columns!, properties.Select(p => p.GetRelationalTypeMapping()).ToArray(), primaryKey.Properties.ToArray(), rank);
    }

    /// <summary>
    /// Writes one unit's <paramref name="rows"/> on <paramref name="connection"/> inside
    /// <paramref name="transaction"/>, in a savepoint of its own: if a row fails, the unit's other
    /// rows are rolled back too and the exception (what EF's SaveChanges would throw) goes to its caller.
    /// </summary>
    public void WriteUnit(IReadOnlyList<Row> rows, SqliteConnection connection, SqliteTransaction transaction)
    {
        if (rows.Count == 0)
        {
            return;
        }

        if (!ReferenceEquals(connection, _connection))
        {
            Dispose();
            _connection = connection;
        }

        Run("SAVEPOINT parley_unit", transaction);
        try
        {
            Write(rows, transaction);
        }
        catch
        {
            Run("ROLLBACK TO parley_unit", transaction);
            Run("RELEASE parley_unit", transaction);
            throw;
        }

        Run("RELEASE parley_unit", transaction);
    }

    private void Run(string sql, SqliteTransaction transaction)
    {
        if (!_statements.TryGetValue(sql, out var command))
        {
            command = _connection!.CreateCommand();
            command.CommandText = sql;
            _statements[sql] = command;
        }

        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    private void Write(IReadOnlyList<Row> rows, SqliteTransaction transaction)
    {
        foreach (var row in rows)
        {
            var shape = (TableShape)row.Shape;
            var command = Command(shape, row.Insert, row.Columns);
            command.Transaction = transaction;
            command.Parameters.Clear();
            var n = 0;
            for (var i = 0; i < shape.Properties.Length; i++)
            {
                if ((row.Columns & (1UL << i)) != 0)
                {
                    command.Parameters.Add(shape.Mappings[i].CreateParameter(command, "@p" + n++, row.Values[i], shape.Properties[i].IsNullable));
                }
            }

            for (var k = 0; !row.Insert && k < shape.Key.Length; k++)
            {
                command.Parameters.Add(shape.Key[k].GetRelationalTypeMapping().CreateParameter(command, "@k" + k, row.KeyValues[k], nullable: false));
            }

            int affected;
            try
            {
                affected = command.ExecuteNonQuery();
            }
            catch (SqliteException e)
            {
                throw new DbUpdateException($"An error occurred while saving the {shape.Table} row. See the inner exception for details.", e, new List<EntityEntry> { row.Entry });
            }

            if (affected != 1)
            {
                throw new DbUpdateConcurrencyException(
                    $"The {shape.Table} row was expected to change 1 row but changed {affected}; it may have been deleted since it was read.");
            }
        }
    }

    private SqliteCommand Command(TableShape shape, bool insert, ulong columns)
    {
        if (_commands.TryGetValue((shape.Table, insert, columns), out var command))
        {
            return command;
        }

        var names = new List<string>();
        for (var i = 0; i < shape.Columns.Length; i++)
        {
            if ((columns & (1UL << i)) != 0)
            {
                names.Add(SqliteTables.Quote(shape.Columns[i]));
            }
        }

        var key = shape.Key.Select((p, k) => $"{SqliteTables.Quote(shape.Columns[Array.IndexOf(shape.Properties, p)])} = @k{k}");
        var sql = insert
            ? $"INSERT INTO {SqliteTables.Quote(shape.Table)} ({string.Join(", ", names)}) VALUES ({string.Join(", ", names.Select((_, n) => "@p" + n))})"
            : $"UPDATE {SqliteTables.Quote(shape.Table)} SET {string.Join(", ", names.Select((c, n) => $"{c} = @p{n}"))} WHERE {string.Join(" AND ", key)}";
        command = _connection!.CreateCommand();
        command.CommandText = sql;
        _commands[(shape.Table, insert, columns)] = command;
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values.Concat(_statements.Values))
        {
            command.Dispose();
        }

        _commands.Clear();
        _statements.Clear();
        _connection = null;
    }
}
