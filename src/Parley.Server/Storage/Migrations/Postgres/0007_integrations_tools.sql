-- Integrations (Jira, GitHub, generic HTTP), custom HTTP tools, intent -> tool routes for the
-- built-in engine, and the log of every tool call. Credentials and secret headers are stored only
-- as ASP.NET Data Protection ciphertext; tool-call arguments are stored already PII-redacted.
CREATE TABLE integrations (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name text NOT NULL,
    integration_type text NOT NULL,
    status text NOT NULL DEFAULT 'active',
    config text NOT NULL DEFAULT '{}',
    credentials text NULL,
    created_by uuid NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    last_sync timestamptz NULL,
    last_test_success boolean NULL,
    last_test_message text NULL
);
CREATE INDEX ix_integrations_tenant_type ON integrations (tenant_id, integration_type, created_at);

CREATE TABLE custom_tools (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name text NOT NULL,
    display_name text NOT NULL,
    description text NOT NULL DEFAULT '',
    category text NOT NULL DEFAULT 'custom',
    method text NOT NULL,
    url_template text NOT NULL,
    parameters text NOT NULL DEFAULT '{}',
    secret_header_name text NULL,
    secret_header_value text NULL,
    timeout_seconds integer NOT NULL DEFAULT 15,
    created_by uuid NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX ux_custom_tools_tenant_name ON custom_tools (tenant_id, name);

CREATE TABLE tool_routes (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    assistant_id uuid NULL,
    intent text NOT NULL,
    keywords text NOT NULL DEFAULT '[]',
    tool_id text NOT NULL,
    arguments text NOT NULL DEFAULT '{}',
    response_template text NULL,
    min_confidence double precision NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX ix_tool_routes_tenant_intent ON tool_routes (tenant_id, intent);

CREATE TABLE tool_calls (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    tool_id text NOT NULL,
    conversation_id uuid NULL REFERENCES conversations (id) ON DELETE SET NULL,
    user_id uuid NULL REFERENCES users (id) ON DELETE SET NULL,
    source text NOT NULL,
    arguments text NOT NULL DEFAULT '{}',
    success boolean NOT NULL,
    result_summary text NOT NULL DEFAULT '',
    error text NULL,
    duration_ms double precision NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX ix_tool_calls_tenant_created ON tool_calls (tenant_id, created_at);
CREATE INDEX ix_tool_calls_conversation ON tool_calls (conversation_id);
