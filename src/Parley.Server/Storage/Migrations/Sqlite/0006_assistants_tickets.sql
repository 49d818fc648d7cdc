-- Assistants (003), tickets with comments (004), and the live-handoff state of a conversation.
-- JSON columns hold arrays as text. A tenant has at most one default assistant (partial unique index).
CREATE TABLE assistants (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NULL,
    personality TEXT NULL,
    system_prompt TEXT NULL,
    tools TEXT NOT NULL DEFAULT '[]',
    knowledge_categories TEXT NOT NULL DEFAULT '[]',
    model TEXT NULL,
    temperature REAL NULL,
    max_tokens INTEGER NULL,
    status TEXT NOT NULL DEFAULT 'active',
    category TEXT NULL,
    is_default INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_assistants_tenant_created ON assistants (tenant_id, created_at);
CREATE UNIQUE INDEX ux_assistants_tenant_default ON assistants (tenant_id) WHERE is_default = 1;

CREATE TABLE tickets (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    priority TEXT NOT NULL DEFAULT 'medium',
    priority_rank INTEGER NOT NULL DEFAULT 2,
    category TEXT NULL,
    source TEXT NOT NULL DEFAULT 'api',
    conversation_id TEXT NULL REFERENCES conversations (id) ON DELETE SET NULL,
    customer_id TEXT NULL,
    customer_user_id TEXT NULL REFERENCES users (id) ON DELETE SET NULL,
    assignee_id TEXT NULL REFERENCES users (id) ON DELETE SET NULL,
    created_by TEXT NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    resolved_at TEXT NULL,
    closed_at TEXT NULL
);
CREATE INDEX ix_tickets_tenant_status ON tickets (tenant_id, status, created_at);
CREATE INDEX ix_tickets_tenant_customer ON tickets (tenant_id, customer_user_id);
CREATE INDEX ix_tickets_conversation ON tickets (conversation_id);

CREATE TABLE ticket_comments (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    author_id TEXT NULL REFERENCES users (id) ON DELETE SET NULL,
    content TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_ticket_comments_ticket ON ticket_comments (ticket_id, created_at);

ALTER TABLE conversations ADD COLUMN assigned_agent_id TEXT NULL;
ALTER TABLE conversations ADD COLUMN escalated_at TEXT NULL;
ALTER TABLE conversations ADD COLUMN escalation_reason TEXT NULL;
CREATE INDEX ix_conversations_tenant_queue ON conversations (tenant_id, status, escalated_at);
