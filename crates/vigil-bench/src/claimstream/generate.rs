//! Planning a stream: attacks, then the posts that tell them, then the
//! files.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{bail, Context, Result};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};
use serde_json::{json, Value};
use vigil_geo::Gazetteer;

use super::calendar::{local_to_utc, weekday_index, weekday_name};
use super::data::{ClaimFamily, Data, Province};
use super::places::{candidates, Place};
use super::render::{
    arabic_count, capitalize, day_ar, english_count, fill, fill_any, when_ar, when_en, CountStyle,
    Slots, When,
};
use super::rng::Rng;
use super::truth::{Attack, ChannelInfo, Doc, DocKind, GeneratorInfo, PlaceTruth, Truth};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// The seed: the same options write the same files.
    pub seed: u64,
    /// Claimed attacks on the counted target per week.
    pub weeks: Vec<u32>,
    /// The first day of the first week; its weekday starts every week.
    pub start: NaiveDate,
    /// Draw only from the held-out template families.
    pub holdout: bool,
    /// Register the official channel as kind `other` with no affiliation.
    pub unknown_source: bool,
}

/// truth.json's format version.
const VERSION: u32 = 1;

/// When an official claim is posted, by local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delay {
    SameDay,
    AfterMidnight,
    OneDay,
    TwoDays,
}

/// An attack as planned.
#[derive(Debug, Clone)]
struct Planned {
    place: Place,
    target: String,
    kind: String,
    outcome: String,
    killed: Option<u32>,
    injured: Option<u32>,
    combined: Option<u32>,
    abducted: Option<u32>,
    family: usize,
    at: NaiveDateTime,
    delay: Delay,
    /// Seed of its claim's wording: twins share it.
    style: u64,
    twin_of: Option<usize>,
    /// Forced to the last day of its week, posted the next day.
    boundary: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Chan {
    Official,
    Supporter,
    Translation,
    Wire,
}

impl Chan {
    fn key(self) -> &'static str {
        match self {
            Chan::Official => "official",
            Chan::Supporter => "supporter",
            Chan::Translation => "translation",
            Chan::Wire => "wire",
        }
    }
}

/// What a post holds.
#[derive(Debug, Clone)]
enum Body {
    /// A message with text.
    Text { text: String, forwarded: bool },
    /// A wire story.
    Story { title: String, text: String },
    /// A photo without caption.
    Photo,
    /// A pinned-message notice.
    Pin,
}

/// One post of one channel.
#[derive(Debug, Clone)]
struct Post {
    chan: Chan,
    /// Local time.
    at: NaiveDateTime,
    body: Body,
    /// None for records that hold no document.
    kind: Option<DocKind>,
    attacks: Vec<usize>,
    /// Index of the post it copies.
    original: Option<usize>,
    family: Option<String>,
    when: Option<When>,
    relays: Option<bool>,
}

impl Post {
    fn doc(chan: Chan, at: NaiveDateTime, kind: DocKind, body: Body) -> Post {
        Post {
            chan,
            at,
            body,
            kind: Some(kind),
            attacks: Vec::new(),
            original: None,
            family: None,
            when: None,
            relays: None,
        }
    }
}

/// Generates a stream into `out` (created) and returns its truth.
pub fn generate(opts: &Options, gaz: &Gazetteer, out: &Path) -> Result<Truth> {
    let data = Data::bundled()?;
    if opts.weeks.is_empty() {
        bail!("--weeks gives no week: give the claimed attacks of each week, e.g. 10,10,10,27");
    }
    let (first, last) = data.hijri.span();
    let end = opts.start + Duration::days(7 * opts.weeks.len() as i64 + 14);
    if opts.start < first || end > last {
        bail!(
            "--start {}: the stream's days must lie within {first}..{last}, the Hijri table's span (claimstream/hijri_umm_al_qura.toml)",
            opts.start
        );
    }
    let places = candidates(gaz, &data);
    let mut rng = Rng::new(opts.seed);
    let house = rng.next_u64();
    let mut g = Gen {
        data: &data,
        opts,
        rng,
        house,
        places,
        posts: Vec::new(),
    };
    let attacks = g.plan_attacks()?;
    g.claims(&attacks);
    g.translations(&attacks);
    g.supporters();
    g.wire(&attacks);
    g.newsletters(&attacks);
    g.noise(&attacks);
    g.skipped();
    let (truth, files) = g.finish(&attacks)?;
    write_files(out, &truth, &files, &data, opts)?;
    Ok(truth)
}

struct Gen<'a> {
    data: &'a Data,
    opts: &'a Options,
    rng: Rng,
    /// Seed of the channel's house style (see [`Gen::styled`]).
    house: u64,
    places: Vec<Place>,
    posts: Vec<Post>,
}

/// The files of a stream, before writing.
struct Files {
    /// Telegram exports by channel.
    exports: BTreeMap<Chan, Value>,
    /// The RSS feed.
    feed: String,
}

fn time(h: i64, m: i64) -> NaiveTime {
    NaiveTime::from_hms_opt(h as u32, m as u32, 0).expect("a valid time")
}

impl Gen<'_> {
    /// One of `n` choices named by `label`: the house's usual one (the
    /// same for the whole stream) as often as stream.toml's `house_style`
    /// says, else any. Official channels are formulaic: each province's
    /// media office words a kind of attack the same way, names the enemy
    /// the same way, writes figures the same way.
    fn styled(&self, rng: &mut Rng, label: &str, n: usize) -> usize {
        if rng.chance(self.data.stream.posting.house_style) {
            Rng::derived(self.house, label).below(n)
        } else {
            rng.below(n)
        }
    }

    fn week_day(&self, w: usize, d: i64) -> NaiveDate {
        self.opts.start + Duration::days(7 * w as i64 + d)
    }

    /// A place for an attack on `target`: a village already attacked on
    /// another day now and then, else a fresh one of a province drawn by
    /// weight.
    fn place_for(&mut self, target: &str, day: NaiveDate, planned: &[Planned]) -> Result<Place> {
        let t = self.data.target(target);
        let eligible = |p: &Place, data: &Data| {
            let pr: &Province = &data.stream.province[p.province];
            let in_province =
                t.provinces.is_empty() || t.provinces.iter().any(|n| pr.gazetteer.contains(n));
            let side_ok = !pr.banks || (p.left_bank == (t.side == "left"));
            in_province && side_ok
        };
        if self.rng.chance(self.data.stream.posting.place_reuse) {
            let used: Vec<&Planned> = planned
                .iter()
                .filter(|p| p.target == target && p.at.date() != day)
                .collect();
            if !used.is_empty() {
                return Ok(self.rng.pick(&used).place.clone());
            }
        }
        let provinces: Vec<usize> = (0..self.data.stream.province.len())
            .filter(|&i| {
                self.places
                    .iter()
                    .any(|p| p.province == i && eligible(p, self.data))
            })
            .collect();
        if provinces.is_empty() {
            bail!("the gazetteer has no place for attacks on {target} in stream.toml's provinces");
        }
        let weights: Vec<f64> = provinces
            .iter()
            .map(|&i| self.data.stream.province[i].weight)
            .collect();
        let province = provinces[self.rng.weighted(&weights)];
        let pool: Vec<&Place> = self
            .places
            .iter()
            .filter(|p| p.province == province && eligible(p, self.data))
            .collect();
        Ok((*self.rng.pick(&pool)).clone())
    }

    /// Draws an outcome and its figures for a kind.
    fn outcome(&mut self, kind: &str) -> (String, [Option<u32>; 4]) {
        let k = self.data.kind(kind);
        let weights: Vec<f64> = k.outcomes.iter().map(|o| o.weight).collect();
        let o = &k.outcomes[self.rng.weighted(&weights)];
        let mut draw = |r: Option<[u32; 2]>| {
            r.map(|[lo, hi]| self.rng.range(i64::from(lo), i64::from(hi)) as u32)
        };
        let figures = [
            draw(o.killed),
            draw(o.injured),
            draw(o.combined),
            draw(o.abducted),
        ];
        (o.key.clone(), figures)
    }

    fn family_for(&mut self, kind: &str, province: usize) -> usize {
        let holdout = self.opts.holdout;
        let fams: Vec<usize> = self
            .data
            .ar
            .family
            .iter()
            .enumerate()
            .filter(|(_, f)| f.kind == kind && f.holdout == holdout)
            .map(|(i, _)| i)
            .collect();
        let mut rng = Rng::new(self.rng.next_u64());
        fams[self.styled(&mut rng, &format!("family:{province}:{kind}"), fams.len())]
    }

    fn kind_draw(&mut self) -> String {
        let weights: Vec<f64> = self.data.stream.kind.iter().map(|k| k.weight).collect();
        self.data.stream.kind[self.rng.weighted(&weights)]
            .key
            .clone()
    }

    fn delay_draw(&mut self) -> Delay {
        let p = &self.data.stream.posting;
        match self.rng.weighted(&[
            p.same_day,
            p.after_midnight,
            p.one_day_late,
            p.two_days_late,
        ]) {
            0 => Delay::SameDay,
            1 => Delay::AfterMidnight,
            2 => Delay::OneDay,
            _ => Delay::TwoDays,
        }
    }

    /// The attack's local time for its delay.
    fn attack_time(&mut self, day: NaiveDate, delay: Delay) -> NaiveDateTime {
        let (lo, hi) = match delay {
            Delay::SameDay => (6 * 60, 19 * 60 + 30),
            Delay::AfterMidnight => (19 * 60, 22 * 60 + 30),
            Delay::OneDay | Delay::TwoDays => (6 * 60, 22 * 60 + 30),
        };
        let m = self.rng.range(lo, hi);
        day.and_time(time(m / 60, m % 60))
    }

    fn plan_attacks(&mut self) -> Result<Vec<Planned>> {
        let data = self.data;
        let mut planned: Vec<Planned> = Vec::new();
        for (w, &n) in self.opts.weeks.iter().enumerate() {
            for t in &data.stream.target {
                let count = if t.counted {
                    n
                } else {
                    let x = f64::from(n) * t.share;
                    x.floor() as u32 + u32::from(self.rng.chance(x.fract()))
                };
                for _ in 0..count {
                    let d = self.rng.range(0, 6);
                    let day = self.week_day(w, d);
                    let kind = self.kind_draw();
                    let (outcome, [killed, injured, combined, abducted]) = self.outcome(&kind);
                    let place = self.place_for(&t.key, day, &planned)?;
                    let family = self.family_for(&kind, place.province);
                    let delay = self.delay_draw();
                    let at = self.attack_time(day, delay);
                    let style = self.rng.next_u64();
                    planned.push(Planned {
                        place,
                        target: t.key.clone(),
                        kind,
                        outcome,
                        killed,
                        injured,
                        combined,
                        abducted,
                        family,
                        at,
                        delay,
                        style,
                        twin_of: None,
                        boundary: false,
                    });
                }
            }
        }
        let counted = data.counted_target().key.clone();
        // Every week boundary is crossed: an attack on the last day of a
        // week whose claim comes the next day, in the next week.
        for w in 0..self.opts.weeks.len().saturating_sub(1) {
            let last = self.week_day(w, 6);
            let week: Vec<usize> = (0..planned.len())
                .filter(|&i| {
                    planned[i].target == counted
                        && (planned[i].at.date() - self.opts.start).num_days() / 7 == w as i64
                })
                .collect();
            if week.is_empty() {
                continue;
            }
            let i = week
                .iter()
                .copied()
                .find(|&i| planned[i].at.date() == last)
                .unwrap_or_else(|| week[self.rng.below(week.len())]);
            let delay = if self.rng.chance(0.5) {
                Delay::AfterMidnight
            } else {
                Delay::OneDay
            };
            planned[i].delay = delay;
            planned[i].at = self.attack_time(last, delay);
            planned[i].boundary = true;
        }
        // Twins: claims word for word the same on different days (an
        // assassination in the same town, the same count, no date).
        let [lo, hi] = data.stream.posting.repeated_pairs;
        let pairs = self.rng.range(i64::from(lo), i64::from(hi));
        let assassination = data
            .stream
            .kind
            .iter()
            .find(|k| k.attack_mode == "assassination" && !k.attempted)
            .map(|k| k.key.clone());
        if let Some(kind) = assassination {
            for _ in 0..pairs {
                let free: Vec<usize> = (0..planned.len())
                    .filter(|&i| {
                        let p = &planned[i];
                        p.target == counted
                            && !p.boundary
                            && p.twin_of.is_none()
                            && !planned.iter().any(|q| q.twin_of == Some(i))
                    })
                    .collect();
                if free.len() < 2 {
                    break;
                }
                let a = free[self.rng.below(free.len())];
                let others: Vec<usize> = free
                    .iter()
                    .copied()
                    .filter(|&b| planned[b].at.date() != planned[a].at.date())
                    .collect();
                if others.is_empty() {
                    break;
                }
                let b = others[self.rng.below(others.len())];
                let (outcome, [killed, injured, combined, abducted]) = self.outcome(&kind);
                let family = self.family_for(&kind, planned[a].place.province);
                for &i in &[a, b] {
                    let p = &mut planned[i];
                    p.kind = kind.clone();
                    p.outcome = outcome.clone();
                    (p.killed, p.injured, p.combined, p.abducted) =
                        (killed, injured, combined, abducted);
                    p.family = family;
                    p.delay = Delay::SameDay;
                }
                let at_a = self.attack_time(planned[a].at.date(), Delay::SameDay);
                let at_b = self.attack_time(planned[b].at.date(), Delay::SameDay);
                planned[a].at = at_a;
                planned[b].at = at_b;
                planned[b].place = planned[a].place.clone();
                planned[b].style = planned[a].style;
                planned[b].twin_of = Some(a);
            }
        }
        // Time order; twin references follow the sort.
        let mut order: Vec<usize> = (0..planned.len()).collect();
        order.sort_by_key(|&i| (planned[i].at, i));
        let mut new_index = vec![0; planned.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        let mut sorted: Vec<Planned> = order.iter().map(|&i| planned[i].clone()).collect();
        for p in &mut sorted {
            p.twin_of = p.twin_of.map(|t| new_index[t]);
        }
        Ok(sorted)
    }

    /// The Arabic slots of an attack: province, place, enemy, figures,
    /// in the house style of its province mostly.
    fn ar_slots(&self, a: &Planned, rng: &mut Rng) -> Slots {
        let data = self.data;
        let prov = a.place.province;
        let pr = &data.stream.province[prov];
        let mut s = Slots::new();
        let wilaya = [&pr.wilaya, &pr.wilaya_2019][self.styled(rng, &format!("wilaya:{prov}"), 2)];
        s.insert("wilaya".into(), wilaya.clone());
        s.insert("wilaya_tag".into(), pr.wilaya_tag.clone());
        let words = data
            .lexicon
            .place_words
            .get(a.place.kind)
            .cloned()
            .unwrap_or_default();
        let word = if words.is_empty() {
            String::new()
        } else {
            words[self.styled(rng, &format!("place:{}", a.place.ar), words.len())].clone()
        };
        let place = if word.is_empty() {
            a.place.ar.clone()
        } else {
            format!("{word} {}", a.place.ar)
        };
        s.insert("place".into(), place);
        s.insert("place_bare".into(), a.place.ar.clone());
        // The area phrase: the house writes one always or never.
        let area = if self.styled(rng, &format!("area:{prov}"), 2) == 0 {
            format!(
                " {}",
                pr.areas[self.styled(rng, &format!("areas:{prov}"), pr.areas.len())]
            )
        } else {
            String::new()
        };
        s.insert("area".into(), area);
        let enemies: Vec<_> = data
            .lexicon
            .enemy
            .iter()
            .filter(|e| e.target == a.target)
            .collect();
        let e = enemies[self.styled(rng, &format!("enemy:{prov}:{}", a.target), enemies.len())];
        s.insert("enemy".into(), e.name.clone());
        s.insert("enemy_li".into(), e.li.clone());
        s.insert("enemy_members".into(), e.members.clone());
        let nouns: Vec<_> = data
            .lexicon
            .noun
            .iter()
            .filter(|n| n.casualty && (n.targets.is_empty() || n.targets.contains(&a.target)))
            .collect();
        let noun = nouns[self.styled(rng, &format!("noun:{prov}:{}", a.target), nouns.len())];
        let style = CountStyle {
            digits: self.styled(rng, &format!("digits:{prov}"), 2) == 0,
        };
        for (prefix, v) in [
            ("k", a.killed),
            ("i", a.injured),
            ("c", a.combined),
            ("a", a.abducted),
        ] {
            if let Some(n) = v {
                arabic_count(&mut s, prefix, n, noun, style, data);
            }
        }
        let rocket = data
            .lexicon
            .noun
            .iter()
            .find(|n| n.key == "rocket")
            .expect("checked");
        let mut r = Slots::new();
        arabic_count(&mut r, "x", rng.range(3, 8) as u32, rocket, style, data);
        s.insert("rockets".into(), r["x"].clone());
        s
    }

    /// The English slots of an attack (translation channel and wire).
    fn en_slots(&self, a: &Planned, rng: &mut Rng, wire: bool) -> Slots {
        let data = self.data;
        let pr = &data.stream.province[a.place.province];
        let mut s = Slots::new();
        s.insert("wilaya_en".into(), pr.wilaya_en.clone());
        s.insert(
            "wilaya_tag_en".into(),
            pr.wilaya_en.replace([' ', '-'], "_"),
        );
        let words = data
            .lexicon
            .place_words_en
            .get(a.place.kind)
            .cloned()
            .unwrap_or_default();
        let word = if words.is_empty() {
            String::new()
        } else {
            rng.pick(&words).clone()
        };
        let place = if word.is_empty() {
            a.place.latin.clone()
        } else {
            format!("{word} {}", a.place.latin)
        };
        s.insert("place_en".into(), place);
        s.insert("place_bare_en".into(), a.place.latin.clone());
        let area = if rng.chance(0.5) {
            format!(", in the {}", rng.pick(&pr.areas_en))
        } else {
            String::new()
        };
        s.insert("area_en".into(), area);
        s.insert("province_en".into(), pr.name_en.clone());
        let names = &data
            .lexicon
            .enemy_en
            .iter()
            .find(|e| e.target == a.target)
            .expect("checked")
            .names;
        s.insert("enemy_en".into(), rng.pick(names).clone());
        let phrase = data
            .wire
            .target_phrase
            .iter()
            .find(|p| p.target == a.target)
            .expect("checked");
        let j = rng.below(phrase.sing.len().min(phrase.plural.len()));
        s.insert("target_name".into(), rng.pick(&phrase.name).clone());
        s.insert("target_short".into(), phrase.short.clone());
        // The wire writes one to nine in words; translations either way.
        let digits = !wire && rng.chance(0.5);
        for (prefix, v) in [
            ("k", a.killed),
            ("i", a.injured),
            ("c", a.combined),
            ("a", a.abducted),
        ] {
            if let Some(n) = v {
                english_count(
                    &mut s,
                    prefix,
                    n,
                    digits,
                    &phrase.sing[j],
                    &phrase.plural[j],
                    data,
                );
            }
        }
        s
    }

    /// The official claim of each attack.
    fn claims(&mut self, attacks: &[Planned]) {
        let p = &self.data.stream.posting;
        for (i, a) in attacks.iter().enumerate() {
            let day = a.at.date();
            let post = match a.delay {
                Delay::SameDay => {
                    let m = self.rng.range(45, 200);
                    let latest = day.and_time(time(22, 40));
                    (a.at + Duration::minutes(m)).min(latest)
                }
                Delay::AfterMidnight => {
                    let m = self.rng.range(60, 175);
                    (day + Duration::days(1)).and_time(time(m / 60, m % 60))
                }
                Delay::OneDay | Delay::TwoDays => {
                    let d = if a.delay == Delay::OneDay { 1 } else { 2 };
                    let m = self.rng.range(8 * 60, 22 * 60);
                    (day + Duration::days(d)).and_time(time(m / 60, m % 60))
                }
            };
            let delta = (post.date() - day).num_days();
            let dated = a.twin_of.is_none()
                && !attacks.iter().any(|b| b.twin_of == Some(i))
                && (delta > 0 || self.rng.chance(p.same_day_dated));
            let choices = When::choices(delta, a.at.hour(), dated);
            let when = *self.rng.pick(&choices);
            let text = self.claim_text(a, when);
            let family = self.data.ar.family[a.family].name.clone();
            let mut post = Post::doc(
                Chan::Official,
                post,
                DocKind::Claim,
                Body::Text {
                    text,
                    forwarded: false,
                },
            );
            post.attacks = vec![i];
            post.family = Some(family);
            post.when = Some(when);
            self.posts.push(post);
        }
    }

    fn claim_text(&self, a: &Planned, when: When) -> String {
        let mut rng = Rng::new(a.style);
        let mut slots = self.ar_slots(a, &mut rng);
        slots.insert(
            "when".into(),
            when_ar(when, a.at.date(), &mut rng, self.data),
        );
        let fam: &ClaimFamily = &self.data.ar.family[a.family];
        let templates = &fam.outcomes[&a.outcome];
        let t = &templates[self.styled(
            &mut rng,
            &format!("template:{}:{}", fam.name, a.outcome),
            templates.len(),
        )];
        fill(t, &slots).unwrap_or_else(|slot| {
            panic!(
                "claim family {} outcome {}: no value for {{{slot}}}",
                fam.name, a.outcome
            )
        })
    }

    /// English renderings of a part of the claims.
    fn translations(&mut self, attacks: &[Planned]) {
        let share = self.data.stream.posting.translation;
        let fams: Vec<usize> = (0..self.data.en.family.len())
            .filter(|&i| self.data.en.family[i].holdout == self.opts.holdout)
            .collect();
        let claims: Vec<usize> = (0..self.posts.len())
            .filter(|&i| self.posts[i].kind == Some(DocKind::Claim))
            .collect();
        for ci in claims {
            if !self.rng.chance(share) {
                continue;
            }
            let claim = self.posts[ci].clone();
            let a = &attacks[claim.attacks[0]];
            let at = claim.at + Duration::minutes(self.rng.range(40, 300));
            let delta = (at.date() - a.at.date()).num_days();
            let was = claim.when.unwrap_or(When::None);
            let when = if was.fits(delta, a.at.hour()) {
                was
            } else {
                *self.rng.pick(&When::choices(delta, a.at.hour(), true))
            };
            let fam = &self.data.en.family[*self.rng.pick(&fams)];
            let mut rng = Rng::new(self.rng.next_u64());
            let mut slots = self.en_slots(a, &mut rng, false);
            slots.insert("when_en".into(), when_en(when, a.at.date(), self.data));
            let pair = format!("{}.{}", a.kind, a.outcome);
            let action_t = fam
                .actions
                .get(&pair)
                .or_else(|| fam.actions.get(&a.kind))
                .expect("checked");
            let result_t = fam
                .results
                .get(&pair)
                .or_else(|| fam.results.get(&a.outcome))
                .expect("checked");
            let action = fill_any(&mut rng, action_t, &slots).expect("an action renders");
            let result = fill_any(&mut rng, result_t, &slots).expect("a result renders");
            slots.insert("action".into(), action);
            slots.insert("result".into(), result);
            let text =
                capitalize(&fill_any(&mut rng, &fam.frames, &slots).expect("a frame renders"));
            let mut post = Post::doc(
                Chan::Translation,
                at,
                DocKind::Translation,
                Body::Text {
                    text,
                    forwarded: false,
                },
            );
            post.attacks = claim.attacks.clone();
            post.family = Some(fam.name.clone());
            post.when = Some(when);
            self.posts.push(post);
        }
    }

    /// Forwards and reposts of official posts by the supporter channel.
    fn supporters(&mut self) {
        let p = &self.data.stream.posting;
        let (fwd, rep) = (p.forward, p.repost);
        let prefixes: Vec<String> = self
            .data
            .noise
            .repost_prefix
            .iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect();
        let suffixes: Vec<String> = self
            .data
            .noise
            .repost_suffix
            .iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect();
        let originals: Vec<usize> = (0..self.posts.len())
            .filter(|&i| self.posts[i].kind == Some(DocKind::Claim))
            .collect();
        for oi in originals {
            let u = self.rng.unit();
            let orig = self.posts[oi].clone();
            let Body::Text { text, .. } = &orig.body else {
                continue;
            };
            let at = orig.at + Duration::minutes(self.rng.range(2, 180));
            let (kind, text, forwarded) = if u < fwd {
                (DocKind::Forward, text.clone(), true)
            } else if u < fwd + rep {
                let t = if self.rng.chance(0.5) {
                    format!("{}\n{text}", self.rng.pick(&prefixes))
                } else {
                    format!("{text}\n\n{}", self.rng.pick(&suffixes))
                };
                (DocKind::Repost, t, false)
            } else {
                continue;
            };
            let mut post = Post::doc(Chan::Supporter, at, kind, Body::Text { text, forwarded });
            post.attacks = orig.attacks.clone();
            post.original = Some(oi);
            self.posts.push(post);
        }
    }

    /// The wire's reports of a part of the attacks.
    fn wire(&mut self, attacks: &[Planned]) {
        let p = &self.data.stream.posting;
        let (share, relay_share, roundup) = (p.wire, p.wire_relays_claim, p.wire_roundup);
        let fams: Vec<usize> = (0..self.data.wire.family.len())
            .filter(|&i| self.data.wire.family[i].holdout == self.opts.holdout)
            .collect();
        let claim_at: HashMap<usize, NaiveDateTime> = self
            .posts
            .iter()
            .filter(|p| p.kind == Some(DocKind::Claim))
            .map(|p| (p.attacks[0], p.at))
            .collect();
        let chosen: Vec<usize> = (0..attacks.len())
            .filter(|_| self.rng.chance(share))
            .collect();
        let mut used = vec![false; attacks.len()];
        for &i in &chosen {
            if used[i] {
                continue;
            }
            used[i] = true;
            let mut group = vec![i];
            if self.rng.chance(roundup) {
                if let Some(&j) = chosen.iter().find(|&&j| {
                    !used[j]
                        && (attacks[j].at.date() - attacks[i].at.date())
                            .num_days()
                            .abs()
                            <= 1
                }) {
                    used[j] = true;
                    group.push(j);
                }
            }
            let relays = self.rng.chance(relay_share);
            let latest_attack = group.iter().map(|&g| attacks[g].at).max().expect("a group");
            let at = if relays {
                let claims = group.iter().map(|g| claim_at[g]).max().expect("a group");
                claims.max(latest_attack + Duration::hours(2))
                    + Duration::minutes(self.rng.range(40, 720))
            } else {
                latest_attack + Duration::minutes(self.rng.range(120, 1200))
            };
            let fam = &self.data.wire.family[*self.rng.pick(&fams)];
            let mut rng = Rng::new(self.rng.next_u64());
            let mut leads = Vec::new();
            let mut title = String::new();
            for (n, &g) in group.iter().enumerate() {
                let a = &attacks[g];
                let mut slots = self.en_slots(a, &mut rng, true);
                slots.insert("when_en".into(), wire_when(a.at, &mut rng, self.data));
                slots.insert("source".into(), rng.pick(&fam.sources).clone());
                let pair = format!("{}.{}", a.kind, a.outcome);
                let lead_t = fam
                    .leads
                    .get(&pair)
                    .or_else(|| fam.leads.get(&a.kind))
                    .expect("checked");
                let lead = fill_any(&mut rng, lead_t, &slots).expect("a lead renders");
                leads.push(if n == 0 {
                    lead
                } else {
                    format!("Separately, {}", lower_first(&lead))
                });
                if n == 0 {
                    let title_t = fam
                        .titles
                        .get(&pair)
                        .or_else(|| fam.titles.get(&a.kind))
                        .expect("checked");
                    title = fill_any(&mut rng, title_t, &slots).expect("a title renders");
                }
            }
            let first = &attacks[group[0]];
            let mut slots = self.en_slots(first, &mut rng, true);
            slots.insert("source".into(), String::new());
            let closing = match (relays, group.len()) {
                (true, 1) => fill_any(&mut rng, &fam.relay_claim, &slots),
                (false, 1) => fill_any(&mut rng, &fam.no_claim, &slots),
                (true, _) => fill_any(&mut rng, &fam.relay_both, &slots),
                (false, _) => fill_any(&mut rng, &fam.no_claim_both, &slots),
            }
            .expect("a closing sentence renders");
            let phrase = self
                .data
                .wire
                .target_phrase
                .iter()
                .find(|p| p.target == first.target)
                .expect("checked");
            let context = rng.pick(&phrase.context).clone();
            let mut text = leads.join(" ");
            text.push(' ');
            text.push_str(&closing);
            if !context.is_empty() {
                text.push(' ');
                text.push_str(&context);
            }
            let mut post = Post::doc(Chan::Wire, at, DocKind::Wire, Body::Story { title, text });
            post.attacks = group;
            post.family = Some(fam.name.clone());
            post.relays = Some(relays);
            self.posts.push(post);
        }
    }

    /// The weekly newsletter: the week's claims listed again, a few days
    /// after the week ends.
    fn newsletters(&mut self, attacks: &[Planned]) {
        let data = self.data;
        let p = &data.stream.posting;
        let fams: Vec<usize> = (0..data.ar.newsletter.len())
            .filter(|&i| data.ar.newsletter[i].holdout == self.opts.holdout)
            .collect();
        for w in 0..self.opts.weeks.len() {
            let (first, last) = (self.week_day(w, 0), self.week_day(w, 6));
            let week: Vec<usize> = (0..attacks.len())
                .filter(|&i| attacks[i].at.date() >= first && attacks[i].at.date() <= last)
                .collect();
            let fam = &data.ar.newsletter[*self.rng.pick(&fams)];
            let day = last
                + Duration::days(
                    self.rng
                        .range(p.newsletter_delay_days[0], p.newsletter_delay_days[1]),
                );
            let mut at = day.and_time(time(self.rng.range(10, 19), self.rng.range(0, 59)));
            let range = {
                let h = |d: NaiveDate| data.hijri.hijri(d).expect("checked");
                let ((_, m1, d1), (y2, m2, d2)) = (h(first), h(last));
                let mut s = Slots::new();
                s.insert(
                    "from".into(),
                    format!("{d1} {}", data.lexicon.hijri_months[m1 as usize - 1]),
                );
                s.insert(
                    "to".into(),
                    format!("{d2} {}", data.lexicon.hijri_months[m2 as usize - 1]),
                );
                s.insert("year".into(), y2.to_string());
                fill(&fam.range, &s).expect("a range renders")
            };
            // Posts of even length, none longer than the limit.
            let per = p.newsletter_items_per_post.max(1);
            let posts = week.len().div_ceil(per).max(1);
            for chunk in week.chunks(week.len().div_ceil(posts).max(1)) {
                let mut rng = Rng::new(self.rng.next_u64());
                let mut head = Slots::new();
                head.insert("wilaya".into(), p.newsletter_wilaya.clone());
                head.insert("wilaya_tag".into(), p.newsletter_wilaya_tag.clone());
                head.insert("range".into(), range.clone());
                head.insert("total".into(), chunk.len().to_string());
                let mut lines =
                    vec![fill_any(&mut rng, &fam.header, &head).expect("a header renders")];
                for &i in chunk {
                    let a = &attacks[i];
                    let mut s = self.ar_slots(a, &mut rng);
                    s.insert("day".into(), day_ar(a.at.date(), data));
                    let pair = format!("{}.{}", a.kind, a.outcome);
                    let action_t = fam
                        .actions
                        .get(&pair)
                        .or_else(|| fam.actions.get(&a.kind))
                        .expect("checked");
                    let result_t = fam
                        .results
                        .get(&pair)
                        .or_else(|| fam.results.get(&a.outcome))
                        .expect("checked");
                    let action = fill_any(&mut rng, action_t, &s).expect("an action renders");
                    let result = fill_any(&mut rng, result_t, &s).expect("a result renders");
                    s.insert("action".into(), action);
                    s.insert("result".into(), result);
                    lines.push(fill(&fam.line, &s).expect("a line renders"));
                }
                let footer = fill_any(&mut rng, &fam.footer, &head).expect("a footer renders");
                if !footer.is_empty() {
                    lines.push(footer);
                }
                let mut post = Post::doc(
                    Chan::Official,
                    at,
                    DocKind::Newsletter,
                    Body::Text {
                        text: lines.join("\n"),
                        forwarded: false,
                    },
                );
                post.attacks = chunk.to_vec();
                post.family = Some(fam.name.clone());
                self.posts.push(post);
                at += Duration::minutes(self.rng.range(1, 6));
            }
        }
    }

    /// Posts about no attack.
    fn noise(&mut self, attacks: &[Planned]) {
        let data = self.data;
        let p = &data.stream.posting;
        for w in 0..self.opts.weeks.len() {
            for (chan, range, texts) in [
                (Chan::Official, p.noise_official, &data.noise.official),
                (Chan::Supporter, p.noise_supporter, &data.noise.supporter),
                (
                    Chan::Translation,
                    p.noise_translation,
                    &data.noise.translation,
                ),
            ] {
                let n = self.rng.range(i64::from(range[0]), i64::from(range[1]));
                for _ in 0..n {
                    let d = self.rng.range(0, 6);
                    let day = self.week_day(w, d);
                    let at = day.and_time(time(self.rng.range(8, 21), self.rng.range(0, 59)));
                    let mut s = Slots::new();
                    let pr = self.rng.pick(&data.stream.province);
                    s.insert("wilaya".into(), pr.wilaya.clone());
                    s.insert("issue".into(), (196 + w).to_string());
                    let (_, m, _) = data.hijri.hijri(day).expect("checked");
                    s.insert(
                        "hijri_month".into(),
                        data.lexicon.hijri_months[m as usize - 1].clone(),
                    );
                    let place = if attacks.is_empty() {
                        self.places[self.rng.below(self.places.len())].ar.clone()
                    } else {
                        attacks[self.rng.below(attacks.len())].place.ar.clone()
                    };
                    s.insert("place_bare".into(), place);
                    let text = fill_any(&mut self.rng, texts, &s).expect("noise renders");
                    self.posts.push(Post::doc(
                        chan,
                        at,
                        DocKind::Noise,
                        Body::Text {
                            text,
                            forwarded: false,
                        },
                    ));
                }
            }
            let every = p.wire_analysis_every_weeks.max(1);
            if w % every == every - 1 || (w + 1 == self.opts.weeks.len() && w < every) {
                let d = self.rng.range(1, 5);
                let day = self.week_day(w, d);
                let at = day.and_time(time(self.rng.range(9, 18), self.rng.range(0, 59)));
                let a = self.rng.pick(&data.wire.analysis);
                let mut s = Slots::new();
                s.insert(
                    "province_en".into(),
                    self.rng.pick(&data.stream.province).name_en.clone(),
                );
                s.insert("weeks".into(), (w + 1).to_string());
                let text = fill(&a.text, &s).expect("analysis renders");
                self.posts.push(Post::doc(
                    Chan::Wire,
                    at,
                    DocKind::Noise,
                    Body::Story {
                        title: a.title.clone(),
                        text,
                    },
                ));
            }
        }
    }

    /// Records that hold no document: photos without captions, pins.
    fn skipped(&mut self) {
        let range = self.data.stream.posting.skipped_records;
        for chan in [Chan::Official, Chan::Supporter, Chan::Translation] {
            let n = self.rng.range(i64::from(range[0]), i64::from(range[1]));
            for _ in 0..n {
                let w = self.rng.below(self.opts.weeks.len());
                let d = self.rng.range(0, 6);
                let day = self.week_day(w, d);
                let at = day.and_time(time(self.rng.range(8, 21), self.rng.range(0, 59)));
                let body = if self.rng.chance(0.5) {
                    Body::Photo
                } else {
                    Body::Pin
                };
                self.posts.push(Post {
                    chan,
                    at,
                    body,
                    kind: None,
                    attacks: Vec::new(),
                    original: None,
                    family: None,
                    when: None,
                    relays: None,
                });
            }
        }
    }

    /// Orders the posts, gives them ids, and builds the truth and files.
    fn finish(&mut self, attacks: &[Planned]) -> Result<(Truth, Files)> {
        let data = self.data;
        // Within a channel no two posts share a second.
        let mut order: Vec<usize> = (0..self.posts.len()).collect();
        order.sort_by_key(|&i| (self.posts[i].chan, self.posts[i].at, i));
        let mut last: HashMap<Chan, NaiveDateTime> = HashMap::new();
        for &i in &order {
            let p = &mut self.posts[i];
            let sec = self.rng.range(0, 59);
            p.at += Duration::seconds(sec);
            if let Some(prev) = last.get(&p.chan) {
                if p.at <= *prev {
                    p.at = *prev + Duration::seconds(self.rng.range(5, 90));
                }
            }
            last.insert(p.chan, p.at);
        }
        // Ids in time order, per channel.
        let mut ids: Vec<String> = vec![String::new(); self.posts.len()];
        let mut next: HashMap<Chan, i64> = HashMap::new();
        let mut by_chan: BTreeMap<Chan, Vec<usize>> = BTreeMap::new();
        for &i in &order {
            by_chan.entry(self.posts[i].chan).or_default().push(i);
        }
        for (chan, list) in &by_chan {
            for &i in list {
                let id = match chan {
                    Chan::Wire => {
                        let n = next.entry(*chan).or_insert(0);
                        *n += 1;
                        format!("lws-{}-{:04}", self.posts[i].at.format("%Y%m%d"), *n)
                    }
                    _ => {
                        let base = 20_000 + self.rng.range(0, 30_000);
                        let n = next.entry(*chan).or_insert(base);
                        *n += 1 + if self.rng.chance(0.1) {
                            self.rng.range(1, 3)
                        } else {
                            0
                        };
                        n.to_string()
                    }
                };
                ids[i] = id;
            }
        }
        let channel = |c: Chan| match c {
            Chan::Official => &data.stream.channels.official,
            Chan::Supporter => &data.stream.channels.supporter,
            Chan::Translation => &data.stream.channels.translation,
            Chan::Wire => &data.stream.channels.wire,
        };
        let file_of = |c: Chan| match c {
            Chan::Wire => format!("{}/feed.rss", channel(c).dir),
            _ => format!("{}/result.json", channel(c).dir),
        };
        let key_of = |i: usize| format!("{}:{}", self.posts[i].chan.key(), ids[i]);
        let attack_id = |i: usize| format!("a{:03}", i + 1);
        // Documents.
        let mut docs: Vec<Doc> = Vec::new();
        for &i in &order {
            let p = &self.posts[i];
            let Some(kind) = p.kind else { continue };
            let text = match &p.body {
                Body::Text { text, .. } => text.clone(),
                Body::Story { title, text } => format!("{title}\n\n{text}"),
                _ => continue,
            };
            let lang = match (p.chan, kind) {
                (Chan::Translation | Chan::Wire, _) => "en",
                _ => "ar",
            };
            docs.push(Doc {
                key: key_of(i),
                file: file_of(p.chan),
                channel: p.chan.key().to_string(),
                source: channel(p.chan).name.clone(),
                id: ids[i].clone(),
                published: Utc.from_utc_datetime(&local_to_utc(p.at)),
                published_local: p.at,
                kind,
                lang: lang.to_string(),
                attacks: p.attacks.iter().map(|&a| attack_id(a)).collect(),
                original: p.original.map(key_of),
                family: p.family.clone(),
                when: p.when,
                relays_claim: p.relays,
                text,
            });
        }
        docs.sort_by(|a, b| a.published.cmp(&b.published).then(a.key.cmp(&b.key)));
        // Attacks.
        let counted = data.counted_target();
        let truth_attacks: Vec<Attack> = attacks
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let week = ((a.at.date() - self.opts.start).num_days() / 7) as usize;
                let kind = data.kind(&a.kind);
                let fam = &data.ar.family[a.family];
                let iso = a.at.date().iso_week();
                Attack {
                    id: attack_id(i),
                    day: a.at.date(),
                    local_time: a.at.format("%H:%M").to_string(),
                    week,
                    week_start: self.week_day(week, 0),
                    iso_week: format!("{}-W{:02}", iso.year(), iso.week()),
                    place: PlaceTruth {
                        ar: a.place.ar.clone(),
                        latin: a.place.latin.clone(),
                        lat: a.place.lat,
                        lon: a.place.lon,
                        gazetteer_id: a.place.gazetteer_id,
                        kind: a.place.kind.to_string(),
                        province: a.place.province_name.clone(),
                    },
                    target: data.target(&a.target).actor.clone(),
                    counted: a.target == counted.key,
                    kind: a.kind.clone(),
                    attack_mode: fam
                        .attack_mode
                        .clone()
                        .unwrap_or_else(|| kind.attack_mode.clone()),
                    outcome: a.outcome.clone(),
                    killed: a.killed,
                    injured: a.injured,
                    killed_or_injured: a.combined,
                    abducted: a.abducted,
                    attempted: kind.attempted,
                    claim_family: fam.name.clone(),
                    same_text_as: a.twin_of.map(attack_id).or_else(|| {
                        attacks
                            .iter()
                            .position(|b| b.twin_of == Some(i))
                            .map(attack_id)
                    }),
                }
            })
            .collect();
        let n = self.opts.weeks.len();
        let mut weekly = vec![0u32; n];
        let mut weekly_all = vec![0u32; n];
        for a in &truth_attacks {
            weekly_all[a.week] += 1;
            if a.counted {
                weekly[a.week] += 1;
            }
        }
        if weekly != self.opts.weeks {
            bail!(
                "internal: planned {weekly:?} counted attacks, not {:?}",
                self.opts.weeks
            );
        }
        let rule = &data.stream.surge;
        let testable: Vec<usize> = (rule.baseline_weeks..n).collect();
        let surge_weeks: Vec<usize> = testable
            .iter()
            .copied()
            .filter(|&w| {
                let base: f64 = weekly[w - rule.baseline_weeks..w]
                    .iter()
                    .map(|&c| f64::from(c))
                    .sum::<f64>()
                    / rule.baseline_weeks as f64;
                let c = f64::from(weekly[w]);
                c >= rule.ratio * base && c >= base + rule.excess
            })
            .collect();
        let channels: Vec<ChannelInfo> = [
            Chan::Official,
            Chan::Supporter,
            Chan::Translation,
            Chan::Wire,
        ]
        .into_iter()
        .map(|c| {
            let ch = channel(c);
            let unknown = c == Chan::Official && self.opts.unknown_source;
            ChannelInfo {
                key: c.key().to_string(),
                name: ch.name.clone(),
                kind: if unknown {
                    "other".into()
                } else {
                    ch.kind.clone()
                },
                affiliation: if unknown {
                    None
                } else {
                    ch.affiliation.clone()
                },
                file: file_of(c),
            }
        })
        .collect();
        let truth = Truth {
            generator: GeneratorInfo {
                seed: self.opts.seed,
                weeks: self.opts.weeks.clone(),
                start: self.opts.start,
                holdout: self.opts.holdout,
                unknown_source: self.opts.unknown_source,
                version: VERSION,
            },
            week_start: weekday_name(self.opts.start).to_string(),
            timezone: "Asia/Damascus (UTC+3 in summer, UTC+2 in winter until October 2022)".into(),
            counted_target: counted.actor.clone(),
            channels,
            attacks: truth_attacks,
            documents: docs,
            weekly_claimed: weekly,
            weekly_claimed_all: weekly_all,
            surge_week_starts: surge_weeks.iter().map(|&w| self.week_day(w, 0)).collect(),
            surge_weeks,
            testable_weeks: testable,
            baseline_weeks: rule.baseline_weeks,
            skipped_records: self.posts.iter().filter(|p| p.kind.is_none()).count() as u32,
        };
        // Telegram exports.
        let mut exports = BTreeMap::new();
        for chan in [Chan::Official, Chan::Supporter, Chan::Translation] {
            let ch = channel(chan);
            let official = &data.stream.channels.official;
            let mut messages = Vec::new();
            let mut prev_id: Option<String> = None;
            for &i in by_chan.get(&chan).map(Vec::as_slice).unwrap_or(&[]) {
                let p = &self.posts[i];
                let utc = local_to_utc(p.at);
                let mut m = serde_json::Map::new();
                m.insert(
                    "id".into(),
                    json!(ids[i].parse::<i64>().expect("numeric ids")),
                );
                m.insert(
                    "type".into(),
                    json!(if matches!(p.body, Body::Pin) {
                        "service"
                    } else {
                        "message"
                    }),
                );
                m.insert(
                    "date".into(),
                    json!(p.at.format("%Y-%m-%dT%H:%M:%S").to_string()),
                );
                m.insert(
                    "date_unixtime".into(),
                    json!(utc.and_utc().timestamp().to_string()),
                );
                let from = if matches!(p.body, Body::Pin) {
                    "actor"
                } else {
                    "from"
                };
                m.insert(from.into(), json!(ch.name));
                m.insert(
                    format!("{from}_id"),
                    json!(format!("channel{}", ch.id.unwrap_or(0))),
                );
                match &p.body {
                    Body::Text { text, forwarded } => {
                        if *forwarded {
                            m.insert("forwarded_from".into(), json!(official.name));
                        }
                        let bold_header = self.rng.chance(0.5);
                        let (t, entities) = telegram_text(text, bold_header);
                        m.insert("text".into(), t);
                        m.insert("text_entities".into(), entities);
                    }
                    Body::Photo => {
                        m.insert(
                            "photo".into(),
                            json!(
                                "(File not included. Change data exporting settings to download.)"
                            ),
                        );
                        m.insert("width".into(), json!(1280));
                        m.insert("height".into(), json!(720));
                        m.insert("text".into(), json!(""));
                        m.insert("text_entities".into(), json!([]));
                    }
                    Body::Pin => {
                        m.insert("action".into(), json!("pin_message"));
                        if let Some(prev) = &prev_id {
                            m.insert("message_id".into(), json!(prev.parse::<i64>().unwrap_or(0)));
                        }
                        m.insert("text".into(), json!(""));
                        m.insert("text_entities".into(), json!([]));
                    }
                    Body::Story { .. } => {}
                }
                prev_id = Some(ids[i].clone());
                messages.push(Value::Object(m));
            }
            exports.insert(
                chan,
                json!({
                    "name": ch.name,
                    "type": "public_channel",
                    "id": ch.id.unwrap_or(0),
                    "messages": messages,
                }),
            );
        }
        // The feed, newest first as feeds are.
        let wire = &data.stream.channels.wire;
        let link = wire.link.clone().unwrap_or_default();
        let mut items = String::new();
        for &i in by_chan
            .get(&Chan::Wire)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .rev()
        {
            let p = &self.posts[i];
            let Body::Story { title, text } = &p.body else {
                continue;
            };
            let utc = Utc.from_utc_datetime(&local_to_utc(p.at));
            let slug: String = title
                .to_ascii_lowercase()
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join("-");
            // The guid's running number keeps two stories with one title
            // on one day at two addresses: an address names one story.
            let number = ids[i].rsplit('-').next().unwrap_or_default();
            let slug = format!("{slug}-{number}");
            items.push_str(&format!(
                "    <item>\n      <title>{}</title>\n      <link>{}/{}/{}</link>\n      <guid isPermaLink=\"false\">{}</guid>\n      <pubDate>{}</pubDate>\n      <description>{}</description>\n    </item>\n",
                xml_escape(title),
                link,
                utc.format("%Y/%m/%d"),
                slug,
                ids[i],
                utc.to_rfc2822(),
                xml_escape(text),
            ));
        }
        let feed = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n  <channel>\n    <title>{}</title>\n    <link>{}</link>\n    <description>News from Syria and Iraq</description>\n    <language>en</language>\n{items}  </channel>\n</rss>\n",
            xml_escape(&wire.name),
            link
        );
        Ok((truth, Files { exports, feed }))
    }
}

/// The wire's way of naming an attack's day: "on Tuesday", "late on
/// Tuesday", "on Tuesday night", "on Tuesday morning".
fn wire_when(at: NaiveDateTime, rng: &mut Rng, data: &Data) -> String {
    let wd = &data.en.weekdays[weekday_index(at.date())];
    let mut options = vec![format!("on {wd}")];
    let h = at.hour();
    if h >= 20 {
        options.push(format!("late on {wd}"));
    }
    if h >= 19 {
        options.push(format!("on {wd} night"));
    }
    if h < 12 {
        options.push(format!("on {wd} morning"));
    }
    rng.pick(&options).clone()
}

/// The first letter lower-cased, unless the first word is an acronym
/// ("SDF") or a figure.
fn lower_first(s: &str) -> String {
    let first = s.split(' ').next().unwrap_or("");
    let acronym = first.chars().count() > 1 && first.chars().all(|c| c.is_ascii_uppercase());
    if acronym || first.starts_with(|c: char| c.is_ascii_digit()) {
        return s.to_string();
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// A message's `text` as Telegram exports it (a string, or an array of
/// strings and entities when it holds hashtags or a bold header) and its
/// `text_entities`.
fn telegram_text(text: &str, bold_header: bool) -> (Value, Value) {
    let mut parts: Vec<(&str, String)> = Vec::new();
    let mut rest = text;
    let mut plain = String::new();
    if bold_header && !text.starts_with('#') {
        if let Some((head, tail)) = text.split_once('\n') {
            parts.push(("bold", head.to_string()));
            plain.push('\n');
            rest = tail;
        }
    }
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let after_space = i == 0 || rest[..i].ends_with(char::is_whitespace);
        if c == '#' && after_space {
            let end = rest[i..]
                .find(char::is_whitespace)
                .map_or(rest.len(), |e| i + e);
            if end > i + 1 {
                if !plain.is_empty() {
                    parts.push(("plain", std::mem::take(&mut plain)));
                }
                parts.push(("hashtag", rest[i..end].to_string()));
                while chars.peek().is_some_and(|(j, _)| *j < end) {
                    chars.next();
                }
                continue;
            }
        }
        plain.push(c);
    }
    if !plain.is_empty() {
        parts.push(("plain", plain));
    }
    let entities: Vec<Value> = parts
        .iter()
        .map(|(t, s)| json!({"type": t, "text": s}))
        .collect();
    let text_value = if parts.iter().all(|(t, _)| *t == "plain") {
        json!(text)
    } else {
        Value::Array(
            parts
                .iter()
                .map(|(t, s)| {
                    if *t == "plain" {
                        json!(s)
                    } else {
                        json!({"type": t, "text": s})
                    }
                })
                .collect(),
        )
    };
    (text_value, Value::Array(entities))
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Writes the exports, the feed, sources.toml and truth.json into `out`.
fn write_files(
    out: &Path,
    truth: &Truth,
    files: &Files,
    data: &Data,
    opts: &Options,
) -> Result<()> {
    let ch = &data.stream.channels;
    for (chan, export) in &files.exports {
        let c = match chan {
            Chan::Official => &ch.official,
            Chan::Supporter => &ch.supporter,
            Chan::Translation => &ch.translation,
            Chan::Wire => continue,
        };
        let dir = out.join(&c.dir);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = dir.join("result.json");
        std::fs::write(&path, serde_json::to_string_pretty(export)? + "\n")
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let dir = out.join(&ch.wire.dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(dir.join("feed.rss"), &files.feed).context("writing the feed")?;
    let mut sources = String::from(
        "# The stream's sources, for `vigil source import`. Written by\n# `vigil-bench claimstream`.\n",
    );
    for (key, c) in [
        ("official", &ch.official),
        ("supporter", &ch.supporter),
        ("translation", &ch.translation),
        ("wire", &ch.wire),
    ] {
        let unknown = key == "official" && opts.unknown_source;
        let kind = if unknown { "other" } else { c.kind.as_str() };
        sources.push_str(&format!(
            "\n[[source]]\nname = {}\nkind = \"{kind}\"\n",
            toml_str(&c.name)
        ));
        if let (false, Some(a)) = (unknown, &c.affiliation) {
            sources.push_str(&format!("affiliation = {}\n", toml_str(a)));
        }
        let langs: Vec<String> = c.languages.iter().map(|l| toml_str(l)).collect();
        sources.push_str(&format!("languages = [{}]\n", langs.join(", ")));
        let url = match (&c.username, &c.link) {
            (Some(u), _) => Some(format!("https://t.me/{u}")),
            (None, Some(l)) => Some(l.clone()),
            _ => None,
        };
        if let Some(u) = url {
            sources.push_str(&format!("url = {}\n", toml_str(&u)));
        }
    }
    std::fs::write(out.join("sources.toml"), sources).context("writing sources.toml")?;
    std::fs::write(
        out.join("truth.json"),
        serde_json::to_string_pretty(truth)? + "\n",
    )
    .context("writing truth.json")?;
    Ok(())
}

fn toml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claimstream::render::fill;
    use std::collections::HashSet;

    fn opts(seed: u64, weeks: &[u32], holdout: bool) -> Options {
        Options {
            seed,
            weeks: weeks.to_vec(),
            start: NaiveDate::from_ymd_opt(2019, 9, 18).unwrap(),
            holdout,
            unknown_source: false,
        }
    }

    #[test]
    fn every_template_renders_for_every_outcome() {
        let data = Data::bundled().unwrap();
        let places = candidates(Gazetteer::bundled(), &data);
        let o = opts(1, &[1], false);
        let g = Gen {
            data: &data,
            opts: &o,
            rng: Rng::new(1),
            house: 7,
            places: places.clone(),
            posts: Vec::new(),
        };
        for t in &data.stream.target {
            let place = places
                .iter()
                .find(|p| {
                    let pr = &data.stream.province[p.province];
                    (t.provinces.is_empty() || t.provinces.iter().any(|n| pr.gazetteer.contains(n)))
                        && (!pr.banks || p.left_bank == (t.side == "left"))
                })
                .unwrap();
            for kind in &data.stream.kind {
                for out in &kind.outcomes {
                    // The smallest and the largest figures of the outcome.
                    for end in [0, 1] {
                        let fig = |r: Option<[u32; 2]>| r.map(|r| r[end]);
                        let a = Planned {
                            place: place.clone(),
                            target: t.key.clone(),
                            kind: kind.key.clone(),
                            outcome: out.key.clone(),
                            killed: fig(out.killed),
                            injured: fig(out.injured),
                            combined: fig(out.combined),
                            abducted: fig(out.abducted),
                            family: 0,
                            at: o.start.and_time(time(20, 0)),
                            delay: Delay::SameDay,
                            style: 3,
                            twin_of: None,
                            boundary: false,
                        };
                        let at = format!("{} {}.{} {end}", t.key, kind.key, out.key);
                        let mut rng = Rng::new(5);
                        let mut ar = g.ar_slots(&a, &mut rng);
                        ar.insert("when".into(), " يوم الخميس".into());
                        ar.insert("day".into(), "الخميس 18 صفر".into());
                        for f in data.ar.family.iter().filter(|f| f.kind == kind.key) {
                            for tpl in &f.outcomes[&out.key] {
                                fill(tpl, &ar)
                                    .unwrap_or_else(|s| panic!("{}: {{{s}}} in {at}", f.name));
                            }
                        }
                        let pair = format!("{}.{}", kind.key, out.key);
                        for f in &data.ar.newsletter {
                            let acts = f
                                .actions
                                .get(&pair)
                                .or_else(|| f.actions.get(&kind.key))
                                .unwrap();
                            let ress = f
                                .results
                                .get(&pair)
                                .or_else(|| f.results.get(&out.key))
                                .unwrap();
                            for tpl in acts.iter().chain(ress) {
                                fill(tpl, &ar)
                                    .unwrap_or_else(|s| panic!("{}: {{{s}}} in {at}", f.name));
                            }
                        }
                        let mut en = g.en_slots(&a, &mut rng, false);
                        en.insert("when_en".into(), " on Thursday".into());
                        for f in &data.en.family {
                            let acts = f
                                .actions
                                .get(&pair)
                                .or_else(|| f.actions.get(&kind.key))
                                .unwrap();
                            let ress = f
                                .results
                                .get(&pair)
                                .or_else(|| f.results.get(&out.key))
                                .unwrap();
                            for tpl in acts.iter().chain(ress) {
                                fill(tpl, &en)
                                    .unwrap_or_else(|s| panic!("{}: {{{s}}} in {at}", f.name));
                            }
                            en.insert("action".into(), "x".into());
                            en.insert("result".into(), "y".into());
                            for tpl in &f.frames {
                                fill(tpl, &en)
                                    .unwrap_or_else(|s| panic!("{}: {{{s}}} in {at}", f.name));
                            }
                        }
                        let mut wire = g.en_slots(&a, &mut rng, true);
                        wire.insert("when_en".into(), "on Thursday".into());
                        wire.insert("source".into(), String::new());
                        for f in &data.wire.family {
                            let leads = f
                                .leads
                                .get(&pair)
                                .or_else(|| f.leads.get(&kind.key))
                                .unwrap();
                            let titles = f
                                .titles
                                .get(&pair)
                                .or_else(|| f.titles.get(&kind.key))
                                .unwrap();
                            for tpl in leads.iter().chain(titles) {
                                fill(tpl, &wire)
                                    .unwrap_or_else(|s| panic!("{}: {{{s}}} in {at}", f.name));
                            }
                            // Closing sentences may need a figure the
                            // attack lacks; one of each list must render.
                            for list in
                                [&f.relay_claim, &f.no_claim, &f.relay_both, &f.no_claim_both]
                            {
                                assert!(
                                    list.iter().any(|t| fill(t, &wire).is_ok()),
                                    "{}: {list:?} in {at}",
                                    f.name
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    /// Every stream keeps the truth's promises: the weekly counts, one
    /// claim per attack posted after it, dates that fit the post's day,
    /// forwards equal to their originals, twins word for word the same,
    /// newsletters after their week, files the readers accept.
    #[test]
    fn streams_keep_their_truth() {
        // (seed, weeks, held-out families)
        let cases: [(u64, &[u32], bool); 4] = [
            (1, &[10, 10, 10, 27], false),
            (2, &[5, 6, 4, 15, 5], false),
            (3, &[12, 12, 12, 12], true),
            (4, &[3, 0, 8], false),
        ];
        for (seed, weeks, holdout) in cases {
            let dir = tempfile::tempdir().unwrap();
            let o = opts(seed, weeks, holdout);
            let t = generate(&o, Gazetteer::bundled(), dir.path()).unwrap();
            let at = format!("seed {seed} {weeks:?}");
            assert_eq!(t.weekly_claimed, weeks, "{at}");
            let attacks: HashMap<&str, &Attack> =
                t.attacks.iter().map(|a| (a.id.as_str(), a)).collect();
            let docs: HashMap<&str, &Doc> =
                t.documents.iter().map(|d| (d.key.as_str(), d)).collect();
            let data = Data::bundled().unwrap();
            for a in &t.attacks {
                let claims: Vec<&&Doc> = docs
                    .values()
                    .filter(|d| d.kind == DocKind::Claim && d.attacks == [a.id.clone()])
                    .collect();
                assert_eq!(claims.len(), 1, "{at}: claims of {}", a.id);
                let fam = data
                    .ar
                    .family
                    .iter()
                    .find(|f| f.name == a.claim_family)
                    .unwrap();
                assert_eq!(fam.holdout, holdout, "{at}: {}", a.id);
                if let Some(twin) = &a.same_text_as {
                    let other = docs
                        .values()
                        .find(|d| d.kind == DocKind::Claim && d.attacks == [twin.clone()])
                        .unwrap();
                    assert_eq!(claims[0].text, other.text, "{at}: twins {} {twin}", a.id);
                    assert_ne!(a.day, attacks[twin.as_str()].day, "{at}: twins on one day");
                }
            }
            assert!(
                t.attacks.iter().any(|a| a.same_text_as.is_some()),
                "{at}: no repeated text"
            );
            for d in &t.documents {
                let first = d
                    .attacks
                    .iter()
                    .map(|a| attacks[a.as_str()])
                    .min_by_key(|a| a.day);
                if let Some(a) = first {
                    assert!(
                        d.published_local.date() >= a.day,
                        "{at}: {} before its attack",
                        d.key
                    );
                }
                if let (Some(w), [a]) = (d.when, d.attacks.as_slice()) {
                    let a = attacks[a.as_str()];
                    let delta = (d.published_local.date() - a.day).num_days();
                    let hour: u32 = a.local_time[..2].parse().unwrap();
                    assert!(
                        w.fits(delta, hour),
                        "{at}: {} says {w:?} {delta} days after",
                        d.key
                    );
                }
                if let Some(o) = &d.original {
                    let orig = docs[o.as_str()];
                    if d.kind == DocKind::Forward {
                        assert_eq!(d.text, orig.text, "{at}: {}", d.key);
                    } else {
                        assert!(
                            d.text.contains(&orig.text) && d.text != orig.text,
                            "{at}: {}",
                            d.key
                        );
                    }
                }
                if d.kind == DocKind::Newsletter {
                    for a in &d.attacks {
                        assert!(
                            attacks[a.as_str()].week_start + Duration::days(7)
                                <= d.published_local.date(),
                            "{at}: {}",
                            d.key
                        );
                    }
                }
                if let (
                    Some(f),
                    DocKind::Claim | DocKind::Newsletter | DocKind::Translation | DocKind::Wire,
                ) = (&d.family, d.kind)
                {
                    let held = data
                        .ar
                        .family
                        .iter()
                        .map(|x| (&x.name, x.holdout))
                        .chain(data.ar.newsletter.iter().map(|x| (&x.name, x.holdout)))
                        .chain(data.en.family.iter().map(|x| (&x.name, x.holdout)))
                        .chain(data.wire.family.iter().map(|x| (&x.name, x.holdout)))
                        .find(|(n, _)| *n == f)
                        .map(|(_, h)| h);
                    assert_eq!(held, Some(holdout), "{at}: {} from family {f}", d.key);
                }
            }
            // The readers take every file and find every document.
            let mut found: HashMap<String, usize> = HashMap::new();
            let mut ids: HashSet<(String, String)> = HashSet::new();
            // An address names one post (a copy is the same address again).
            let mut urls: HashSet<String> = HashSet::new();
            for c in &t.channels {
                let path = dir.path().join(&c.file);
                vigil_ingest::read_file(
                    &path,
                    None,
                    &vigil_ingest::ReadOptions::default(),
                    &mut |item| match item {
                        vigil_ingest::Item::Document(doc) => {
                            *found.entry(c.file.clone()).or_default() += 1;
                            let url = doc.url.clone().expect("every post has an address");
                            assert!(urls.insert(url.clone()), "{at}: {url} twice");
                            ids.insert((c.name.clone(), doc.external_id.unwrap_or_default()));
                        }
                        vigil_ingest::Item::Rejected { reason, .. } => {
                            panic!("{at}: {} rejected: {reason}", c.file)
                        }
                        _ => {}
                    },
                )
                .unwrap_or_else(|e| panic!("{at}: {e}"));
            }
            for d in &t.documents {
                assert!(
                    ids.contains(&(d.source.clone(), d.id.clone())),
                    "{at}: {} not read",
                    d.key
                );
            }
            assert_eq!(found.values().sum::<usize>(), t.documents.len(), "{at}");
        }
    }

    #[test]
    fn a_seed_writes_the_same_stream() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let o = opts(11, &[4, 4, 9], false);
        generate(&o, Gazetteer::bundled(), a.path()).unwrap();
        generate(&o, Gazetteer::bundled(), b.path()).unwrap();
        for f in [
            "official/result.json",
            "supporter/result.json",
            "translation/result.json",
            "wire/feed.rss",
            "sources.toml",
            "truth.json",
        ] {
            let x = std::fs::read(a.path().join(f)).unwrap();
            let y = std::fs::read(b.path().join(f)).unwrap();
            assert!(x == y, "{f} differs between two runs of one seed");
        }
    }

    #[test]
    fn telegram_text_shapes() {
        // (text, bold header, expected `text` JSON)
        let cases = [
            ("plain text", false, json!("plain text")),
            (
                "#ولاية_الخير\nنص",
                true,
                json!([{"type": "hashtag", "text": "#ولاية_الخير"}, "\nنص"]),
            ),
            (
                "ولاية الخير\nنص",
                true,
                json!([{"type": "bold", "text": "ولاية الخير"}, "\nنص"]),
            ),
            (
                "a #b c",
                false,
                json!(["a ", {"type": "hashtag", "text": "#b"}, " c"]),
            ),
            ("a#b", false, json!("a#b")),
        ];
        for (text, bold, want) in cases {
            let (got, entities) = telegram_text(text, bold);
            assert_eq!(got, want, "{text}");
            let joined: String = entities
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["text"].as_str().unwrap())
                .collect();
            assert_eq!(joined, text, "entities of {text}");
        }
    }
}
