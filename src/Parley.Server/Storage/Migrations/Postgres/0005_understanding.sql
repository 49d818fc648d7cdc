-- Per-tenant understanding: intents with example utterances, entity lookup lists, and one row per
-- tenant holding the trained intent model, the redaction settings and a revision stamp that
-- changes on every change of either (instances compare it to refresh their in-memory copy).
CREATE TABLE tenant_intents (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name text NOT NULL,
    description text NULL,
    examples text NOT NULL DEFAULT '[]',
    enabled boolean NOT NULL DEFAULT true,
    replace_default_examples boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX ux_tenant_intents_name ON tenant_intents (tenant_id, name);

CREATE TABLE entity_lookups (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name text NOT NULL,
    description text NULL,
    entries text NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX ux_entity_lookups_name ON entity_lookups (tenant_id, name);

CREATE TABLE tenant_understanding (
    tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    revision uuid NOT NULL,
    model_version integer NOT NULL DEFAULT 0,
    intent_model bytea NULL,
    model_stats text NULL,
    trained_at timestamptz NULL,
    redaction text NULL,
    updated_at timestamptz NOT NULL
);
