-- Outgoing webhook subscriptions, their durable outbox of signed deliveries, the per-tenant secret
-- for incoming webhooks (with the ids already accepted, against replays), and user notifications.
-- Secrets are stored encrypted (ASP.NET Data Protection), never in clear.
CREATE TABLE webhooks (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    url text NOT NULL,
    events text NOT NULL DEFAULT '[]',
    description text NULL,
    secret_protected text NOT NULL,
    is_active boolean NOT NULL DEFAULT true,
    disabled_reason text NULL,
    consecutive_failures integer NOT NULL DEFAULT 0,
    failing_since timestamptz NULL,
    last_success_at timestamptz NULL,
    created_by uuid NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX ix_webhooks_tenant ON webhooks (tenant_id, created_at);

CREATE TABLE webhook_deliveries (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id text NOT NULL,
    event_type text NOT NULL,
    payload text NOT NULL,
    status text NOT NULL DEFAULT 'pending',
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    locked_until timestamptz NULL,
    lock_token uuid NULL,
    last_attempt_at timestamptz NULL,
    response_status integer NULL,
    duration_ms double precision NULL,
    last_error text NULL,
    created_at timestamptz NOT NULL,
    completed_at timestamptz NULL
);
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX ix_webhook_deliveries_webhook ON webhook_deliveries (webhook_id, created_at);

CREATE TABLE inbound_webhook_secrets (
    tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    secret_protected text NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE inbound_webhook_receipts (
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    message_id text NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, message_id)
);
CREATE INDEX ix_inbound_webhook_receipts_received ON inbound_webhook_receipts (received_at);

CREATE TABLE notifications (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type text NOT NULL,
    category text NOT NULL,
    title text NOT NULL,
    message text NOT NULL,
    data text NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    read_at timestamptz NULL
);
CREATE INDEX ix_notifications_user ON notifications (user_id, created_at);
