-- Knowledge is searchable by keywords first, vectors are filled in after (issue 18 follow-up, decision 0030).
-- A job is either the indexing of a source version ('index': extract, chunk, store) or the filling in of
-- its vectors ('embed', queued by the first when an embeddings provider is configured). A source's
-- embedding_state is pending, running, ready, failed or off; embedding_done counts its passages with a vector.
ALTER TABLE knowledge_jobs ADD COLUMN kind text NOT NULL DEFAULT 'index';
ALTER TABLE knowledge_sources ADD COLUMN embedding_state text NOT NULL DEFAULT 'pending';
ALTER TABLE knowledge_sources ADD COLUMN embedding_done integer NOT NULL DEFAULT 0;
-- Sources indexed before this migration were embedded in the same job: their vectors are all there, or none are.
UPDATE knowledge_sources SET
    embedding_state = CASE
        WHEN status <> 'ready' THEN 'pending'
        WHEN embedding_model IS NOT NULL THEN 'ready'
        WHEN error LIKE 'Embeddings unavailable%' THEN 'failed'
        ELSE 'off' END,
    embedding_done = CASE WHEN status = 'ready' AND embedding_model IS NOT NULL THEN chunk_count ELSE 0 END;
