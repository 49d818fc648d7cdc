-- Agent performance and per-user figures become rollups too (analytics answers no request from
-- the raw messages): per tenant, day and agent; the per-user daily row also counts the
-- conversations a user started and the cached answers they got. Clearing the watermark makes the
-- next catch-up rebuild every day, filling the new table and columns.
CREATE TABLE analytics_daily_agents (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    messages_sent INTEGER NOT NULL DEFAULT 0,
    conversations_handled INTEGER NOT NULL DEFAULT 0,
    first_response_count INTEGER NOT NULL DEFAULT 0,
    first_response_sum_seconds REAL NOT NULL DEFAULT 0,
    conversations_resolved INTEGER NOT NULL DEFAULT 0,
    resolution_sum_seconds REAL NOT NULL DEFAULT 0,
    ratings_count INTEGER NOT NULL DEFAULT 0,
    rating_sum INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, day, agent_id)
);

ALTER TABLE analytics_daily_users ADD COLUMN conversations_started INTEGER NOT NULL DEFAULT 0;
ALTER TABLE analytics_daily_users ADD COLUMN cached_answers INTEGER NOT NULL DEFAULT 0;
CREATE INDEX ix_analytics_daily_users_user ON analytics_daily_users (tenant_id, user_id, day);
-- active_users counts distinct senders over a window from this index alone.
CREATE INDEX ix_analytics_daily_users_active ON analytics_daily_users (tenant_id, day, user_id) WHERE messages > 0;

-- A tenant's conversations by creation time: what the rollup recomputes a range of days from.
CREATE INDEX ix_conversations_tenant_created ON conversations (tenant_id, created_at);

DELETE FROM analytics_rollup_state;
