-- 0006: weekly counts read from incident_facets alone. Released schemas
-- are never edited: add a new file.
--
-- A filtered or split tally used to join each facet row to its incident
-- (80,000 rows of incidents, with their JSON bodies, for one perpetrator
-- at 1,000,000 reports) and to compute each row's week from its date
-- text. Each facet row now carries what a count needs of its incident:
-- its day as a Julian day number (integer arithmetic gives the week), its
-- conservative killed count and its status. replace_incidents writes them
-- with the facets; incidents are only ever replaced whole, so they cannot
-- drift from the incident's own columns.
ALTER TABLE incident_facets ADD COLUMN day INTEGER;      -- Julian day number of event_date
ALTER TABLE incident_facets ADD COLUMN killed INTEGER;   -- incidents.killed
ALTER TABLE incident_facets ADD COLUMN status TEXT;      -- incidents.status

UPDATE incident_facets SET (day, killed, status) = (
    SELECT CAST(julianday(i.event_date) + 0.5 AS INTEGER), i.killed, i.status
      FROM incidents i WHERE i.id = incident_facets.incident_id);

-- One value's incidents in order of day (a filtered tally: each day's rows
-- are grouped as they come, without sorting 80,000 rows), and every value
-- of one dimension over a span of days (a split tally, a surge scan of
-- the last weeks), without touching the table.
CREATE INDEX incident_facets_value_day ON incident_facets(dimension, value, day, killed, status);
CREATE INDEX incident_facets_day ON incident_facets(dimension, day, value, killed, status);

-- A month of incidents sorted by killed reads the date range from an index
-- that holds killed too, instead of each incident's row (a month is
-- ~16,000 incidents at 1,000,000 reports: 42-48 ms -> ~15 ms).
CREATE INDEX incidents_date_killed ON incidents(event_date, killed);
