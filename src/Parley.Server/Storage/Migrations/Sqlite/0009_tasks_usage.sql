-- Background tasks (a durable queue: workers claim rows with a lease), usage counters for plans and
-- quotas, and the hourly/daily analytics rollups that keep dashboards fast at millions of messages.
CREATE TABLE background_tasks (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id TEXT NULL REFERENCES users (id) ON DELETE SET NULL,
    task_type TEXT NOT NULL,
    status TEXT NOT NULL,
    description TEXT NOT NULL,
    request TEXT NOT NULL DEFAULT '{}',
    dataset TEXT NULL,
    result TEXT NULL,
    error TEXT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT NULL,
    lease_expires_at TEXT NULL,
    created_at TEXT NOT NULL,
    started_at TEXT NULL,
    completed_at TEXT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_background_tasks_tenant_created ON background_tasks (tenant_id, created_at);
CREATE INDEX ix_background_tasks_status_created ON background_tasks (status, created_at);

CREATE TABLE usage_counters (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    metric TEXT NOT NULL,
    period TEXT NOT NULL,
    count INTEGER NOT NULL DEFAULT 0,
    warned_at TEXT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, metric, period)
);

CREATE TABLE analytics_hourly (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    hour_start TEXT NOT NULL,
    conversations_started INTEGER NOT NULL DEFAULT 0,
    conversations_escalated INTEGER NOT NULL DEFAULT 0,
    conversations_ended INTEGER NOT NULL DEFAULT 0,
    conversations_deflected INTEGER NOT NULL DEFAULT 0,
    user_messages INTEGER NOT NULL DEFAULT 0,
    bot_messages INTEGER NOT NULL DEFAULT 0,
    agent_messages INTEGER NOT NULL DEFAULT 0,
    cached_bot_messages INTEGER NOT NULL DEFAULT 0,
    response_time_count INTEGER NOT NULL DEFAULT 0,
    response_time_sum_ms REAL NOT NULL DEFAULT 0,
    feedback_count INTEGER NOT NULL DEFAULT 0,
    feedback_rating_sum INTEGER NOT NULL DEFAULT 0,
    tokens_used INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, hour_start)
);

CREATE TABLE analytics_daily_intents (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    intent TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, day, intent)
);

CREATE TABLE analytics_daily_users (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    user_id TEXT NOT NULL,
    messages INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, day, user_id)
);

CREATE TABLE analytics_rollup_state (
    id INTEGER NOT NULL PRIMARY KEY,
    watermark TEXT NOT NULL
);

-- What the rollup scans for changes, and the per-sender / per-type reads analytics makes live.
CREATE INDEX ix_messages_created ON messages (created_at);
CREATE INDEX ix_messages_tenant_type_created ON messages (tenant_id, message_type, created_at);
CREATE INDEX ix_messages_tenant_sender ON messages (tenant_id, sender_id);
CREATE INDEX ix_conversations_updated ON conversations (updated_at);
CREATE INDEX ix_message_feedback_created ON message_feedback (created_at);
CREATE INDEX ix_message_feedback_conversation ON message_feedback (conversation_id);
