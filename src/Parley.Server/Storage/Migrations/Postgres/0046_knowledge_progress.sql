-- Ingestion progress (issue 15): passages embedded and stored (done) of the passages the source was cut
-- into (total), written by the ingestion worker after each step, so the console shows a real percentage.
ALTER TABLE knowledge_sources ADD COLUMN progress_done integer NOT NULL DEFAULT 0;
ALTER TABLE knowledge_sources ADD COLUMN progress_total integer NOT NULL DEFAULT 0;
