//! `truth.json`: what a generated stream holds, for the scorer and for
//! anyone checking Vigil by hand.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::render::When;

/// The whole truth of one stream.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Truth {
    /// How it was generated.
    pub generator: GeneratorInfo,
    /// The first day of each counted week ("wednesday"): the weekday of
    /// the stream's start, as `vigil tally --week-start` takes it.
    pub week_start: String,
    /// The time zone posts are written in.
    pub timezone: String,
    /// The target whose claimed attacks are counted (canonical actor name).
    pub counted_target: String,
    /// The channels and their files.
    pub channels: Vec<ChannelInfo>,
    /// Every attack, in time order.
    pub attacks: Vec<Attack>,
    /// Every generated document, in time order.
    pub documents: Vec<Doc>,
    /// Claimed attacks on the counted target per week, in the week of the
    /// attack (not of the post).
    pub weekly_claimed: Vec<u32>,
    /// Claimed attacks on every target per week.
    pub weekly_claimed_all: Vec<u32>,
    /// The weeks (index from 0) a surge test should flag, by the rule of
    /// stream.toml's `[surge]`.
    pub surge_weeks: Vec<usize>,
    /// Their first days.
    pub surge_week_starts: Vec<NaiveDate>,
    /// The weeks (index) with a full baseline inside the stream: the ones a
    /// surge test is run on.
    pub testable_weeks: Vec<usize>,
    /// Weeks before the tested one that make the baseline.
    pub baseline_weeks: usize,
    /// Records written that hold no document (media without caption,
    /// service messages): the reader skips them.
    pub skipped_records: u32,
}

/// The generator's inputs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GeneratorInfo {
    /// The seed.
    pub seed: u64,
    /// Claimed attacks on the counted target per week.
    pub weeks: Vec<u32>,
    /// The first day of the first week.
    pub start: NaiveDate,
    /// Only held-out template families.
    pub holdout: bool,
    /// The official channel registered as kind `other`, no affiliation.
    pub unknown_source: bool,
    /// The format's version.
    pub version: u32,
}

/// One channel or feed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChannelInfo {
    /// "official", "supporter", "translation", "wire".
    pub key: String,
    /// The source name.
    pub name: String,
    /// The source kind it is registered with.
    pub kind: String,
    /// Its affiliation as registered.
    pub affiliation: Option<String>,
    /// Its file, relative to the stream's directory.
    pub file: String,
}

/// A place as the truth records it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlaceTruth {
    /// As the Arabic texts write it.
    pub ar: String,
    /// As the English texts write it.
    pub latin: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// The gazetteer's id.
    pub gazetteer_id: i64,
    /// "village", "town", "city".
    pub kind: String,
    /// The gazetteer's province.
    pub province: String,
}

/// One attack.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Attack {
    /// "a001", … in time order.
    pub id: String,
    /// The local day it happened.
    pub day: NaiveDate,
    /// The local time it happened.
    pub local_time: String,
    /// Its week, from 0.
    pub week: usize,
    /// The first day of its week.
    pub week_start: NaiveDate,
    /// Its ISO 8601 week ("2019-W42"), for reference.
    pub iso_week: String,
    /// Where.
    pub place: PlaceTruth,
    /// The target (canonical actor name).
    pub target: String,
    /// Whether the weekly truth counts it.
    pub counted: bool,
    /// The kind (stream.toml's key).
    pub kind: String,
    /// Vigil's attack mode.
    pub attack_mode: String,
    /// The outcome (stream.toml's key).
    pub outcome: String,
    /// Killed, where the claim gives or implies it.
    pub killed: Option<u32>,
    /// Injured, where given.
    pub injured: Option<u32>,
    /// Killed and injured given as one figure.
    pub killed_or_injured: Option<u32>,
    /// Abducted, where given.
    pub abducted: Option<u32>,
    /// Only attempted (counts as a claimed attack).
    pub attempted: bool,
    /// The family its official claim was written from.
    pub claim_family: String,
    /// Another attack whose claim has word for word the same text.
    pub same_text_as: Option<String>,
}

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// The official channel's claim of one attack.
    Claim,
    /// A supporter's forward of an official post (same text).
    Forward,
    /// A supporter's repost with a line added.
    Repost,
    /// The translation channel's English rendering of a claim.
    Translation,
    /// A wire report of one or two attacks.
    Wire,
    /// The weekly newsletter's list (repeats claims).
    Newsletter,
    /// A post about no attack.
    Noise,
}

impl DocKind {
    /// Every kind.
    pub const ALL: [DocKind; 7] = [
        DocKind::Claim,
        DocKind::Forward,
        DocKind::Repost,
        DocKind::Translation,
        DocKind::Wire,
        DocKind::Newsletter,
        DocKind::Noise,
    ];

    /// The name truth.json uses.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Claim => "claim",
            DocKind::Forward => "forward",
            DocKind::Repost => "repost",
            DocKind::Translation => "translation",
            DocKind::Wire => "wire",
            DocKind::Newsletter => "newsletter",
            DocKind::Noise => "noise",
        }
    }

    /// Whether the document is, by DESIGN.md's rule, a copy of another
    /// (a forward or repost by another source).
    pub fn is_copy(self) -> bool {
        matches!(self, DocKind::Forward | DocKind::Repost)
    }
}

/// One generated document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Doc {
    /// "official:40213", "wire:lws-20191017-0003": channel and id.
    pub key: String,
    /// Its file, relative to the stream's directory.
    pub file: String,
    /// The channel's key.
    pub channel: String,
    /// The source name.
    pub source: String,
    /// Message id (Telegram) or guid (feed): the document's external id.
    pub id: String,
    /// When it was posted, UTC.
    pub published: DateTime<Utc>,
    /// The same in Syrian local time.
    pub published_local: NaiveDateTime,
    /// What it is.
    pub kind: DocKind,
    /// "ar" or "en".
    pub lang: String,
    /// The attacks it reports (ids), in its order.
    pub attacks: Vec<String>,
    /// For a forward or repost, the key of the post it copies.
    pub original: Option<String>,
    /// The template family it was written from.
    pub family: Option<String>,
    /// How it names the attack's day, relative to its own local day.
    pub when: Option<When>,
    /// A wire report: whether it relays the group's claim.
    pub relays_claim: Option<bool>,
    /// Its text.
    pub text: String,
}
