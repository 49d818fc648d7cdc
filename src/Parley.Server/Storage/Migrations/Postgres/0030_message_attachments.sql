-- Files a widget visitor attaches to a conversation (issue 14): stored beside the message that
-- announces them, and readable by the conversation's owner and the tenant's agents and admins.
CREATE TABLE message_attachments (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    uploaded_by uuid NULL,
    file_name text NOT NULL,
    content_type text NOT NULL,
    size_bytes bigint NOT NULL,
    data bytea NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX ix_message_attachments_conversation ON message_attachments (conversation_id);
