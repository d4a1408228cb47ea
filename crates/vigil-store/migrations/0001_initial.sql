-- 0001: sources, documents and their copies, full-text index, event
-- reports, incidents. Released schemas are never edited: add a new file.

CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind        TEXT NOT NULL,
    affiliation TEXT,
    languages   TEXT NOT NULL DEFAULT '[]',   -- JSON array of language codes
    reliability TEXT,                         -- a..f
    url         TEXT,
    notes       TEXT,
    created     TEXT NOT NULL
);

CREATE TABLE documents (
    id             INTEGER PRIMARY KEY,
    source_id      INTEGER NOT NULL REFERENCES sources(id),
    external_id    TEXT,
    url            TEXT,
    published      TEXT,                      -- RFC 3339, UTC
    collected      TEXT NOT NULL,
    edited         TEXT,
    forwarded_from TEXT,
    lang           TEXT NOT NULL,
    title          TEXT,
    text           TEXT NOT NULL,
    norm_title     TEXT NOT NULL DEFAULT '',  -- normalized title (indexed)
    normalized     TEXT NOT NULL,             -- normalized text (indexed)
    stems          TEXT NOT NULL DEFAULT '',  -- Arabic light stems (indexed)
    content_hash   BLOB NOT NULL UNIQUE,
    origin_file    TEXT,
    origin_line    INTEGER,
    origin_record  TEXT
);
CREATE INDEX documents_published ON documents(published);
CREATE INDEX documents_source ON documents(source_id, published);
CREATE INDEX documents_lang ON documents(lang, published);

-- MinHash LSH band keys: (band index << 32) | key.
CREATE TABLE document_bands (
    band        INTEGER NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    PRIMARY KEY (band, document_id)
) WITHOUT ROWID;

-- Other sightings of a stored document: exact copies from another source,
-- near-duplicate reposts. One row per (source, text).
CREATE TABLE document_copies (
    id            INTEGER PRIMARY KEY,
    document_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    source_id     INTEGER NOT NULL REFERENCES sources(id),
    external_id   TEXT,
    url           TEXT,
    published     TEXT,
    kind          TEXT NOT NULL,              -- exact | near
    similarity    REAL NOT NULL,
    content_hash  BLOB NOT NULL,
    collected     TEXT NOT NULL,
    origin_file   TEXT,
    origin_line   INTEGER,
    origin_record TEXT,
    UNIQUE (source_id, content_hash)
);
CREATE INDEX document_copies_document ON document_copies(document_id);
CREATE INDEX document_copies_hash ON document_copies(content_hash);

CREATE VIRTUAL TABLE documents_fts USING fts5(
    norm_title, normalized, stems,
    content = 'documents', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TABLE event_reports (
    id             INTEGER PRIMARY KEY,
    document_id    INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    event_type     TEXT NOT NULL,
    sub_event_type TEXT NOT NULL,
    event_date     TEXT,                      -- YYYY-MM-DD
    lat            REAL,
    lon            REAL,
    claim_status   TEXT NOT NULL,
    body           TEXT NOT NULL              -- the full report as JSON
);
CREATE INDEX event_reports_document ON event_reports(document_id);
CREATE INDEX event_reports_date ON event_reports(event_date);

CREATE TABLE incidents (
    id      INTEGER PRIMARY KEY,
    status  TEXT NOT NULL,
    body    TEXT NOT NULL                     -- best estimates as JSON
);

CREATE TABLE incident_reports (
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    report_id   INTEGER NOT NULL UNIQUE REFERENCES event_reports(id) ON DELETE CASCADE,
    PRIMARY KEY (incident_id, report_id)
) WITHOUT ROWID;

CREATE TABLE incident_edits (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    who         TEXT NOT NULL,
    at          TEXT NOT NULL,
    what        TEXT NOT NULL
);
CREATE INDEX incident_edits_incident ON incident_edits(incident_id);
