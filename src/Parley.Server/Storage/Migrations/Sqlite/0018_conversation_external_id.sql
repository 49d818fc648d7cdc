-- A session id the client chose (document 001's "optional-session-id"): a conversation is found by
-- it only among its owner's conversations in its tenant, so the unique index is per tenant and owner.
ALTER TABLE conversations ADD COLUMN external_id TEXT NULL;
CREATE UNIQUE INDEX ux_conversations_tenant_user_external ON conversations (tenant_id, user_id, external_id) WHERE external_id IS NOT NULL;
