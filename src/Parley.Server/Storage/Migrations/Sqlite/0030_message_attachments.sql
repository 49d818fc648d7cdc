-- Files a widget visitor attaches to a conversation (issue 14): stored beside the message that
-- announces them, and readable by the conversation's owner and the tenant's agents and admins.
CREATE TABLE message_attachments (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    uploaded_by TEXT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    data BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_message_attachments_conversation ON message_attachments (conversation_id);
