-- Web widget channels (issue 14): one per website a tenant embeds the chat widget on. The public
-- website_token names the channel in the embed snippet; the identity-verification secret is stored
-- encrypted (ASP.NET Data Protection). A visitor is a user of role 'visitor' bound to one channel;
-- an identified visitor (the host site's own user id, HMAC-verified) is unique per channel.
CREATE TABLE widget_channels (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    website_token TEXT NOT NULL,
    secret_protected TEXT NOT NULL,
    assistant_id TEXT NULL,
    greeting TEXT NULL,
    allowed_origins TEXT NOT NULL DEFAULT '[]',
    color TEXT NOT NULL DEFAULT '#2563eb',
    position TEXT NOT NULL DEFAULT 'right',
    pre_chat_fields TEXT NOT NULL DEFAULT '[]',
    allow_attachments INTEGER NOT NULL DEFAULT 0,
    strings TEXT NOT NULL DEFAULT '{}',
    is_active INTEGER NOT NULL DEFAULT 1,
    is_default INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_widget_channels_website_token ON widget_channels (website_token);
CREATE INDEX ix_widget_channels_tenant ON widget_channels (tenant_id, created_at);

CREATE TABLE widget_visitors (
    id TEXT NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    channel_id TEXT NOT NULL REFERENCES widget_channels (id) ON DELETE CASCADE,
    identifier TEXT NULL,
    name TEXT NULL,
    email TEXT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_widget_visitors_channel_identifier ON widget_visitors (channel_id, identifier) WHERE identifier IS NOT NULL;
CREATE UNIQUE INDEX ux_widget_channels_default ON widget_channels (tenant_id) WHERE is_default = 1;
