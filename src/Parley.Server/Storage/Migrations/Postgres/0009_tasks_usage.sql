-- Background tasks (a durable queue: workers claim rows with a lease), usage counters for plans and
-- quotas, and the hourly/daily analytics rollups that keep dashboards fast at millions of messages.
CREATE TABLE background_tasks (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id uuid NULL REFERENCES users (id) ON DELETE SET NULL,
    task_type text NOT NULL,
    status text NOT NULL,
    description text NOT NULL,
    request text NOT NULL DEFAULT '{}',
    dataset text NULL,
    result text NULL,
    error text NULL,
    attempts integer NOT NULL DEFAULT 0,
    lease_owner text NULL,
    lease_expires_at timestamptz NULL,
    created_at timestamptz NOT NULL,
    started_at timestamptz NULL,
    completed_at timestamptz NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX ix_background_tasks_tenant_created ON background_tasks (tenant_id, created_at);
CREATE INDEX ix_background_tasks_status_created ON background_tasks (status, created_at);

CREATE TABLE usage_counters (
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    metric text NOT NULL,
    period text NOT NULL,
    count bigint NOT NULL DEFAULT 0,
    warned_at timestamptz NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, metric, period)
);

CREATE TABLE analytics_hourly (
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    hour_start timestamptz NOT NULL,
    conversations_started bigint NOT NULL DEFAULT 0,
    conversations_escalated bigint NOT NULL DEFAULT 0,
    conversations_ended bigint NOT NULL DEFAULT 0,
    conversations_deflected bigint NOT NULL DEFAULT 0,
    user_messages bigint NOT NULL DEFAULT 0,
    bot_messages bigint NOT NULL DEFAULT 0,
    agent_messages bigint NOT NULL DEFAULT 0,
    cached_bot_messages bigint NOT NULL DEFAULT 0,
    response_time_count bigint NOT NULL DEFAULT 0,
    response_time_sum_ms double precision NOT NULL DEFAULT 0,
    feedback_count bigint NOT NULL DEFAULT 0,
    feedback_rating_sum bigint NOT NULL DEFAULT 0,
    tokens_used bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, hour_start)
);

CREATE TABLE analytics_daily_intents (
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    day timestamptz NOT NULL,
    intent text NOT NULL,
    count bigint NOT NULL,
    PRIMARY KEY (tenant_id, day, intent)
);

CREATE TABLE analytics_daily_users (
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    day timestamptz NOT NULL,
    user_id uuid NOT NULL,
    messages bigint NOT NULL,
    PRIMARY KEY (tenant_id, day, user_id)
);

CREATE TABLE analytics_rollup_state (
    id integer PRIMARY KEY,
    watermark timestamptz NOT NULL
);

-- What the rollup scans for changes, and the per-sender / per-type reads analytics makes live.
CREATE INDEX ix_messages_created ON messages (created_at);
CREATE INDEX ix_messages_tenant_type_created ON messages (tenant_id, message_type, created_at);
CREATE INDEX ix_messages_tenant_sender ON messages (tenant_id, sender_id);
CREATE INDEX ix_conversations_updated ON conversations (updated_at);
CREATE INDEX ix_message_feedback_created ON message_feedback (created_at);
CREATE INDEX ix_message_feedback_conversation ON message_feedback (conversation_id);
