//! Inputs of the stage benches: documents written by the seeded corpus
//! generator (`benchmarks/gen_corpus.py --sample`, committed as
//! `fixtures/sample.jsonl`) and synthetic event reports for linking.

use chrono::NaiveDate;
use serde::Deserialize;
use vigil_model::{
    ActorRef, ClaimStatus, Counts, DatePrecision, EventDate, EventReport, GeoPrecision, Place,
    ReportId, SubEventType,
};

/// One generated document of `fixtures/sample.jsonl`.
#[derive(Debug, Clone, Deserialize)]
pub struct SampleDoc {
    /// `claim` (short channel post), `wire` (wire story) or `report`
    /// (long NGO report).
    pub kind: String,
    /// `en` or `ar`.
    pub lang: String,
    /// Publication day, `YYYY-MM-DD`.
    pub published: String,
    /// The text.
    pub text: String,
}

impl SampleDoc {
    /// `published` as a date.
    pub fn published(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(&self.published, "%Y-%m-%d").ok()
    }

    /// `kind-lang`, the bench argument's name.
    pub fn label(&self) -> String {
        format!("{}-{}", self.kind, self.lang)
    }
}

/// The committed sample: one short post, one wire story and one long report
/// in English and in Arabic.
pub fn sample_docs() -> Vec<SampleDoc> {
    include_str!("../fixtures/sample.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("fixtures/sample.jsonl holds sample documents"))
        .collect()
}

/// A small seeded generator (SplitMix64): reproducible without a
/// dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Towns of the generated corpus (name, GeoNames-like id, lat, lon,
/// province): the places the reports of a year of monitoring fall on.
const TOWNS: &[(&str, i64, f64, f64, &str)] = &[
    ("Raqqa", 163_915, 35.95, 39.01, "Raqqa"),
    ("Tabqa", 163_100, 35.84, 38.55, "Raqqa"),
    ("Hasakah", 173_014, 36.50, 40.75, "Hasakah"),
    ("Qamishli", 173_576, 37.05, 41.22, "Hasakah"),
    ("Shaddadi", 163_200, 36.06, 40.73, "Hasakah"),
    ("Deir ez-Zor", 170_794, 35.34, 40.14, "Deir ez-Zor"),
    ("Hajin", 169_000, 34.69, 40.83, "Deir ez-Zor"),
    ("al-Shuhayl", 169_100, 35.03, 40.48, "Deir ez-Zor"),
    ("Mayadin", 168_000, 35.02, 40.45, "Deir ez-Zor"),
    ("Manbij", 166_000, 36.53, 37.95, "Aleppo"),
    ("Mosul", 99_072, 36.34, 43.13, "Nineveh"),
    ("Sinjar", 99_100, 36.32, 41.87, "Nineveh"),
    ("Kirkuk", 94_787, 35.47, 44.39, "Kirkuk"),
    ("Hawija", 94_800, 35.33, 43.78, "Kirkuk"),
    ("Tikrit", 89_000, 34.60, 43.68, "Salahuddin"),
    ("Samarra", 89_100, 34.20, 43.87, "Salahuddin"),
    ("Baghdad", 98_182, 33.34, 44.40, "Baghdad"),
    ("Baqubah", 98_900, 33.75, 44.64, "Diyala"),
    ("Fallujah", 98_700, 33.35, 43.78, "Anbar"),
    ("Ramadi", 98_800, 33.42, 43.30, "Anbar"),
];

const ACTORS: &[&str] = &[
    "islamic-state",
    "sdf",
    "turkish-armed-forces",
    "iraqi-army",
    "pmf",
    "",
    "",
];

const SUB_EVENTS: &[SubEventType] = &[
    SubEventType::ArmedClash,
    SubEventType::RemoteExplosiveLandmineIed,
    SubEventType::SuicideBomb,
    SubEventType::ShellingArtilleryMissileAttack,
    SubEventType::AirDroneStrike,
    SubEventType::Attack,
    SubEventType::AbductionForcedDisappearance,
    SubEventType::Arrests,
];

/// `n` event reports over 2019 as the extractor would write them for a
/// monitored region: seeded, so the same `n` and `seed` give the same
/// reports. About one in three repeats an earlier report's event (same
/// type, place and day, another document), as copies and follow-ups do.
pub fn synthetic_reports(n: usize, seed: u64) -> Vec<EventReport> {
    let mut rng = Rng::new(seed);
    let start = NaiveDate::from_ymd_opt(2019, 1, 1).expect("a date");
    let mut out: Vec<EventReport> = Vec::with_capacity(n);
    for i in 0..n {
        let id = ReportId(i as i64 + 1);
        if i > 0 && rng.below(3) == 0 {
            let mut r = out[rng.below(i)].clone();
            r.id = id;
            r.document_id = vigil_model::DocumentId(i as i64 + 1);
            out.push(r);
            continue;
        }
        let sub = SUB_EVENTS[rng.below(SUB_EVENTS.len())];
        let town = TOWNS[rng.below(TOWNS.len())];
        let day = start + chrono::Days::new(rng.below(365) as u64);
        let precision = match rng.below(10) {
            0 => DatePrecision::Week,
            1 => DatePrecision::Month,
            _ => DatePrecision::Day,
        };
        let geo = match rng.below(10) {
            0 => GeoPrecision::Region,
            1 | 2 => GeoPrecision::Near,
            _ => GeoPrecision::Place,
        };
        let actor = ACTORS[rng.below(ACTORS.len())];
        out.push(EventReport {
            id,
            document_id: vigil_model::DocumentId(i as i64 + 1),
            event_type: sub.event_type(),
            sub_event_type: sub,
            attack_mode: None,
            date: Some(EventDate {
                date: day,
                precision,
            }),
            place: (rng.below(20) != 0).then(|| Place {
                name: town.0.to_string(),
                gazetteer_name: None,
                geonames_id: Some(town.1),
                lat: Some(town.2),
                lon: Some(town.3),
                province: Some(town.4.to_string()),
                country: None,
                precision: geo,
            }),
            perpetrators: if actor.is_empty() {
                Vec::new()
            } else {
                vec![ActorRef {
                    canonical: Some(actor.to_string()),
                    mention: actor.to_string(),
                }]
            },
            targets: Vec::new(),
            counts: Counts::default(),
            attribution: None,
            claim_status: ClaimStatus::Reported,
            evidence: Vec::new(),
        });
    }
    out
}
