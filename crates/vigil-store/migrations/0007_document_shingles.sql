-- 0007: each document's word shingles (sorted 64-bit hashes, little-endian),
-- so that near-duplicate checks compare a new document with its candidates
-- without re-reading and re-shingling their texts: that was a third of
-- ingest at 100,000 documents. Documents stored before this migration have
-- no row; their candidates' texts are shingled as before. Released schemas
-- are never edited: add a new file.
CREATE TABLE document_shingles (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    shingles    BLOB NOT NULL
);
