-- Resources a plain user makes for themselves (issue 19): an assistant, an uploaded file, a webhook.
-- NULL is a tenant resource, made by an agent or admin and shared; a user id keeps the row private to
-- that user (agents and admins of the tenant still see it). The indexes serve the per-user lists.
ALTER TABLE assistants ADD COLUMN owner_user_id TEXT NULL;
ALTER TABLE knowledge_sources ADD COLUMN owner_user_id TEXT NULL;
ALTER TABLE webhooks ADD COLUMN owner_user_id TEXT NULL;
CREATE INDEX ix_assistants_owner ON assistants (tenant_id, owner_user_id);
CREATE INDEX ix_knowledge_sources_owner ON knowledge_sources (tenant_id, owner_user_id);
CREATE INDEX ix_webhooks_owner ON webhooks (tenant_id, owner_user_id);
