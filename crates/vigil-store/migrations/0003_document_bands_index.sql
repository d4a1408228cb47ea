-- 0003: a document's own band keys, read with every document
-- (`SELECT band FROM document_bands WHERE document_id = ?`), were a scan of
-- the whole table: the primary key starts with the band. Released schemas
-- are never edited: add a new file.
CREATE INDEX document_bands_document ON document_bands(document_id, band);
