-- Integrations (Jira, GitHub, generic HTTP), custom HTTP tools, intent -> tool routes for the
-- built-in engine, and the log of every tool call. Credentials and secret headers are stored only
-- as ASP.NET Data Protection ciphertext; tool-call arguments are stored already PII-redacted.
CREATE TABLE integrations (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    integration_type TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    config TEXT NOT NULL DEFAULT '{}',
    credentials TEXT NULL,
    created_by TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_sync TEXT NULL,
    last_test_success INTEGER NULL,
    last_test_message TEXT NULL
);
CREATE INDEX ix_integrations_tenant_type ON integrations (tenant_id, integration_type, created_at);

CREATE TABLE custom_tools (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT 'custom',
    method TEXT NOT NULL,
    url_template TEXT NOT NULL,
    parameters TEXT NOT NULL DEFAULT '{}',
    secret_header_name TEXT NULL,
    secret_header_value TEXT NULL,
    timeout_seconds INTEGER NOT NULL DEFAULT 15,
    created_by TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_custom_tools_tenant_name ON custom_tools (tenant_id, name);

CREATE TABLE tool_routes (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    assistant_id TEXT NULL,
    intent TEXT NOT NULL,
    keywords TEXT NOT NULL DEFAULT '[]',
    tool_id TEXT NOT NULL,
    arguments TEXT NOT NULL DEFAULT '{}',
    response_template TEXT NULL,
    min_confidence REAL NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_tool_routes_tenant_intent ON tool_routes (tenant_id, intent);

CREATE TABLE tool_calls (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    tool_id TEXT NOT NULL,
    conversation_id TEXT NULL REFERENCES conversations (id) ON DELETE SET NULL,
    user_id TEXT NULL REFERENCES users (id) ON DELETE SET NULL,
    source TEXT NOT NULL,
    arguments TEXT NOT NULL DEFAULT '{}',
    success INTEGER NOT NULL,
    result_summary TEXT NOT NULL DEFAULT '',
    error TEXT NULL,
    duration_ms REAL NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_tool_calls_tenant_created ON tool_calls (tenant_id, created_at);
CREATE INDEX ix_tool_calls_conversation ON tool_calls (conversation_id);
