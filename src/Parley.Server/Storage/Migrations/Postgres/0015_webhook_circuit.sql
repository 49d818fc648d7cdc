-- A webhook endpoint's circuit breaker: while circuit_open_until is in the future its deliveries are
-- not attempted (they stay pending, pushed back); once it has passed, one probe at a time until a
-- success clears it. The index serves the per-endpoint claim and the parking of an endpoint's backlog.
ALTER TABLE webhooks ADD COLUMN circuit_open_until timestamptz NULL;
CREATE INDEX ix_webhook_deliveries_webhook_due ON webhook_deliveries (webhook_id, status, next_attempt_at);
