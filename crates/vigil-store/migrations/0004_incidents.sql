-- 0004: incidents as linking builds them, analysts' decisions, watched
-- sites. Released schemas are never edited: add a new file.
--
-- The incident tables of 0001 were never written by a release; they are
-- replaced. Analysts' decisions are anchored on report keys (document,
-- ordinal), not report ids, because re-extraction replaces report ids.

DROP TABLE incident_edits;
DROP TABLE incident_reports;
DROP TABLE incidents;

-- A report's place among its document's reports: with document_id, the
-- key that survives re-extraction.
ALTER TABLE event_reports ADD COLUMN ordinal INTEGER NOT NULL DEFAULT 0;
UPDATE event_reports SET ordinal = (
    SELECT COUNT(*) FROM event_reports e
     WHERE e.document_id = event_reports.document_id AND e.id < event_reports.id);
CREATE UNIQUE INDEX event_reports_key ON event_reports(document_id, ordinal);

-- AUTOINCREMENT: an id, once shared, never names another incident.
CREATE TABLE incidents (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The key of its earliest report: relinking keeps the id while it stays.
    anchor_document INTEGER NOT NULL,
    anchor_ordinal  INTEGER NOT NULL,
    status          TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    sub_event_type  TEXT NOT NULL,
    event_date      TEXT,                     -- YYYY-MM-DD, best estimate
    first_day       TEXT,                     -- span of its reports' dates
    last_day        TEXT,
    lat             REAL,
    lon             REAL,
    killed          INTEGER,                  -- conservative
    -- Set when one of its reports is re-extracted: the next link redoes it.
    dirty           INTEGER NOT NULL DEFAULT 0,
    body            TEXT NOT NULL,            -- the Incident as JSON
    UNIQUE (anchor_document, anchor_ordinal)
);
CREATE INDEX incidents_date ON incidents(event_date, id);
CREATE INDEX incidents_span ON incidents(first_day, last_day);
CREATE INDEX incidents_dirty ON incidents(dirty) WHERE dirty = 1;

CREATE TABLE incident_reports (
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    report_id   INTEGER NOT NULL UNIQUE REFERENCES event_reports(id) ON DELETE CASCADE,
    PRIMARY KEY (incident_id, report_id)
) WITHOUT ROWID;

-- What tallies split and filter by, one row per (dimension, value).
CREATE TABLE incident_facets (
    dimension   TEXT NOT NULL,
    value       TEXT NOT NULL COLLATE NOCASE,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    PRIMARY KEY (dimension, value, incident_id)
) WITHOUT ROWID;
CREATE INDEX incident_facets_incident ON incident_facets(incident_id);

CREATE TABLE decisions (
    id     INTEGER PRIMARY KEY,
    who    TEXT NOT NULL,
    at     TEXT NOT NULL,
    body   TEXT NOT NULL                      -- the Decision as JSON
);
CREATE TABLE decision_reports (
    document_id INTEGER NOT NULL,
    ordinal     INTEGER NOT NULL,
    decision_id INTEGER NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
    PRIMARY KEY (document_id, ordinal, decision_id)
) WITHOUT ROWID;

CREATE TABLE sites (
    key   TEXT PRIMARY KEY,
    body  TEXT NOT NULL                       -- the Site as JSON
);
