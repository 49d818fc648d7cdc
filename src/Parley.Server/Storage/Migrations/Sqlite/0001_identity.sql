-- Tenants, users and login sessions. Guids are TEXT (upper case, as EF Core writes them) and
-- timestamps are UTC TEXT 'YYYY-MM-DD HH:MM:SS.fffffff', which sort correctly as text.
CREATE TABLE tenants (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    subscription_plan TEXT NOT NULL DEFAULT 'free',
    is_active INTEGER NOT NULL DEFAULT 1,
    is_platform INTEGER NOT NULL DEFAULT 0,
    admin_bootstrapped_at TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_tenants_slug ON tenants (slug);

-- The platform tenant: self-registrations land here and its first account becomes admin.
INSERT INTO tenants (id, name, slug, subscription_plan, is_active, is_platform, created_at, updated_at)
VALUES ('00000000-0000-0000-0000-000000000001', 'Default', 'default', 'enterprise', 1, 1,
        strftime('%Y-%m-%d %H:%M:%f', 'now'), strftime('%Y-%m-%d %H:%M:%f', 'now'));

CREATE TABLE users (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    normalized_email TEXT NOT NULL,
    username TEXT NULL,
    normalized_username TEXT NULL,
    full_name TEXT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    subscription_plan TEXT NOT NULL DEFAULT 'free',
    is_active INTEGER NOT NULL DEFAULT 1,
    is_verified INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_login_at TEXT NULL
);
CREATE UNIQUE INDEX ux_users_normalized_email ON users (normalized_email);
CREATE UNIQUE INDEX ux_users_normalized_username ON users (normalized_username);
CREATE INDEX ix_users_tenant_created ON users (tenant_id, created_at);

CREATE TABLE auth_sessions (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    revoked_at TEXT NULL,
    revoked_reason TEXT NULL,
    user_agent TEXT NULL,
    ip_address TEXT NULL
);
CREATE INDEX ix_auth_sessions_user ON auth_sessions (user_id);

CREATE TABLE refresh_tokens (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    session_id TEXT NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT NULL
);
CREATE UNIQUE INDEX ux_refresh_tokens_hash ON refresh_tokens (token_hash);
CREATE INDEX ix_refresh_tokens_session ON refresh_tokens (session_id);
