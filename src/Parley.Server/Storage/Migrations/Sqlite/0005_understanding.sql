-- Per-tenant understanding: intents with example utterances, entity lookup lists, and one row per
-- tenant holding the trained intent model, the redaction settings and a revision stamp that
-- changes on every change of either (instances compare it to refresh their in-memory copy).
CREATE TABLE tenant_intents (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NULL,
    examples TEXT NOT NULL DEFAULT '[]',
    enabled INTEGER NOT NULL DEFAULT 1,
    replace_default_examples INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_tenant_intents_name ON tenant_intents (tenant_id, name);

CREATE TABLE entity_lookups (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NULL,
    entries TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_entity_lookups_name ON entity_lookups (tenant_id, name);

CREATE TABLE tenant_understanding (
    tenant_id TEXT NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    revision TEXT NOT NULL,
    model_version INTEGER NOT NULL DEFAULT 0,
    intent_model BLOB NULL,
    model_stats TEXT NULL,
    trained_at TEXT NULL,
    redaction TEXT NULL,
    updated_at TEXT NOT NULL
);
