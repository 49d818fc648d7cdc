-- Named datasets a tenant registers (a CSV or JSON upload) and analyses with /tasks/analyze by name
-- (001's "data_source": "sales_database"). The content is kept as uploaded; names are unique per tenant.
-- 0017: 0016 is reserved for another change in flight.
CREATE TABLE datasets (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id uuid NULL REFERENCES users (id) ON DELETE SET NULL,
    name text NOT NULL,
    description text NULL,
    format text NOT NULL,
    file_name text NULL,
    content text NOT NULL,
    size_bytes bigint NOT NULL,
    row_count integer NOT NULL,
    columns text NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX ux_datasets_tenant_name ON datasets (tenant_id, name);
