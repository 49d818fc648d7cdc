-- The console's inbox filters (issue 15): "conversations with a message of intent X" is an EXISTS per
-- conversation, answered from this index; channel and assistant filters use the tenant's conversations by time.
CREATE INDEX ix_messages_conversation_intent ON messages (conversation_id, intent);
CREATE INDEX ix_conversations_tenant_channel ON conversations (tenant_id, channel, updated_at);
CREATE INDEX ix_conversations_tenant_assistant ON conversations (tenant_id, assistant_id, updated_at);
