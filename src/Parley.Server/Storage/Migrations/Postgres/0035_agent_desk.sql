-- The agents' desk (issue 15). Internal notes live in their own table, never among the messages: no
-- path that shows a customer their conversation (history, resume, widget, webhooks, the LLM's
-- prompt) reads this table, so a note cannot leak through one of them. after_sequence is the
-- conversation's last message sequence when the note was written, which places it among the messages.
CREATE TABLE conversation_notes (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    author_id uuid NULL REFERENCES users (id) ON DELETE SET NULL,
    author_name text NULL,
    content text NOT NULL,
    after_sequence integer NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX ix_conversation_notes_conversation ON conversation_notes (conversation_id, created_at);

-- Canned responses: a tenant's shared replies, inserted in the console by typing /shortcut.
CREATE TABLE canned_responses (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    shortcut text NOT NULL,
    title text NOT NULL,
    content text NOT NULL,
    created_by uuid NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX ux_canned_responses_tenant_shortcut ON canned_responses (tenant_id, shortcut);
