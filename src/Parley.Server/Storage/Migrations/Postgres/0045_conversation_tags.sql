-- Conversation tags (issue 15; Chatwoot calls them labels): staff-only, one row per tag on a conversation.
-- The primary key keeps a tag once per conversation; ix_conversation_tags_tenant_tag answers the inbox's
-- tag filter (an EXISTS per conversation) and the tenant's list of tags in use.
CREATE TABLE conversation_tags (
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    tag text NOT NULL,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    created_by uuid NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (conversation_id, tag)
);
CREATE INDEX ix_conversation_tags_tenant_tag ON conversation_tags (tenant_id, tag, conversation_id);
