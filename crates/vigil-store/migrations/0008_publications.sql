-- 0008: copies versus publications (README, "Copies and publications").
-- Two publications may now have the same text (two messages of one
-- channel claiming two attacks in the same words), so a document's content
-- hash is no longer unique; a copy is found by the publication's identity
-- (source and external id, or URL) or, from another source, by its text
-- without framing (`core_hash`, filled in by the migration's code step,
-- which also turns recorded exact copies that are publications back into
-- documents). SQLite cannot drop a UNIQUE constraint in place: both tables
-- are rebuilt (foreign keys are off for this migration; the store checks
-- them before committing). Released schemas are never edited: add a new file.

CREATE TABLE documents_0008 (
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
    content_hash   BLOB NOT NULL,             -- digest of `normalized`
    core_hash      BLOB,                      -- digest of its words without framing
    origin_file    TEXT,
    origin_line    INTEGER,
    origin_record  TEXT
);
INSERT INTO documents_0008 (id, source_id, external_id, url, published, collected, edited,
    forwarded_from, lang, title, text, norm_title, normalized, stems, content_hash,
    origin_file, origin_line, origin_record)
SELECT id, source_id, external_id, url, published, collected, edited,
    forwarded_from, lang, title, text, norm_title, normalized, stems, content_hash,
    origin_file, origin_line, origin_record
  FROM documents;
DROP TABLE documents;
ALTER TABLE documents_0008 RENAME TO documents;
CREATE INDEX documents_published ON documents(published);
CREATE INDEX documents_source ON documents(source_id, published);
CREATE INDEX documents_lang ON documents(lang, published);
CREATE INDEX documents_content ON documents(content_hash);
CREATE INDEX documents_core ON documents(core_hash);
CREATE INDEX documents_external ON documents(source_id, external_id)
    WHERE external_id IS NOT NULL;
CREATE INDEX documents_url ON documents(source_id, url) WHERE url IS NOT NULL;

-- Copies: one row per sighting (a source may forward two publications
-- with the same text); the store finds a sighting again by its identity
-- before recording it.
CREATE TABLE document_copies_0008 (
    id            INTEGER PRIMARY KEY,
    document_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    source_id     INTEGER NOT NULL REFERENCES sources(id),
    external_id   TEXT,
    url           TEXT,
    published     TEXT,
    kind          TEXT NOT NULL,              -- exact | repost | forward | near (before 0008)
    similarity    REAL NOT NULL,
    content_hash  BLOB NOT NULL,
    collected     TEXT NOT NULL,
    origin_file   TEXT,
    origin_line   INTEGER,
    origin_record TEXT
);
INSERT INTO document_copies_0008 SELECT id, document_id, source_id, external_id, url,
    published, kind, similarity, content_hash, collected, origin_file, origin_line,
    origin_record FROM document_copies;
DROP TABLE document_copies;
ALTER TABLE document_copies_0008 RENAME TO document_copies;
CREATE INDEX document_copies_document ON document_copies(document_id);
CREATE INDEX document_copies_hash ON document_copies(source_id, content_hash);
CREATE INDEX document_copies_external ON document_copies(source_id, external_id)
    WHERE external_id IS NOT NULL;
CREATE INDEX document_copies_url ON document_copies(source_id, url) WHERE url IS NOT NULL;
