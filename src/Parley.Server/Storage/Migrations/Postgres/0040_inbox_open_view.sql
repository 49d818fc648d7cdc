-- The console's inbox (issue 15, speed): the "Open" and "Closed" views list a tenant's conversations of one
-- status newest-updated first. ix_conversations_tenant_status orders by created_at, so the database sorted
-- every conversation of that status to show 20; this index hands them out in order and answers the count.
CREATE INDEX ix_conversations_tenant_status_updated ON conversations (tenant_id, status, updated_at);
