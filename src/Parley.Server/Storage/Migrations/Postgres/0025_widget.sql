-- Web widget channels (issue 14): one per website a tenant embeds the chat widget on. The public
-- website_token names the channel in the embed snippet; the identity-verification secret is stored
-- encrypted (ASP.NET Data Protection). A visitor is a user of role 'visitor' bound to one channel;
-- an identified visitor (the host site's own user id, HMAC-verified) is unique per channel.
CREATE TABLE widget_channels (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name text NOT NULL,
    website_token text NOT NULL,
    secret_protected text NOT NULL,
    assistant_id uuid NULL,
    greeting text NULL,
    allowed_origins text NOT NULL DEFAULT '[]',
    color text NOT NULL DEFAULT '#2563eb',
    position text NOT NULL DEFAULT 'right',
    pre_chat_fields text NOT NULL DEFAULT '[]',
    allow_attachments boolean NOT NULL DEFAULT false,
    strings text NOT NULL DEFAULT '{}',
    is_active boolean NOT NULL DEFAULT true,
    is_default boolean NOT NULL DEFAULT false,
    created_by uuid NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX ux_widget_channels_website_token ON widget_channels (website_token);
CREATE INDEX ix_widget_channels_tenant ON widget_channels (tenant_id, created_at);

CREATE TABLE widget_visitors (
    id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    channel_id uuid NOT NULL REFERENCES widget_channels (id) ON DELETE CASCADE,
    identifier text NULL,
    name text NULL,
    email text NULL,
    created_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX ux_widget_visitors_channel_identifier ON widget_visitors (channel_id, identifier) WHERE identifier IS NOT NULL;
CREATE UNIQUE INDEX ux_widget_channels_default ON widget_channels (tenant_id) WHERE is_default;
