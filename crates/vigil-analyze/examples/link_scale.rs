//! Linking and tallies at scale: builds a store of N generated event
//! reports (seeded, reproducible), then times a first link, an incremental
//! link after 1% more reports arrive, a link with nothing new, the tally
//! of every week by province, and a surge scan over every province and
//! perpetrator series. Run by `benchmarks/link.sh`.
//!
//! ```text
//! cargo run --release -p vigil-analyze --example link_scale -- 1000000 /tmp/link-scale.sqlite
//! ```
//!
//! The documents and reports are written with plain SQL in one
//! transaction: this measures linking and tallies, not ingestion or
//! extraction (benchmarks/ingest.sh and extract.sh measure those).

use std::time::Instant;

use chrono::{Days, NaiveDate};
use rusqlite::params;
use vigil_analyze::relink::{relink, RelinkOptions};
use vigil_analyze::surge::SurgeOptions;
use vigil_analyze::tally::{series_from_counts, surges, tally, TallyQuery};
use vigil_model::{
    ActorRef, ClaimStatus, Count, CountExactness, Counts, DatePrecision, Dimension, EventDate,
    EventReport, GeoPrecision, Measure, Place, ReportId, SubEventType, WeekStart,
};
use vigil_store::{SqliteStore, Store};

/// A small, fast, seeded generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const TYPES: &[SubEventType] = &[
    SubEventType::RemoteExplosiveLandmineIed,
    SubEventType::ArmedClash,
    SubEventType::Attack,
    SubEventType::AirDroneStrike,
    SubEventType::ShellingArtilleryMissileAttack,
    SubEventType::SuicideBomb,
    SubEventType::AbductionForcedDisappearance,
    SubEventType::Arrests,
];
const GROUPS: &[&str] = &[
    "Islamic State",
    "Hayat Tahrir al-Sham",
    "Syrian Democratic Forces",
    "Syrian Arab Army",
    "Turkish Armed Forces",
];
const PROVINCES: &[&str] = &[
    "Deir ez-Zor",
    "Al-Hasakah",
    "Al-Raqqah",
    "Aleppo",
    "Idlib",
    "Homs",
    "Nineveh",
    "Al Anbar",
    "Saladin",
    "Diyala",
];
const KINDS: &[&str] = &[
    "militant_official",
    "news_media",
    "local_monitor",
    "ngo_research",
];

/// The reports of one generated event, told by 1–4 sources.
fn event(rng: &mut Rng, start: NaiveDate, days: u64, towns: u64) -> Vec<(EventReport, usize)> {
    let day = start + Days::new(rng.below(days));
    let town = rng.below(towns);
    let province = PROVINCES[(town % PROVINCES.len() as u64) as usize];
    let (lat, lon) = (
        33.0 + (town / 30) as f64 * 0.08,
        36.0 + (town % 30) as f64 * 0.15,
    );
    let sub = TYPES[rng.below(TYPES.len() as u64) as usize];
    let perp = GROUPS[rng.below(GROUPS.len() as u64) as usize];
    let target = GROUPS[rng.below(GROUPS.len() as u64) as usize];
    let killed = rng.below(6) as u32;
    let tellers =
        1 + (rng.below(8).leading_zeros().saturating_sub(61)) as usize + rng.below(2) as usize;
    (0..tellers)
        .map(|n| {
            let kind = if n == 0 {
                rng.below(KINDS.len() as u64) as usize
            } else {
                1 + rng.below(3) as usize
            };
            let precision = match rng.below(100) {
                0..=89 => DatePrecision::Day,
                90..=95 => DatePrecision::Week,
                _ => DatePrecision::Month,
            };
            let report = EventReport {
                id: ReportId(0),
                document_id: vigil_model::DocumentId(0),
                event_type: sub.event_type(),
                sub_event_type: sub,
                attack_mode: None,
                date: Some(EventDate {
                    date: day + Days::new(rng.below(2) * u64::from(n > 0)),
                    precision,
                }),
                place: Some(Place {
                    name: format!("town {town}"),
                    gazetteer_name: None,
                    geonames_id: Some(town as i64 + 1),
                    lat: Some(lat),
                    lon: Some(lon),
                    province: Some(province.into()),
                    country: Some("SY".into()),
                    precision: if rng.below(10) == 0 {
                        GeoPrecision::Near
                    } else {
                        GeoPrecision::Place
                    },
                }),
                perpetrators: vec![ActorRef {
                    canonical: Some(perp.into()),
                    mention: perp.into(),
                }],
                targets: vec![ActorRef {
                    canonical: Some(target.into()),
                    mention: target.into(),
                }],
                counts: Counts {
                    killed: Some(Count {
                        value: killed + u32::from(kind == 0) * rng.below(3) as u32,
                        exactness: CountExactness::Exact,
                    }),
                    ..Counts::default()
                },
                attribution: None,
                claim_status: if kind == 0 {
                    ClaimStatus::Claimed
                } else {
                    ClaimStatus::Reported
                },
                evidence: Vec::new(),
            };
            (report, kind)
        })
        .collect()
}

/// Appends `n` generated reports (each in a document of its own) about
/// events in the `days` days from `start`.
fn generate(
    path: &std::path::Path,
    n: u64,
    seed: u64,
    first_doc: i64,
    (start, days): (NaiveDate, u64),
) -> anyhow::Result<u64> {
    let mut conn = rusqlite::Connection::open(path)?;
    let tx = conn.transaction()?;
    for (i, kind) in KINDS.iter().enumerate() {
        tx.execute(
            "INSERT OR IGNORE INTO sources (id, name, kind, created) VALUES (?1, ?2, ?3, '2024-01-01T00:00:00Z')",
            params![i as i64 + 1, format!("source {i}"), kind],
        )?;
    }
    let mut rng = Rng(seed | 1);
    let towns = 600;
    let mut doc = first_doc;
    let mut written = 0;
    {
        let mut insert_doc = tx.prepare(
            "INSERT INTO documents (id, source_id, collected, lang, text, normalized, content_hash)
             VALUES (?1, ?2, '2024-01-01T00:00:00Z', 'en', '', '', ?3)",
        )?;
        let mut insert_report = tx.prepare(
            "INSERT INTO event_reports (document_id, ordinal, event_type, sub_event_type,
                event_date, lat, lon, claim_status, body) VALUES (?1, 0, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        while written < n {
            for (r, kind) in event(&mut rng, start, days, towns) {
                if written == n {
                    break;
                }
                doc += 1;
                insert_doc.execute(params![doc, kind as i64 + 1, doc.to_le_bytes().to_vec()])?;
                let place = r.place.as_ref().unwrap();
                insert_report.execute(params![
                    doc,
                    r.event_type.as_str(),
                    r.sub_event_type.as_str(),
                    r.date.map(|d| d.date.to_string()),
                    place.lat,
                    place.lon,
                    r.claim_status.as_str(),
                    serde_json::to_string(&r)?
                ])?;
                written += 1;
            }
        }
    }
    tx.commit()?;
    Ok(doc as u64)
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let n: u64 = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(100_000);
    let path = std::path::PathBuf::from(
        args.next()
            .unwrap_or_else(|| "target/link-scale.sqlite".into()),
    );
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    drop(SqliteStore::open(&path)?); // the schema
    let t = Instant::now();
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let last_doc = generate(&path, n, 42, 0, (start, 730))?;
    println!("generate\t{n} reports\t{:.2} s", t.elapsed().as_secs_f64());

    let mut store = SqliteStore::open(&path)?;
    let opts = RelinkOptions::default();
    let t = Instant::now();
    let first = relink(&mut store, &opts, &mut |_, _| {})?;
    println!(
        "link (all new)\t{} reports -> {} incidents\t{:.2} s",
        first.new_reports,
        store.stats()?.incidents,
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let again = relink(&mut store, &opts, &mut |_, _| {})?;
    println!(
        "link (nothing new)\t{} incidents written\t{:.3} s",
        again.incidents_written,
        t.elapsed().as_secs_f64()
    );
    drop(store);
    // New documents are about the last fortnight.
    let recent = (start + Days::new(716), 14);
    generate(&path, (n / 100).max(1), 7, last_doc as i64, recent)?;
    let mut store = SqliteStore::open(&path)?;
    let t = Instant::now();
    let more = relink(&mut store, &opts, &mut |_, _| {})?;
    println!(
        "link (1% more, the last fortnight)\t{} new, {} relinked\t{:.2} s",
        more.new_reports,
        more.reports_relinked,
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let rows = store.tally_rows(None, None)?;
    let read = t.elapsed().as_secs_f64();
    let from = rows.iter().map(|r| r.date).min().unwrap();
    let to = rows.iter().map(|r| r.date).max().unwrap();
    let q = TallyQuery {
        measure: Measure::Incidents,
        by: Some(Dimension::Province),
        filters: Vec::new(),
        week_start: WeekStart::Monday,
        from,
        to,
    };
    let series = tally(&rows, &q);
    println!(
        "tally (every week by province)\t{} incidents, {} series x {} weeks\t{:.2} s ({:.2} s reading)",
        rows.len(),
        series.len(),
        series[0].weeks.len(),
        t.elapsed().as_secs_f64(),
        read
    );
    let t = Instant::now();
    let one = vec![(Dimension::Target, "Syrian Democratic Forces".to_string())];
    let rows = store.tally_rows_where(None, None, &one)?;
    let series = tally(
        &rows,
        &TallyQuery {
            measure: Measure::Claims,
            by: None,
            filters: one,
            ..q.clone()
        },
    );
    println!(
        "tally (one series: claims on one target, every week)\t{} incidents, {} weeks\t{:.2} s",
        rows.len(),
        series[0].weeks.len(),
        t.elapsed().as_secs_f64()
    );
    for (what, query) in [
        ("every week by province", q.clone()),
        (
            "one series: claims on one target, every week",
            TallyQuery {
                measure: Measure::Claims,
                by: None,
                filters: vec![(Dimension::Target, "Syrian Democratic Forces".into())],
                ..q.clone()
            },
        ),
    ] {
        let t = Instant::now();
        let series = series_from_counts(&store.weekly_counts(&query.weekly_count_query())?, &query);
        println!(
            "tally counted by the store ({what})\t{} series x {} weeks\t{:.3} s",
            series.len(),
            series[0].weeks.len(),
            t.elapsed().as_secs_f64()
        );
    }
    let t = Instant::now();
    let week_from = to - Days::new(7 * 3 + 6);
    let recent = store.tally_rows(Some(week_from), Some(to))?;
    let mut tested = 0;
    let mut flagged = 0;
    for by in [
        Dimension::Province,
        Dimension::Perpetrator,
        Dimension::Target,
    ] {
        let q = TallyQuery {
            measure: Measure::Claims,
            by: Some(by),
            from: week_from,
            ..q.clone()
        };
        let found = surges(&tally(&recent, &q), &SurgeOptions::default());
        tested += found.len();
        flagged += found.iter().filter(|s| s.surge).count();
    }
    println!(
        "surge scan (last week, by province, perpetrator, target)\t{tested} series, {flagged} flagged\t{:.3} s",
        t.elapsed().as_secs_f64()
    );
    let size = std::fs::metadata(&path)?.len();
    println!("store size\t{:.0} MB", size as f64 / 1e6);
    Ok(())
}
