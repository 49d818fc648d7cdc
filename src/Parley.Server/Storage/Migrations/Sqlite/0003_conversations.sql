-- Conversations (also called chat sessions by documents 000, 001 and 004) and their messages.
-- JSON columns hold arrays/objects as text (queried by the application, not by SQL). Message content is stored already redacted.
CREATE TABLE conversations (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id TEXT NULL REFERENCES users (id) ON DELETE SET NULL,
    customer_id TEXT NULL,
    assistant_id TEXT NULL,
    title TEXT NOT NULL,
    channel TEXT NOT NULL DEFAULT 'web',
    status TEXT NOT NULL DEFAULT 'active',
    metadata TEXT NOT NULL DEFAULT '{}',
    message_count INTEGER NOT NULL DEFAULT 0,
    last_sequence INTEGER NOT NULL DEFAULT 0,
    low_confidence_streak INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_message_at TEXT NULL,
    ended_at TEXT NULL
);
CREATE INDEX ix_conversations_tenant_user ON conversations (tenant_id, user_id, created_at);
CREATE INDEX ix_conversations_tenant_status ON conversations (tenant_id, status, created_at);

CREATE TABLE messages (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    sequence INTEGER NOT NULL,
    message_type TEXT NOT NULL,
    sender_id TEXT NULL,
    content TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'sent',
    intent TEXT NULL,
    confidence REAL NULL,
    entities TEXT NOT NULL DEFAULT '[]',
    citations TEXT NOT NULL DEFAULT '[]',
    redactions TEXT NOT NULL DEFAULT '[]',
    metadata TEXT NOT NULL DEFAULT '{}',
    tokens_used INTEGER NOT NULL DEFAULT 0,
    response_time_ms REAL NULL,
    cached INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_messages_conversation_sequence ON messages (conversation_id, sequence);
CREATE INDEX ix_messages_tenant_created ON messages (tenant_id, created_at);

CREATE TABLE message_feedback (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id TEXT NULL REFERENCES users (id) ON DELETE SET NULL,
    rating INTEGER NOT NULL,
    feedback TEXT NULL,
    category TEXT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_message_feedback_message ON message_feedback (message_id);
