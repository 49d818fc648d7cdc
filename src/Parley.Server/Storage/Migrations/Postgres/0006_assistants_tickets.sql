-- Assistants (003), tickets with comments (004), and the live-handoff state of a conversation.
-- JSON columns hold arrays as text. A tenant has at most one default assistant (partial unique index).
CREATE TABLE assistants (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name text NOT NULL,
    description text NULL,
    personality text NULL,
    system_prompt text NULL,
    tools text NOT NULL DEFAULT '[]',
    knowledge_categories text NOT NULL DEFAULT '[]',
    model text NULL,
    temperature double precision NULL,
    max_tokens integer NULL,
    status text NOT NULL DEFAULT 'active',
    category text NULL,
    is_default boolean NOT NULL DEFAULT false,
    created_by uuid NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX ix_assistants_tenant_created ON assistants (tenant_id, created_at);
CREATE UNIQUE INDEX ux_assistants_tenant_default ON assistants (tenant_id) WHERE is_default;

CREATE TABLE tickets (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    title text NOT NULL,
    description text NULL,
    status text NOT NULL DEFAULT 'open',
    priority text NOT NULL DEFAULT 'medium',
    priority_rank integer NOT NULL DEFAULT 2,
    category text NULL,
    source text NOT NULL DEFAULT 'api',
    conversation_id uuid NULL REFERENCES conversations (id) ON DELETE SET NULL,
    customer_id text NULL,
    customer_user_id uuid NULL REFERENCES users (id) ON DELETE SET NULL,
    assignee_id uuid NULL REFERENCES users (id) ON DELETE SET NULL,
    created_by uuid NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    resolved_at timestamptz NULL,
    closed_at timestamptz NULL
);
CREATE INDEX ix_tickets_tenant_status ON tickets (tenant_id, status, created_at);
CREATE INDEX ix_tickets_tenant_customer ON tickets (tenant_id, customer_user_id);
CREATE INDEX ix_tickets_conversation ON tickets (conversation_id);

CREATE TABLE ticket_comments (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    ticket_id uuid NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    author_id uuid NULL REFERENCES users (id) ON DELETE SET NULL,
    content text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX ix_ticket_comments_ticket ON ticket_comments (ticket_id, created_at);

ALTER TABLE conversations ADD COLUMN assigned_agent_id uuid NULL;
ALTER TABLE conversations ADD COLUMN escalated_at timestamptz NULL;
ALTER TABLE conversations ADD COLUMN escalation_reason text NULL;
CREATE INDEX ix_conversations_tenant_queue ON conversations (tenant_id, status, escalated_at);
