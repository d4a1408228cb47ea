-- 0002: what the HTTP API filters event reports by. Released schemas are
-- never edited: add a new file.

-- The actors a report names, one row per (name, side): its canonical name
-- where resolved, and the words of the text. Kept by replace_reports.
CREATE TABLE report_actors (
    name      TEXT NOT NULL COLLATE NOCASE,
    report_id INTEGER NOT NULL REFERENCES event_reports(id) ON DELETE CASCADE,
    role      TEXT NOT NULL,                  -- perpetrator | target
    PRIMARY KEY (name, report_id, role)
) WITHOUT ROWID;
CREATE INDEX report_actors_report ON report_actors(report_id);

INSERT OR IGNORE INTO report_actors (name, report_id, role)
SELECT n.name, n.report_id, n.role FROM (
    SELECT json_extract(a.value, '$.canonical') AS name, r.id AS report_id, 'perpetrator' AS role
      FROM event_reports r, json_each(r.body, '$.perpetrators') a
    UNION ALL
    SELECT json_extract(a.value, '$.mention'), r.id, 'perpetrator'
      FROM event_reports r, json_each(r.body, '$.perpetrators') a
    UNION ALL
    SELECT json_extract(a.value, '$.canonical'), r.id, 'target'
      FROM event_reports r, json_each(r.body, '$.targets') a
    UNION ALL
    SELECT json_extract(a.value, '$.mention'), r.id, 'target'
      FROM event_reports r, json_each(r.body, '$.targets') a
) n WHERE n.name IS NOT NULL AND n.name <> '';

CREATE INDEX event_reports_type ON event_reports(event_type, event_date);
CREATE INDEX event_reports_sub_type ON event_reports(sub_event_type, event_date);
CREATE INDEX event_reports_claim ON event_reports(claim_status, event_date);
CREATE INDEX event_reports_place ON event_reports(lat, lon);
