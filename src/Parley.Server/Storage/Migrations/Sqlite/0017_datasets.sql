-- Named datasets a tenant registers (a CSV or JSON upload) and analyses with /tasks/analyze by name
-- (001's "data_source": "sales_database"). The content is kept as uploaded; names are unique per tenant.
-- 0017: 0016 is reserved for another change in flight.
CREATE TABLE datasets (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id TEXT NULL REFERENCES users (id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    description TEXT NULL,
    format TEXT NOT NULL,
    file_name TEXT NULL,
    content TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    row_count INTEGER NOT NULL,
    columns TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_datasets_tenant_name ON datasets (tenant_id, name);
