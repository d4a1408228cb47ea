-- 0005: narrative tags on documents; alerts and their webhook deliveries
-- (an outbox). Released schemas are never edited: add a new file.

-- Which documents have been tagged, and with which narratives file (its
-- digest): an incremental run tags documents missing here or tagged with
-- another version of the file.
CREATE TABLE narrative_tagging (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    digest      TEXT NOT NULL,
    tagged_at   TEXT NOT NULL
);
CREATE INDEX narrative_tagging_digest ON narrative_tagging(digest, document_id);

-- One row per (document, narrative) it carries; the evidence is a JSON
-- array of {term, span: {start, end}} (code points of the text).
CREATE TABLE document_narratives (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    narrative   TEXT NOT NULL,
    evidence    TEXT NOT NULL,
    PRIMARY KEY (document_id, narrative)
) WITHOUT ROWID;
CREATE INDEX document_narratives_narrative ON document_narratives(narrative, document_id);

-- The in-app alert feed: one alert per condition (dedup_key).
CREATE TABLE alerts (
    id              INTEGER PRIMARY KEY,
    rule            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    dedup_key       TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL,
    evidence        TEXT NOT NULL,             -- JSON
    fired_at        TEXT NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at TEXT
);
CREATE INDEX alerts_fired ON alerts(fired_at);

-- The outbox: written in the alert's transaction, emptied by the delivery
-- pass. next_attempt_at is in Unix milliseconds (backoffs can be short).
CREATE TABLE alert_deliveries (
    id              INTEGER PRIMARY KEY,
    alert_id        INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    channel         TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL,              -- pending | delivered | dead
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    UNIQUE (alert_id, channel)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries(status, next_attempt_at);

-- Every attempt, kept: what the receiver answered and when.
CREATE TABLE alert_delivery_attempts (
    id          INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES alert_deliveries(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    http_status INTEGER,
    error       TEXT,
    status      TEXT NOT NULL
);
CREATE INDEX alert_delivery_attempts_delivery ON alert_delivery_attempts(delivery_id);

-- How far each watch rule has read the documents (the last id checked).
CREATE TABLE alert_cursors (
    rule             TEXT PRIMARY KEY,
    last_document_id INTEGER NOT NULL
);
