-- Knowledge base: sources, their chunks (with an FTS5 index over title and text), uploaded file bytes
-- kept until ingested, and the durable ingestion queue (claimed with a lease, so a restart resumes).
CREATE TABLE knowledge_sources (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    content TEXT NOT NULL DEFAULT '',
    url TEXT NULL,
    category TEXT NULL,
    metadata TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'queued',
    error TEXT NULL,
    chunk_count INTEGER NOT NULL DEFAULT 0,
    file_name TEXT NULL,
    content_type TEXT NULL,
    size_bytes INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    embedding_model TEXT NULL,
    created_by TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    indexed_at TEXT NULL
);
CREATE INDEX ix_knowledge_sources_tenant ON knowledge_sources (tenant_id, created_at);

CREATE TABLE knowledge_files (
    source_id TEXT NOT NULL PRIMARY KEY REFERENCES knowledge_sources (id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    data BLOB NOT NULL
);

-- seq is the rowid (stable across VACUUM because it is declared) that the FTS index refers to.
CREATE TABLE knowledge_chunks (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    source_id TEXT NOT NULL REFERENCES knowledge_sources (id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    category TEXT NULL,
    embedding BLOB NULL,
    embedding_model TEXT NULL
);
CREATE INDEX ix_knowledge_chunks_source ON knowledge_chunks (source_id, ordinal);
CREATE INDEX ix_knowledge_chunks_tenant ON knowledge_chunks (tenant_id, category);

-- rowid of knowledge_fts = seq of knowledge_chunks; triggers keep it in step, so deleting a source
-- (or its tenant, by cascade) removes its chunks from the index too.
CREATE VIRTUAL TABLE knowledge_fts USING fts5 (title, text, content = '', contentless_delete = 1, tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TRIGGER knowledge_chunks_ai AFTER INSERT ON knowledge_chunks BEGIN
    INSERT INTO knowledge_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
CREATE TRIGGER knowledge_chunks_ad AFTER DELETE ON knowledge_chunks BEGIN
    DELETE FROM knowledge_fts WHERE rowid = old.seq;
END;

CREATE TABLE knowledge_jobs (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    source_id TEXT NOT NULL REFERENCES knowledge_sources (id) ON DELETE CASCADE,
    source_version INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_until TEXT NULL,
    error TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_knowledge_jobs_status ON knowledge_jobs (status, created_at);
