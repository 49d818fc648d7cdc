-- Conversations (also called chat sessions by documents 000, 001 and 004) and their messages.
-- JSON columns hold arrays/objects as text (queried by the application, not by SQL). Message content is stored already redacted.
CREATE TABLE conversations (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id uuid NULL REFERENCES users (id) ON DELETE SET NULL,
    customer_id text NULL,
    assistant_id uuid NULL,
    title text NOT NULL,
    channel text NOT NULL DEFAULT 'web',
    status text NOT NULL DEFAULT 'active',
    metadata text NOT NULL DEFAULT '{}',
    message_count integer NOT NULL DEFAULT 0,
    last_sequence integer NOT NULL DEFAULT 0,
    low_confidence_streak integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    last_message_at timestamptz NULL,
    ended_at timestamptz NULL
);
CREATE INDEX ix_conversations_tenant_user ON conversations (tenant_id, user_id, created_at);
CREATE INDEX ix_conversations_tenant_status ON conversations (tenant_id, status, created_at);

CREATE TABLE messages (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    sequence integer NOT NULL,
    message_type text NOT NULL,
    sender_id uuid NULL,
    content text NOT NULL,
    status text NOT NULL DEFAULT 'sent',
    intent text NULL,
    confidence double precision NULL,
    entities text NOT NULL DEFAULT '[]',
    citations text NOT NULL DEFAULT '[]',
    redactions text NOT NULL DEFAULT '[]',
    metadata text NOT NULL DEFAULT '{}',
    tokens_used integer NOT NULL DEFAULT 0,
    response_time_ms double precision NULL,
    cached boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX ux_messages_conversation_sequence ON messages (conversation_id, sequence);
CREATE INDEX ix_messages_tenant_created ON messages (tenant_id, created_at);

CREATE TABLE message_feedback (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id uuid NULL REFERENCES users (id) ON DELETE SET NULL,
    rating integer NOT NULL,
    feedback text NULL,
    category text NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX ix_message_feedback_message ON message_feedback (message_id);
