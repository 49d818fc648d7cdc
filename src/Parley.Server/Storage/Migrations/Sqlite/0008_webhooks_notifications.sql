-- Outgoing webhook subscriptions, their durable outbox of signed deliveries, the per-tenant secret
-- for incoming webhooks (with the ids already accepted, against replays), and user notifications.
-- Secrets are stored encrypted (ASP.NET Data Protection), never in clear.
CREATE TABLE webhooks (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    events TEXT NOT NULL DEFAULT '[]',
    description TEXT NULL,
    secret_protected TEXT NOT NULL,
    is_active INTEGER NOT NULL DEFAULT 1,
    disabled_reason TEXT NULL,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    failing_since TEXT NULL,
    last_success_at TEXT NULL,
    created_by TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_webhooks_tenant ON webhooks (tenant_id, created_at);

CREATE TABLE webhook_deliveries (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    locked_until TEXT NULL,
    lock_token TEXT NULL,
    last_attempt_at TEXT NULL,
    response_status INTEGER NULL,
    duration_ms REAL NULL,
    last_error TEXT NULL,
    created_at TEXT NOT NULL,
    completed_at TEXT NULL
);
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX ix_webhook_deliveries_webhook ON webhook_deliveries (webhook_id, created_at);

CREATE TABLE inbound_webhook_secrets (
    tenant_id TEXT NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    secret_protected TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE inbound_webhook_receipts (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    message_id TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, message_id)
);
CREATE INDEX ix_inbound_webhook_receipts_received ON inbound_webhook_receipts (received_at);

CREATE TABLE notifications (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    message TEXT NOT NULL,
    data TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    read_at TEXT NULL
);
CREATE INDEX ix_notifications_user ON notifications (user_id, created_at);
