-- The agents' desk (issue 15). Internal notes live in their own table, never among the messages: no
-- path that shows a customer their conversation (history, resume, widget, webhooks, the LLM's
-- prompt) reads this table, so a note cannot leak through one of them. after_sequence is the
-- conversation's last message sequence when the note was written, which places it among the messages.
CREATE TABLE conversation_notes (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    author_id TEXT NULL REFERENCES users (id) ON DELETE SET NULL,
    author_name TEXT NULL,
    content TEXT NOT NULL,
    after_sequence INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_conversation_notes_conversation ON conversation_notes (conversation_id, created_at);

-- Canned responses: a tenant's shared replies, inserted in the console by typing /shortcut.
CREATE TABLE canned_responses (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    shortcut TEXT NOT NULL,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    created_by TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_canned_responses_tenant_shortcut ON canned_responses (tenant_id, shortcut);
