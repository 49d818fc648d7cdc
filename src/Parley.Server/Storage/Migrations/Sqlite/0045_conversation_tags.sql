-- Conversation tags (issue 15; Chatwoot calls them labels): staff-only, one row per tag on a conversation.
-- The primary key keeps a tag once per conversation; ix_conversation_tags_tenant_tag answers the inbox's
-- tag filter (an EXISTS per conversation) and the tenant's list of tags in use.
CREATE TABLE conversation_tags (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    created_by TEXT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (conversation_id, tag)
);
CREATE INDEX ix_conversation_tags_tenant_tag ON conversation_tags (tenant_id, tag, conversation_id);
