-- Knowledge base: sources, their chunks (full-text indexed through a generated tsvector), uploaded file
-- bytes kept until ingested, and the durable ingestion queue (claimed with a lease, so a restart resumes).
CREATE TABLE knowledge_sources (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name text NOT NULL,
    type text NOT NULL,
    content text NOT NULL DEFAULT '',
    url text NULL,
    category text NULL,
    metadata text NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'queued',
    error text NULL,
    chunk_count integer NOT NULL DEFAULT 0,
    file_name text NULL,
    content_type text NULL,
    size_bytes bigint NOT NULL DEFAULT 0,
    version integer NOT NULL DEFAULT 1,
    embedding_model text NULL,
    created_by uuid NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    indexed_at timestamptz NULL
);
CREATE INDEX ix_knowledge_sources_tenant ON knowledge_sources (tenant_id, created_at);

CREATE TABLE knowledge_files (
    source_id uuid PRIMARY KEY REFERENCES knowledge_sources (id) ON DELETE CASCADE,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    data bytea NOT NULL
);

CREATE TABLE knowledge_chunks (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    source_id uuid NOT NULL REFERENCES knowledge_sources (id) ON DELETE CASCADE,
    ordinal integer NOT NULL,
    title text NOT NULL,
    text text NOT NULL,
    category text NULL,
    embedding bytea NULL,
    embedding_model text NULL,
    tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', text), 'B')) STORED
);
CREATE INDEX ix_knowledge_chunks_source ON knowledge_chunks (source_id, ordinal);
CREATE INDEX ix_knowledge_chunks_tenant ON knowledge_chunks (tenant_id, category);
CREATE INDEX ix_knowledge_chunks_tsv ON knowledge_chunks USING gin (tsv);

CREATE TABLE knowledge_jobs (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    source_id uuid NOT NULL REFERENCES knowledge_sources (id) ON DELETE CASCADE,
    source_version integer NOT NULL,
    status text NOT NULL DEFAULT 'queued',
    attempts integer NOT NULL DEFAULT 0,
    lease_until timestamptz NULL,
    error text NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX ix_knowledge_jobs_status ON knowledge_jobs (status, created_at);
