//! Linking and tallies at scale: builds a store of N generated event
//! reports (seeded, reproducible), then times a first link, an incremental
//! link after 1% more reports arrive, a link with nothing new, the tally
//! of every week by province, and a surge scan over every province and
//! perpetrator series. Run by `benchmarks/link.sh`.
//!
//! ```text
//! cargo run --release -p vigil-analyze --example link_scale -- 1000000 /tmp/link-scale.sqlite
//! cargo run --release -p vigil-analyze --example link_scale -- 1000000 DIR/vigil.sqlite --text --build-only
//! ```
//!
//! `--text` gives each document a one-sentence report in English or
//! Arabic (half each, chosen by document id so that the events are the
//! same with or without it), its normalized form, Arabic stems and a
//! full-text index row, and a publication time: what `vigil serve` needs
//! to answer searches and document pages (`benchmarks/query.sh`).
//! `--build-only` stops after the first link and keeps the store.
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

/// Town names: a prefix and a suffix, in English and Arabic (600 towns).
const TOWN_PREFIXES: &[(&str, &str)] = &[
    ("Tal", "تل"),
    ("Ain", "عين"),
    ("Deir", "دير"),
    ("Kafr", "كفر"),
    ("Beit", "بيت"),
    ("Jisr", "جسر"),
    ("Khirbet", "خربة"),
    ("Ras", "رأس"),
    ("Umm", "أم"),
    ("Abu", "أبو"),
    ("Bir", "بئر"),
    ("Qasr", "قصر"),
    ("Mazraat", "مزرعة"),
    ("Arab", "عرب"),
    ("Hawsh", "حوش"),
    ("Marj", "مرج"),
    ("Wadi", "وادي"),
    ("Jabal", "جبل"),
    ("Nahr", "نهر"),
    ("Sheikh", "شيخ"),
];
const TOWN_SUFFIXES: &[(&str, &str)] = &[
    ("Hamra", "الحمراء"),
    ("Abyad", "الأبيض"),
    ("Aswad", "الأسود"),
    ("Kabir", "الكبير"),
    ("Saghir", "الصغير"),
    ("Jadid", "الجديد"),
    ("Qadim", "القديم"),
    ("Sharqi", "الشرقي"),
    ("Gharbi", "الغربي"),
    ("Shamali", "الشمالي"),
    ("Janubi", "الجنوبي"),
    ("Nakhil", "النخيل"),
    ("Zaytun", "الزيتون"),
    ("Ward", "الورد"),
    ("Rumman", "الرمان"),
    ("Tin", "التين"),
    ("Hajar", "الحجر"),
    ("Ramla", "الرملة"),
    ("Malih", "المالح"),
    ("Hilu", "الحلو"),
    ("Baida", "البيضاء"),
    ("Khadra", "الخضراء"),
    ("Safa", "الصفا"),
    ("Nur", "النور"),
    ("Salam", "السلام"),
    ("Karama", "الكرامة"),
    ("Hadid", "الحديد"),
    ("Dhahab", "الذهب"),
    ("Fidda", "الفضة"),
    ("Sultan", "السلطان"),
];

/// Town `n`'s name in English or Arabic.
fn town_name(n: u64, arabic: bool) -> String {
    let (p, s) = (
        TOWN_PREFIXES[(n % 20) as usize],
        TOWN_SUFFIXES[(n / 20 % 30) as usize],
    );
    if arabic {
        format!("{} {}", p.1, s.1)
    } else {
        format!("{} {}", p.0, s.0)
    }
}

/// The Arabic name of one of `GROUPS`.
fn group_ar(name: &str) -> &'static str {
    match name {
        "Islamic State" => "تنظيم الدولة",
        "Hayat Tahrir al-Sham" => "هيئة تحرير الشام",
        "Syrian Democratic Forces" => "قوات سوريا الديمقراطية",
        "Syrian Arab Army" => "الجيش السوري",
        _ => "القوات التركية",
    }
}

/// A neutral one-sentence report of `r` in English or Arabic.
fn report_text(r: &EventReport, arabic: bool) -> String {
    let place = r.place.as_ref().expect("generated reports have a place");
    let town = town_name(place.geonames_id.unwrap_or(1) as u64 - 1, arabic);
    let province = place.province.as_deref().unwrap_or("");
    let perp = r.perpetrators[0].mention.as_str();
    let target = r.targets[0].mention.as_str();
    let n = r.counts.killed.as_ref().map_or(0, |c| c.value);
    let day = r.date.as_ref().expect("generated reports have a date").date;
    let claimed = r.claim_status == ClaimStatus::Claimed;
    if arabic {
        let (perp, target) = (group_ar(perp), group_ar(target));
        let date = day.format("%Y/%m/%d");
        let body = match r.sub_event_type {
            SubEventType::RemoteExplosiveLandmineIed => {
                format!("مقتل {n} من عناصر {target} بانفجار عبوة ناسفة قرب {town} بتاريخ {date}")
            }
            SubEventType::ArmedClash => {
                format!("اشتباكات بين {perp} و{target} قرب {town} بتاريخ {date} خلفت {n} قتلى")
            }
            SubEventType::Attack => format!(
                "هجوم لعناصر {perp} على موقع لـ{target} في {town} بتاريخ {date} أسفر عن مقتل {n}"
            ),
            SubEventType::AirDroneStrike => format!(
                "غارة بطائرة مسيرة على {town} بتاريخ {date} أسفرت عن مقتل {n} من عناصر {target}"
            ),
            SubEventType::ShellingArtilleryMissileAttack => {
                format!("قصف مدفعي من {perp} على {town} بتاريخ {date} أسفر عن مقتل {n} أشخاص")
            }
            SubEventType::SuicideBomb => format!(
                "تفجير انتحاري استهدف حاجزا لـ{target} في {town} بتاريخ {date} وأسفر عن مقتل {n}"
            ),
            SubEventType::AbductionForcedDisappearance => {
                format!("اختطاف {n} مدنيين من {town} على يد {perp} بتاريخ {date}")
            }
            _ => format!("اعتقال {n} أشخاص خلال مداهمة نفذتها {perp} في {town} بتاريخ {date}"),
        };
        if claimed {
            format!("{perp} يتبنى: {body}.")
        } else {
            format!("{body}.")
        }
    } else {
        let date = day.format("%-d %B %Y");
        let body = match r.sub_event_type {
            SubEventType::RemoteExplosiveLandmineIed => format!("{n} {target} members were killed in an IED explosion near {town}, {province}, on {date}"),
            SubEventType::ArmedClash => format!("Clashes between {perp} and {target} near {town}, {province}, on {date} left {n} dead"),
            SubEventType::Attack => format!("{perp} fighters attacked a {target} position in {town}, {province}, on {date}; {n} were killed"),
            SubEventType::AirDroneStrike => format!("A drone strike hit {target} members in {town}, {province}, on {date}, killing {n}"),
            SubEventType::ShellingArtilleryMissileAttack => format!("{perp} shelled {town}, {province}, on {date}; {n} people were killed"),
            SubEventType::SuicideBomb => format!("A suicide bomber struck a {target} checkpoint in {town}, {province}, on {date}, killing {n}"),
            SubEventType::AbductionForcedDisappearance => format!("{perp} abducted {n} civilians from {town}, {province}, on {date}"),
            _ => format!("{perp} arrested {n} people in a raid on {town}, {province}, on {date}"),
        };
        if claimed {
            format!("{perp} claimed: {body}.")
        } else {
            format!("{body}.")
        }
    }
}

/// The light stems of a normalized text's Arabic words, as the store's
/// full-text index keeps them (`vigil_store`'s `query::stems`).
fn stems(normalized: &str) -> String {
    vigil_text::tokens(normalized)
        .filter_map(|tok| {
            let stem = vigil_text::light_stem_ar(tok);
            (stem != tok).then_some(stem)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

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
                    name: town_name(town, false),
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
/// events in the `days` days from `start`; with `text`, each document
/// tells its report (see the crate docs).
fn generate(
    path: &std::path::Path,
    n: u64,
    seed: u64,
    first_doc: i64,
    (start, days): (NaiveDate, u64),
    text: bool,
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
            "INSERT INTO documents (id, source_id, published, collected, lang, text, normalized,
                stems, content_hash)
             VALUES (?1, ?2, ?3, '2024-01-01T00:00:00Z', ?4, ?5, ?6, ?7, ?8)",
        )?;
        let mut insert_fts = tx.prepare(
            "INSERT INTO documents_fts (rowid, norm_title, normalized, stems) VALUES (?1, '', ?2, ?3)",
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
                // The store reads a 16-byte content hash; the id keeps them unique.
                let hash = u128::from(doc as u64).to_le_bytes().to_vec();
                if text {
                    // Half Arabic, by a hash of the id: the rng's stream of
                    // events stays the one of a store without text.
                    let arabic = (doc as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 63 == 1;
                    let body = report_text(&r, arabic);
                    let normalized = vigil_text::normalize(&body);
                    let stems = stems(&normalized);
                    let day = r.date.as_ref().expect("generated reports have a date").date;
                    let published = format!("{day}T{:02}:{:02}:00Z", doc % 24, doc % 60);
                    let lang = if arabic { "ar" } else { "en" };
                    insert_doc.execute(params![
                        doc,
                        kind as i64 + 1,
                        published,
                        lang,
                        body,
                        normalized,
                        stems,
                        hash
                    ])?;
                    insert_fts.execute(params![doc, normalized, stems])?;
                } else {
                    insert_doc.execute(params![
                        doc,
                        kind as i64 + 1,
                        None::<String>,
                        "en",
                        "",
                        "",
                        "",
                        hash
                    ])?;
                }
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
    let (flags, mut args): (Vec<String>, Vec<String>) =
        std::env::args().skip(1).partition(|a| a.starts_with("--"));
    let text = flags.iter().any(|f| f == "--text");
    let build_only = flags.iter().any(|f| f == "--build-only");
    if let Some(f) = flags
        .iter()
        .find(|f| !["--text", "--build-only"].contains(&f.as_str()))
    {
        anyhow::bail!("unknown option {f}; usage: link_scale [N] [STORE] [--text] [--build-only]");
    }
    args.reverse();
    let mut args = std::iter::from_fn(move || args.pop());
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
    drop(vigil_store::open(&path)?); // the schema
    let t = Instant::now();
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let last_doc = generate(&path, n, 42, 0, (start, 730), text)?;
    println!("generate\t{n} reports\t{:.2} s", t.elapsed().as_secs_f64());

    let mut store = vigil_store::open(&path)?;
    let opts = RelinkOptions::default();
    let t = Instant::now();
    let first = relink(&mut *store, &opts, &mut |_, _| {})?;
    println!(
        "link (all new)\t{} reports -> {} incidents\t{:.2} s",
        first.new_reports,
        store.stats()?.incidents,
        t.elapsed().as_secs_f64()
    );
    if build_only {
        let size = std::fs::metadata(&path)?.len();
        println!("store size\t{:.0} MB", size as f64 / 1e6);
        return Ok(());
    }
    let t = Instant::now();
    let again = relink(&mut *store, &opts, &mut |_, _| {})?;
    println!(
        "link (nothing new)\t{} incidents written\t{:.3} s",
        again.incidents_written,
        t.elapsed().as_secs_f64()
    );
    drop(store);
    // New documents are about the last fortnight.
    let recent = (start + Days::new(716), 14);
    generate(&path, (n / 100).max(1), 7, last_doc as i64, recent, text)?;
    let mut store = vigil_store::open(&path)?;
    let t = Instant::now();
    let more = relink(&mut *store, &opts, &mut |_, _| {})?;
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
