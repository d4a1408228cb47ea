-- 0009: report ids that survive re-extraction, and decisions recorded once.
-- Released schemas are never edited: add a new file.
--
-- Re-extraction now rewrites a report in place (same id, since its id is
-- bound to its key, document and ordinal) and counts the rewrite in
-- `revision`: linking checks it before writing, as it checked that the
-- report still existed when re-extraction replaced ids.
ALTER TABLE event_reports ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

-- A decision's content (who, action, reports, note) as a SHA-256 digest,
-- and the latest decision on its reports when it was made (0 if none):
-- the same content in the same state is the same decision (a retried
-- request), recorded once. Decisions made before 0009 have no digest
-- (their content is compared from their body).
ALTER TABLE decisions ADD COLUMN digest TEXT;
ALTER TABLE decisions ADD COLUMN after_id INTEGER;
-- The client's Idempotency-Key of the request that made it, if it sent one.
ALTER TABLE decisions ADD COLUMN request_key TEXT;
CREATE UNIQUE INDEX decisions_once ON decisions(digest, after_id) WHERE digest IS NOT NULL;
CREATE INDEX decisions_request ON decisions(request_key) WHERE request_key IS NOT NULL;
CREATE INDEX decision_reports_decision ON decision_reports(decision_id);
