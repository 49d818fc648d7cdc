-- Tenants, users and login sessions.
CREATE TABLE tenants (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    slug text NOT NULL,
    subscription_plan text NOT NULL DEFAULT 'free',
    is_active boolean NOT NULL DEFAULT true,
    is_platform boolean NOT NULL DEFAULT false,
    admin_bootstrapped_at timestamptz NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX ux_tenants_slug ON tenants (slug);

-- The platform tenant: self-registrations land here and its first account becomes admin.
INSERT INTO tenants (id, name, slug, subscription_plan, is_active, is_platform, created_at, updated_at)
VALUES ('00000000-0000-0000-0000-000000000001', 'Default', 'default', 'enterprise', true, true, now(), now());

CREATE TABLE users (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email text NOT NULL,
    normalized_email text NOT NULL,
    username text NULL,
    normalized_username text NULL,
    full_name text NULL,
    password_hash text NOT NULL,
    role text NOT NULL,
    subscription_plan text NOT NULL DEFAULT 'free',
    is_active boolean NOT NULL DEFAULT true,
    is_verified boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    last_login_at timestamptz NULL
);
CREATE UNIQUE INDEX ux_users_normalized_email ON users (normalized_email);
CREATE UNIQUE INDEX ux_users_normalized_username ON users (normalized_username);
CREATE INDEX ix_users_tenant_created ON users (tenant_id, created_at);

CREATE TABLE auth_sessions (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    revoked_at timestamptz NULL,
    revoked_reason text NULL,
    user_agent text NULL,
    ip_address text NULL
);
CREATE INDEX ix_auth_sessions_user ON auth_sessions (user_id);

CREATE TABLE refresh_tokens (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    session_id uuid NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz NULL
);
CREATE UNIQUE INDEX ux_refresh_tokens_hash ON refresh_tokens (token_hash);
CREATE INDEX ix_refresh_tokens_session ON refresh_tokens (session_id);
