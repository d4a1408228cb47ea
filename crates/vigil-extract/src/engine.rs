//! The extractor: a document and the knowledge base in, event reports out.
//!
//! 1. Normalize, tokenize, split sentences; find dates (and mask their
//!    numbers) and places over the whole document.
//! 2. Sentences holding an event trigger are event sentences. The document
//!    is cut into segments, one per event: a new segment starts at an event
//!    sentence that names a place of its own, far from the current
//!    segment's, and states its own toll or date; other sentences join the
//!    segment before them (the first ones join the first segment).
//! 3. Each segment is classified and read for counts, roles, date, place
//!    and claim status, every field with the span that supports it.

use foldhash::HashSet;

use chrono::NaiveDate;
use vigil_geo::{haversine_km, Gazetteer, PlaceIdx};
use vigil_model::{
    ActorRef, AttackMode, ClaimStatus, Count, Counts, DatePrecision, DocumentId, EventDate,
    EventReport, EventType, Evidence, GeoPrecision, Lang, Place, ReportId, SourceKind, Span,
    SubEventType,
};

use crate::actors::{roles, RoleMention};
use crate::classify::{attack_mode, candidates, classify, weapon, Classification};
use crate::counts::{self, CountMention};
use crate::dates::DateMention;
use crate::kb::{Class, Kb, Outcome};
use crate::places::{self, PlaceMention};
use crate::text::Text;

/// What the extractor knows about a document besides its text.
#[derive(Debug, Clone, Default)]
pub struct DocInput {
    /// The document's id (0 for a text not in the store).
    pub document_id: DocumentId,
    /// Its language, if known.
    pub lang: Option<Lang>,
    /// The day it was published: "on Thursday" is read from here.
    pub published: Option<NaiveDate>,
    /// The kind of its source.
    pub source_kind: Option<SourceKind>,
    /// The actor its source speaks for (a militant official outlet's
    /// group), by name or alias.
    pub affiliation: Option<String>,
    /// Countries the document is likely about (ISO codes), a weak prior
    /// for place names; the region's default when empty.
    pub countries: Vec<String>,
}

/// A report with the details that evaluation and debugging need beyond
/// the model's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Extraction {
    /// The event report.
    pub report: EventReport,
    /// The RAND weapon class.
    pub weapon: String,
    /// The CASE 2021 code of the class.
    pub case2021: String,
    /// Perpetrator actor keys.
    pub perpetrator_keys: Vec<String>,
}

/// The extraction engine.
#[derive(Debug, Clone, Copy)]
pub struct Extractor {
    kb: &'static Kb,
    gaz: &'static Gazetteer,
}

impl Default for Extractor {
    fn default() -> Self {
        Extractor::new()
    }
}

/// The region's countries, the default prior for place names.
const REGION: &[&str] = &["SY", "IQ", "TR"];

/// An event dated more than this many days before its publication is
/// history the text recalls (a month's date may stand for its last day).
const HISTORY_DAYS: i64 = 60;

impl Extractor {
    /// The engine over the bundled knowledge base and gazetteer.
    pub fn new() -> Extractor {
        Extractor {
            kb: Kb::bundled(),
            gaz: Gazetteer::bundled(),
        }
    }

    /// The engine over the bundled knowledge base and another gazetteer
    /// (one imported by `vigil gazetteer import`).
    pub fn with_gazetteer(gaz: &'static Gazetteer) -> Extractor {
        Extractor {
            kb: Kb::bundled(),
            gaz,
        }
    }

    /// The same engine over another knowledge base (an edited copy of
    /// `data/kb/`, loaded with [`crate::kb::KbFiles::from_dir`]).
    pub fn with_kb(self, kb: &'static Kb) -> Extractor {
        Extractor { kb, ..self }
    }

    /// The knowledge base in use.
    pub fn kb(&self) -> &'static Kb {
        self.kb
    }

    /// The gazetteer in use.
    pub fn gazetteer(&self) -> &'static Gazetteer {
        self.gaz
    }

    /// Event reports of one document.
    pub fn extract(&self, text: &str, doc: &DocInput) -> Vec<EventReport> {
        self.extract_detailed(text, doc)
            .into_iter()
            .map(|e| e.report)
            .collect()
    }

    /// The places named in a text, resolved: (span in chars, chosen place,
    /// every candidate), for toponym evaluation and the map.
    pub fn places(&self, text: &str, doc: &DocInput) -> Vec<(Span, PlaceIdx, Vec<PlaceIdx>)> {
        let t = Text::new(text);
        let ctx = self.context(doc);
        let forces = self.forces(&t, self.voice_of(&t, doc));
        places::find(self.gaz, &t, 0..t.tokens.len(), &ctx, &forces)
            .into_iter()
            .map(|m| (t.span(m.start, m.end), m.place, m.candidates))
            .collect()
    }

    /// Whose claims the text carries: the group an official outlet speaks
    /// for, else the group whose own voice the text is (its names for
    /// itself, its opening formula), whoever relays it.
    fn voice_of(&self, t: &Text<'_>, doc: &DocInput) -> Option<usize> {
        match doc.source_kind {
            Some(SourceKind::MilitantOfficial | SourceKind::MilitantSupporter) => doc
                .affiliation
                .as_deref()
                .and_then(|a| self.kb.resolve_actor(a)),
            _ => None,
        }
        .or_else(|| self.kb.claims.voice(t).map(|(actor, _)| actor))
    }

    fn context(&self, doc: &DocInput) -> Vec<String> {
        if doc.countries.is_empty() {
            REGION.iter().map(|s| s.to_string()).collect()
        } else {
            doc.countries.clone()
        }
    }

    /// What the forces a text names say of where its villages lie: the
    /// countries of those of one country only ("the SDF" → Syria,
    /// "Peshmerga" → Iraq), and the provinces where they fight.
    ///
    /// In `voice`'s own texts a name may stand for another force (the
    /// Islamic State's "PKK" is the SDF in Syria): that force's theatre
    /// in those countries counts too, and no country is inferred from
    /// the reading (the name may still mean itself elsewhere).
    fn forces(&self, t: &Text<'_>, voice: Option<usize>) -> places::Forces {
        let mut out = places::Forces::default();
        for h in self.kb.actor_names.find(t, 0..t.tokens.len()) {
            let actor = &self.kb.actors[*h.value];
            if let [c] = actor.countries.as_slice() {
                if !out.countries.contains(c) {
                    out.countries.push(c.clone());
                }
            }
            let Some(sentence) = t.sentences.iter().find(|s| s.contains(&h.start)) else {
                continue;
            };
            let meant = voice
                .into_iter()
                .flat_map(|v| self.kb.claims.voice_meanings(v, *h.value))
                .map(|(a, cs)| (&self.kb.actors[a], cs));
            for (force, countries) in
                std::iter::once((actor, actor.countries.as_slice())).chain(meant)
            {
                if force.provinces.is_empty() {
                    continue;
                }
                // Checked by `vigil kb check`: a name that is no province
                // leaves the theatre to the others.
                for (c, p) in places::provinces_named(self.gaz, &force.provinces, &force.countries)
                    .unwrap_or_default()
                {
                    let entry = (sentence.clone(), c, p);
                    if countries.contains(&entry.1) && !out.theatre.contains(&entry) {
                        out.theatre.push(entry);
                    }
                }
            }
        }
        out
    }

    /// Event reports with evaluation details.
    pub fn extract_detailed(&self, text: &str, doc: &DocInput) -> Vec<Extraction> {
        let kb = self.kb;
        let t = Text::new(text);
        if t.tokens.is_empty() {
            return Vec::new();
        }
        let reference = doc
            .published
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default());
        let all = 0..t.tokens.len();
        let dates = kb.calendar.find(&t, all.clone(), reference);
        let masked: HashSet<usize> = dates.iter().flat_map(|d| d.start..d.end).collect();
        let source_actor = self.voice_of(&t, doc);
        let forces = self.forces(&t, source_actor);
        let place_mentions = places::find(self.gaz, &t, all, &self.context(doc), &forces);
        // The words of a place's name of several words ("رجمة حبس", a
        // village) are not event words ("رجمة", stoning), as a date's are
        // not.
        let named: HashSet<usize> = place_mentions
            .iter()
            .filter(|m| m.end - m.start > 1 && places::is_local(self.gaz.place(m.place).kind))
            .flat_map(|m| m.start..m.end)
            .collect();
        // "vowed to attack", "هدد باستهداف": what a side says it will do is
        // no event; the attack words after such words in their sentence
        // tell none.
        let intents: Vec<usize> = kb
            .context
            .find(&t, 0..t.tokens.len())
            .iter()
            .filter(|h| h.value.has(crate::kb::Context::Intent))
            .map(|h| h.end)
            .collect();
        let intended = |i: usize| {
            intents
                .iter()
                .any(|&e| e <= i && t.sentence_of(e.saturating_sub(1)) == t.sentence_of(i))
        };
        let unnamed = |i: usize| !masked.contains(&i) && !named.contains(&i) && !intended(i);

        // "A rise in attacks", "تصاعد الهجمات": attacks counted over time.
        let trends: Vec<usize> = kb
            .context
            .find(&t, 0..t.tokens.len())
            .iter()
            .filter(|h| h.value.has(crate::kb::Context::Trend))
            .map(|h| h.end)
            .collect();
        let trend = |k: usize| trends.iter().any(|&e| e <= k && k <= e + 1);
        // An attack word with a concrete object ("استهدفوا دورية للجيش",
        // "attacked a checkpoint"), or a blast that hurt people ("a blast
        // wounded six"): an event, even where the text names only the
        // province and no day.
        let concrete = |r: &std::ops::Range<usize>| {
            kb.context.find(&t, r.clone()).iter().any(|h| {
                h.value.has(crate::kb::Context::GenericAttack)
                    && !trend(h.start)
                    && unnamed(h.start)
                    && kb.claims.object_after(&t, r, h.end)
            }) || (kb
                .weak_triggers
                .find(&t, r.clone())
                .iter()
                .any(|h| unnamed(h.start))
                && !kb.count_cues.find(&t, r.clone()).is_empty())
        };
        // Event sentences: those with a trigger of an ACLED class.
        let event_sentence: Vec<bool> = t
            .sentences
            .iter()
            .map(|r| {
                concrete(r)
                    || kb.sub_event_triggers
                    .find(&t, r.clone())
                    .iter()
                    // (Not a word of a date: "in March 2019" is no march.)
                    .any(|h| matches!(h.value, Class::Acled(_)) && unnamed(h.start))
                    // "its members attacked a checkpoint", "قتل عنصرا":
                    // attack verbs silent about the type still report an
                    // event (the classifier decides which) when the
                    // sentence also says where or with what toll; "attacks
                    // on the SDF rose" in an analysis does not.
                    || (kb
                        .context
                        .find(&t, r.clone())
                        .iter()
                        .any(|h| {
                            h.value.has(crate::kb::Context::GenericAttack)
                                && !trend(h.start)
                                && unnamed(h.start)
                        })
                        && (!kb.count_cues.find(&t, r.clone()).is_empty()
                            || place_mentions.iter().any(|m| {
                                r.contains(&m.start) && places::is_local(self.gaz.place(m.place).kind)
                            })))
            })
            .collect();
        if !event_sentence.iter().any(|&e| e) {
            return Vec::new();
        }
        let segments = self.segments(&t, &event_sentence, &place_mentions, &dates, &masked);

        let mut out = Vec::new();
        for seg in segments {
            let sents: Vec<std::ops::Range<usize>> =
                seg.iter().map(|&s| t.sentences[s].clone()).collect();
            // Every class the rules found a trigger for, best first.
            let found = candidates(kb, &t, &sents, false, &unnamed);
            let Some(mut class) = found.first().cloned() else {
                continue;
            };
            let acled: Vec<&Classification> = found
                .iter()
                .filter(|c| matches!(c.class, Class::Acled(_)))
                .collect();
            // A claim of responsibility ("attribution", outside ACLED)
            // that also tells what was done and to whom reports the
            // attack it claims.
            if matches!(class.class, Class::Outside(_))
                && sents
                    .iter()
                    .any(|r| !kb.count_cues.find(&t, r.clone()).is_empty())
            {
                if let Some(&best) = acled.first() {
                    class = best.clone();
                }
            }
            // Among the ACLED classes the rules found a trigger for, the
            // model reads the whole segment and may prefer another than the
            // rules' own: that class's trigger is then the evidence. (A
            // passage the rules put outside ACLED stays outside.) Only in
            // a passage of one short report, as the model learned from
            // (news snippets of a few hundred characters): a longer one
            // tells of several acts, and its words are not one event's.
            let passage: Vec<&str> = sents
                .iter()
                .map(|r| t.original_of(r.start, r.end))
                .collect();
            let passage = passage.join(" ");
            if matches!(class.class, Class::Acled(_))
                && acled.len() > 1
                && passage.chars().count() <= MODEL_PASSAGE_CHARS
            {
                let allowed: Vec<Class> = acled.iter().map(|c| c.class).collect();
                if let Some((chosen, _)) =
                    kb.event_model
                        .choose(&passage, Some(class.class), Some(&allowed))
                {
                    if let Some(&c) = acled.iter().find(|c| c.class == chosen) {
                        class = c.clone();
                    }
                }
            }
            let Class::Acled(sub) = class.class else {
                continue;
            };
            // An event happens somewhere, some day, to someone: a passage
            // with no town, no date and no toll is analysis ("people in
            // custody", "attacks rose"), not a report of an event.
            let in_seg = |i: usize| sents.iter().any(|r| r.contains(&i));
            let specific = place_mentions
                .iter()
                .any(|m| in_seg(m.start) && places::is_local(self.gaz.place(m.place).kind))
                || dates.iter().any(|d| in_seg(d.start))
                || sents
                    .iter()
                    .any(|r| !counts::find(kb, &t, r.clone(), &masked).is_empty())
                || sents.iter().any(concrete);
            if !specific {
                continue;
            }
            out.push(self.report(
                &t,
                doc,
                &seg,
                &sents,
                sub,
                &class,
                &dates,
                &masked,
                &unnamed,
                &place_mentions,
                source_actor,
                reference,
            ));
        }
        out
    }

    /// Cuts the document into event segments (lists of sentence indexes).
    fn segments(
        &self,
        t: &Text<'_>,
        event_sentence: &[bool],
        place_mentions: &[PlaceMention],
        dates: &[DateMention],
        masked: &HashSet<usize>,
    ) -> Vec<Vec<usize>> {
        let local_place_of = |s: usize| {
            let r = &t.sentences[s];
            place_mentions
                .iter()
                .filter(|m| r.contains(&m.start) && places::is_local(self.gaz.place(m.place).kind))
                .map(|m| m.place)
                .next()
        };
        let mut segments: Vec<Vec<usize>> = Vec::new();
        let mut seg_place = None;
        let mut leading: Vec<usize> = Vec::new();
        for (s, &is_event) in event_sentence.iter().enumerate() {
            if !is_event {
                // An item of a list that tells no event read as one is
                // not part of the item before it.
                match segments.last_mut() {
                    Some(_) if list_item(t, s) => {
                        segments.push(vec![s]);
                        seg_place = None;
                    }
                    Some(seg) => seg.push(s),
                    None => leading.push(s),
                }
                continue;
            }
            let place = local_place_of(s);
            let r = t.sentences[s].clone();
            let own_toll = !counts::find(self.kb, t, r.clone(), masked).is_empty();
            let own_date = dates.iter().any(|d| r.contains(&d.start));
            let far = match (place, seg_place) {
                (Some(a), Some(b)) => {
                    let (pa, pb) = (self.gaz.place(a), self.gaz.place(b));
                    haversine_km(pa.lat, pa.lon, pb.lat, pb.lon) > 25.0
                }
                _ => false,
            };
            // An item of a list ("١- تفجير عبوة …", "* al-Khayr: IED on
            // …", "2. …") is an event of its own, wherever it happened; so
            // is one told after "Separately," or "وفي هجوم آخر".
            if segments.is_empty()
                || (far && (own_toll || own_date))
                || list_item(t, s)
                || another_event(self.kb, t, s)
            {
                let mut seg = std::mem::take(&mut leading);
                seg.push(s);
                segments.push(seg);
                seg_place = place;
            } else if let Some(seg) = segments.last_mut() {
                seg.push(s);
                if seg_place.is_none() {
                    seg_place = place;
                }
            }
        }
        if let (Some(first), false) = (segments.first_mut(), leading.is_empty()) {
            first.extend(leading);
        }
        // A title told alone ("Gunmen attack SDF checkpoint in Syria's
        // Deir ez-Zor", a claim's headline) names the event its text then
        // tells: not an event of its own when the text goes on to tell one.
        if segments.len() > 1
            && segments[0]
                .iter()
                .filter(|&&s| event_sentence[s])
                .all(|&s| is_title(t, s))
        {
            segments.remove(0);
        }
        segments
    }

    #[allow(clippy::too_many_arguments)]
    fn report(
        &self,
        t: &Text<'_>,
        doc: &DocInput,
        seg: &[usize],
        sents: &[std::ops::Range<usize>],
        sub: SubEventType,
        class: &Classification,
        dates: &[DateMention],
        masked: &HashSet<usize>,
        word: &dyn Fn(usize) -> bool,
        place_mentions: &[PlaceMention],
        source_actor: Option<usize>,
        reference: NaiveDate,
    ) -> Extraction {
        let kb = self.kb;
        let mut evidence = Vec::new();
        let mut cite = |field: &str, a: usize, b: usize| {
            if b > a {
                evidence.push(Evidence {
                    field: field.to_string(),
                    span: t.span(a, b),
                    sentence: t.sentence_span(t.sentence_of(a)),
                    note: None,
                });
            }
        };
        cite("event_type", class.evidence.0, class.evidence.1);

        let mut mode = attack_mode(kb, t, sents, word);
        if let Some((_, (a, b))) = mode {
            cite("attack_mode", a, b);
        }
        let (weapon_class, weapon_span) = weapon(kb, t, sents, mode.map(|m| m.0), word);
        if let Some((a, b)) = weapon_span {
            cite("weapon", a, b);
        }

        // Counts: per outcome, the first figure of the segment plus those
        // that add to it (see `counts::tally`).
        let mut found: Vec<CountMention> = Vec::new();
        for r in sents {
            found.extend(counts::find(kb, t, r.clone(), masked));
        }
        found.sort_by_key(|m| m.start);
        let mut counts = Counts::default();
        for m in counts::tally(t, sents, &found) {
            let (field, slot) = match m.outcome {
                Outcome::Killed => ("killed", &mut counts.killed),
                Outcome::Injured => ("injured", &mut counts.injured),
                Outcome::Abducted => ("abducted", &mut counts.abducted),
                Outcome::Freed => ("freed", &mut counts.freed),
            };
            cite(field, m.start, m.end);
            *slot = Some(Count {
                value: m.count.value,
                exactness: m.count.exactness,
            });
        }

        // No word names the mode of a violent event: what the rest of the
        // passage implies (shooting one person is an assassination, an
        // attack on a post an armed assault).
        let violent = matches!(
            sub.event_type(),
            EventType::Battles | EventType::ViolenceAgainstCivilians
        );
        if mode.is_none() && violent {
            let one = |c: Option<Count>| c.is_some_and(|c| c.value == 1);
            let none = |c: Option<Count>| c.is_none_or(|c| c.value == 0);
            let one_victim = (one(counts.killed) && none(counts.injured))
                || (none(counts.killed) && (one(counts.injured) || one(counts.abducted)));
            let killing = found
                .iter()
                .find(|m| m.outcome == Outcome::Killed)
                .map(|m| (m.start, m.end));
            let attack = sents.iter().find_map(|r| {
                kb.context
                    .find(t, r.clone())
                    .into_iter()
                    .find(|h| h.value.has(crate::kb::Context::GenericAttack))
                    .map(|h| (h.start, h.end))
            });
            mode = kb.claims.infer_mode(t, sents, one_victim, killing, attack);
            if let Some((_, (a, b))) = mode {
                cite("attack_mode", a, b);
            }
        }

        // What the language implies when the text gives no figure: an
        // assassination kills one, unless it was only attempted.
        let attempt = kb.claims.attempt(t, sents);
        // (Not when the text gives other tolls: "wounding him" says he
        // survived.)
        let other_toll = counts.injured.is_some() || counts.abducted.is_some();
        if let (None, Some((m, (a, b))), None, false) = (counts.killed, mode, attempt, other_toll) {
            if let Some(k) = kb.claims.implied_killed(m) {
                cite("killed", a, b);
                counts.killed = Some(Count {
                    value: k,
                    exactness: vigil_model::CountExactness::Exact,
                });
            }
        }

        // Date: the date in the event sentences nearest the trigger (a
        // byline's date may share the first sentence when a page's header
        // runs into its text, so a byline's date counts only when no other
        // date is given), else the publication day.
        let in_seg = |i: usize| seg.iter().any(|&s| t.sentences[s].contains(&i));
        let trigger = class.evidence.0;
        let candidates: Vec<&DateMention> = dates
            .iter()
            .filter(|d| sents.iter().any(|r| r.contains(&d.start)) && in_seg(d.start))
            .collect();
        let in_body = candidates.iter().any(|d| !is_byline(t, d));
        let date_mention = candidates
            .into_iter()
            .filter(|d| !(in_body && is_byline(t, d)))
            .min_by_key(|d| d.start.abs_diff(trigger));

        // The group's own channel recalling an event of months before
        // ("its loss of al-Baghuz in March 2019") tells history, not a
        // claim: its voice claims only what is news.
        let history = date_mention
            .zip(doc.published)
            .is_some_and(|(d, p)| (p - d.date.date).num_days() > HISTORY_DAYS);
        let source_actor = source_actor.filter(|_| !history);
        let bare = kb.claims.bare_applies(&self.context(doc), doc.published);
        let roles = roles(kb, t, sents, source_actor, bare);
        let actor_ref = |m: &RoleMention| ActorRef {
            canonical: Some(kb.actors[m.actor].name.clone()),
            mention: if m.end > m.start {
                t.original_of(m.start, m.end).to_string()
            } else {
                kb.actors[m.actor].name.clone()
            },
        };
        for m in &roles.perpetrators {
            cite("perpetrator", m.start, m.end);
        }
        for m in &roles.targets {
            cite("target", m.start, m.end);
        }
        let claim_status = match roles.claim {
            Some((s, (a, b))) => {
                cite("claim_status", a, b);
                s
            }
            None => ClaimStatus::Reported,
        };
        let attribution = roles.attribution.as_ref().map(|(s, (a, b))| {
            cite("attribution", *a, *b);
            s.clone()
        });

        let date = date_mention
            .map(|d| {
                cite("date", d.start, d.end);
                d.date
            })
            .or_else(|| {
                doc.published.map(|p| EventDate {
                    date: p,
                    precision: DatePrecision::Day,
                })
            })
            .filter(|d| d.date > NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(reference));

        // Place: a local place introduced by a locative, else the first
        // local place, else the town of a facility ("Baghdad airport",
        // "Mosul University"), else a province or country.
        let seg_places: Vec<&PlaceMention> = place_mentions
            .iter()
            .filter(|m| in_seg(m.start) && !is_dateline(t, m))
            .collect();
        let kind = |m: &&PlaceMention| self.gaz.place(m.place).kind;
        let facility = || {
            places::facilities(self.gaz, t, sents, &self.context(doc))
                .into_iter()
                .find(|m| places::is_local(self.gaz.place(m.place).kind))
        };
        let chosen: Option<PlaceMention> = seg_places
            .iter()
            .find(|m| places::is_local(kind(m)) && (m.locative || m.relation_start.is_some()))
            .or_else(|| seg_places.iter().find(|m| places::is_local(kind(m))))
            .map(|m| (*m).clone())
            .or_else(facility)
            .or_else(|| {
                seg_places
                    .iter()
                    .find(|m| kind(m) == vigil_geo::PlaceKind::Province)
                    .or_else(|| seg_places.first())
                    .map(|m| (*m).clone())
            });
        // "In Deir ez-Zor, gunmen killed a fighter in Ar Rushdi", "in Deir
        // ez-Zor's Ar Rushdi village": the name of a city and of its
        // province, then a village of the province where the event was.
        // The name may mean the province; the village is the finer place.
        // (Not one someone came "from".)
        let chosen = chosen.map(|c| {
            let city = self.gaz.place(c.place);
            let province_too = c.candidates.iter().any(|&k| {
                let p = self.gaz.place(k);
                p.kind == vigil_geo::PlaceKind::Province
                    && p.country == city.country
                    && p.province == city.province
            });
            if city.kind != vigil_geo::PlaceKind::City || !province_too {
                return c;
            }
            seg_places
                .iter()
                .find(|m| {
                    let p = self.gaz.place(m.place);
                    matches!(
                        p.kind,
                        vigil_geo::PlaceKind::Village | vigil_geo::PlaceKind::Town
                    ) && (m.locative || m.relation_start.is_some() || m.kind_hint.is_some())
                        && !places::from_there(t, m)
                        && p.country == city.country
                        && p.province.is_some()
                        && p.province == city.province
                })
                .map_or(c, |m| (*m).clone())
        });
        // "in the Iraqi capital", "over the capital": the capital of the
        // country the report names, when it names no town.
        let national = chosen
            .as_ref()
            .is_none_or(|m| self.gaz.place(m.place).kind == vigil_geo::PlaceKind::Country);
        let chosen = match (
            national,
            places::capital_in(self.gaz, t, sents, &seg_places),
        ) {
            (true, Some(capital)) => Some(capital),
            _ => chosen,
        };
        let place = chosen.map(|m| {
            cite("place", m.relation_start.unwrap_or(m.start), m.end);
            let p = self.gaz.place(m.place);
            let precision = if places::is_local(p.kind) {
                m.precision
            } else {
                GeoPrecision::Region
            };
            Place {
                name: t.original_of(m.start, m.end).to_string(),
                gazetteer_name: (!p.name.is_empty()).then(|| p.name.clone()),
                geonames_id: (p.id > 0).then_some(p.id),
                lat: Some(p.lat),
                lon: Some(p.lon),
                province: p.province.clone(),
                country: Some(p.country.clone()),
                precision,
            }
        });

        // A generic enemy term ("المرتدين") is the holder of the place at
        // the time, where one force held it; else a target with no actor.
        // A name the group's own voice uses for another ("مرتدي PKK" in
        // its Syrian claims: the SDF).
        let country = place.as_ref().and_then(|p| p.country.as_deref());
        let read = |m: &RoleMention| RoleMention {
            actor: kb.claims.read_in_voice(source_actor, m.actor, country),
            ..*m
        };
        let mut targets: Vec<ActorRef> =
            roles.targets.iter().map(|m| actor_ref(&read(m))).collect();
        // "A policeman was shot dead", "قتل جندي": the force of the
        // country where it happened.
        if let (true, Some(country)) = (
            targets.is_empty(),
            place.as_ref().and_then(|p| p.country.as_deref()),
        ) {
            if let Some((actor, (a, b))) = kb.claims.force_target(t, sents, country, &kb.numbers) {
                cite("target", a, b);
                targets.push(ActorRef {
                    canonical: Some(kb.actors[actor].name.clone()),
                    mention: t.original_of(a, b).to_string(),
                });
            }
        }
        if let (true, Some((a, b))) = (targets.is_empty(), roles.generic_target) {
            let holder = place.as_ref().zip(date).and_then(|(p, d)| {
                kb.claims
                    .holder(p.country.as_deref()?, p.province.as_deref()?, d.date)
            });
            cite("target", a, b);
            targets.push(ActorRef {
                canonical: holder.map(|h| kb.actors[h].name.clone()),
                mention: t.original_of(a, b).to_string(),
            });
        }

        // A claim whose claimant the text names only by a bare word for one
        // group ("وهو ما تبناه التنظيم"), where and when that word stands
        // for it.
        let mut perpetrators: Vec<ActorRef> = roles.perpetrators.iter().map(actor_ref).collect();
        let mut perpetrator_keys: Vec<String> = roles
            .perpetrators
            .iter()
            .map(|m| kb.actors[m.actor].key.clone())
            .collect();
        if perpetrators.is_empty() && claim_status == ClaimStatus::Claimed {
            let country = place.as_ref().and_then(|p| p.country.as_deref());
            if let Some((actor, (a, b))) =
                kb.claims
                    .bare_reference(t, sents, country, date.map(|d| d.date))
            {
                cite("perpetrator", a, b);
                perpetrators.push(ActorRef {
                    canonical: Some(kb.actors[actor].name.clone()),
                    mention: t.original_of(a, b).to_string(),
                });
                perpetrator_keys.push(kb.actors[actor].key.clone());
            }
        }

        // The calendar of a Hijri date, on the date's evidence.
        if let Some(note) = date_mention.and_then(|d| d.note()) {
            for e in evidence.iter_mut().filter(|e| e.field == "date") {
                e.note = Some(note.clone());
            }
        }
        let report = EventReport {
            id: ReportId(0),
            document_id: doc.document_id,
            event_type: sub.event_type(),
            sub_event_type: sub,
            attack_mode: mode.map(|m| m.0).or(match sub.event_type() {
                EventType::Battles
                | EventType::ExplosionsRemoteViolence
                | EventType::ViolenceAgainstCivilians => Some(AttackMode::Unknown),
                _ => None,
            }),
            date,
            place,
            perpetrators,
            targets,
            counts,
            attribution,
            claim_status,
            evidence,
        };
        let case2021 = kb
            .sub_events
            .iter()
            .find(|s| s.key == sub.as_str())
            .map(|s| s.case2021.clone())
            .unwrap_or_default();
        Extraction {
            report,
            weapon: weapon_class,
            case2021,
            perpetrator_keys,
        }
    }

    /// The CASE 2021 code of the best class of a text, including the
    /// classes outside ACLED (for `vigil eval`): the rules' class and the
    /// event-type model's probabilities combined (`event_model`), so that
    /// a text no trigger speaks for still gets the model's class.
    pub fn case_code(&self, text: &str) -> Option<String> {
        let t = Text::new(text);
        let rules = classify(self.kb, &t, &t.sentences).map(|c| c.class);
        let class = self
            .kb
            .event_model
            .choose(text, rules, None)
            .map(|c| c.0)
            .or(rules)?;
        self.code_of(class)
    }

    /// The CASE 2021 code of the rules' class alone (no model): what the
    /// model's training script weighs the rules' vote by.
    pub fn case_code_rules(&self, text: &str) -> Option<String> {
        let t = Text::new(text);
        self.code_of(classify(self.kb, &t, &t.sentences)?.class)
    }

    /// The CASE 2021 code of the event-type model's class alone (no rules),
    /// for the benchmark's comparison.
    pub fn case_code_model(&self, text: &str) -> Option<String> {
        self.code_of(self.kb.event_model.choose(text, None, None)?.0)
    }

    /// The CASE 2021 code of a class.
    fn code_of(&self, class: Class) -> Option<String> {
        let key = match class {
            Class::Acled(s) => s.as_str().to_string(),
            Class::Outside(i) => self.kb.sub_events[i].key.clone(),
        };
        self.kb
            .sub_events
            .iter()
            .find(|s| s.key == key)
            .map(|s| s.case2021.clone())
    }
}

/// The longest passage, in characters, whose type the event-type model
/// may choose among the rules' candidates: about the length of the news
/// snippets it was trained on (most under 400).
const MODEL_PASSAGE_CHARS: usize = 400;

/// Whether sentence `s` opens with a list marker: a bullet ("*", "•",
/// "-") or a number followed by ".", ")", "-" or ":" ("١-", "2.").
fn list_item(t: &Text<'_>, s: usize) -> bool {
    let r = &t.sentences[s];
    let at = |k: usize| (k < r.end).then(|| (t.kind(k), t.tok(k)));
    match (at(r.start), at(r.start + 1)) {
        (Some((crate::text::Kind::Punct, "*" | "•" | "-" | "–" | "·")), Some(_)) => true,
        (Some((crate::text::Kind::Number, n)), Some((crate::text::Kind::Punct, p))) => {
            n.len() <= 2 && matches!(p, "." | ")" | "-" | ":" | "–")
        }
        _ => false,
    }
}

/// Whether sentence `s` opens with words that begin the telling of another
/// event ("Separately,", "وفي هجوم آخر").
fn another_event(kb: &Kb, t: &Text<'_>, s: usize) -> bool {
    let r = &t.sentences[s];
    kb.context
        .find(t, r.clone())
        .iter()
        .any(|h| h.start == r.start && h.value.has(crate::kb::Context::AnotherEvent))
}

/// Whether sentence `s` is a title: a line of its own, not a list's item,
/// ending without a full stop, with a blank line and more text after it.
fn is_title(t: &Text<'_>, s: usize) -> bool {
    let r = &t.sentences[s];
    if r.is_empty() || s + 1 >= t.sentences.len() || list_item(t, s) {
        return false;
    }
    let last = r.end - 1;
    let stop = t.kind(last) == crate::text::Kind::Punct
        && matches!(t.tok(last), "." | "!" | "?" | "؟" | "…");
    let next = t.sentences[s + 1].start;
    let (a, b) = (t.span(last, last + 1).end, t.span(next, next + 1).start);
    let between = t.original.get(t.byte_of(a)..t.byte_of(b)).unwrap_or("");
    !stop && between.matches('\n').count() >= 2
}

/// Whether a date opens a short line of its own, as a byline's does
/// ("2019-09-18 · Field monitoring team"): the day of publication, not of
/// the event.
fn is_byline(t: &Text<'_>, d: &DateMention) -> bool {
    let at = t.byte_of(t.span(d.start, d.end).start);
    let line_start = t.original[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = t.original[at..]
        .find('\n')
        .map_or(t.original.len(), |i| at + i);
    t.original[line_start..at].trim().is_empty()
        && t.original[line_start..line_end].chars().count() <= 80
}

/// A dateline ("BEIRUT —", "DAMASCUS (Reuters) -"): where the reporter
/// files from, not where the event happened. A name in capitals that opens
/// its sentence and is followed by a dash, a bracket or a comma.
fn is_dateline(t: &Text<'_>, m: &PlaceMention) -> bool {
    let opens = t.sentences.iter().any(|r| r.start == m.start);
    let surface = t.original_of(m.start, m.end);
    let letters: Vec<char> = surface.chars().filter(|c| c.is_alphabetic()).collect();
    let capitals = letters.len() >= 3 && letters.iter().all(|c| c.is_uppercase());
    let next = if m.end < t.tokens.len() {
        t.tok(m.end)
    } else {
        ""
    };
    opens && capitals && matches!(next, "—" | "–" | "-" | "(" | ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place_of(text: &str) -> Option<String> {
        let doc = DocInput {
            published: NaiveDate::from_ymd_opt(2019, 9, 18),
            ..DocInput::default()
        };
        Extractor::new()
            .extract(text, &doc)
            .first()
            .and_then(|r| r.place.as_ref().map(|p| p.name.clone()))
    }

    #[test]
    fn a_bylines_date_is_not_the_events() {
        let doc = DocInput {
            published: NaiveDate::from_ymd_opt(2019, 9, 18),
            ..DocInput::default()
        };
        let text = "هجوم على حاجز لقوات سوريا الديمقراطية عند مدخل البصيرة\n\n2019-09-18 · فريق الرصد الميداني\n\nأفاد مراسل المركز بأن مسلحين هاجموا مساء الثلاثاء 17 أيلول/سبتمبر 2019 حاجزاً لقوات سوريا الديمقراطية عند مدخل بلدة البصيرة، ما أدى إلى مقتل عنصرين.";
        let date = |text: &str| {
            Extractor::new()
                .extract(text, &doc)
                .first()
                .and_then(|r| r.date)
                .map(|d| d.date.to_string())
        };
        assert_eq!(date(text).as_deref(), Some("2019-09-17"));
        // With no other date, the byline's stands.
        let alone = text.replace("مساء الثلاثاء 17 أيلول/سبتمبر 2019 ", "");
        assert_eq!(date(&alone).as_deref(), Some("2019-09-18"));
    }

    /// Every rule looks ahead and behind: cut rich texts after every
    /// token, and no cut may panic (a text ending in "Ansar al-Sunnah is"
    /// once read past its last token).
    #[test]
    fn texts_cut_anywhere_do_not_panic() {
        let texts = [
            "BEIRUT (Levant Wire) — A car bomb killed two soldiers and wounded 11 others near al-Shuhayl, 35 km west of Deir ez-Zor, on Thursday; Ansar al-Sunnah is known to operate in the area and has repeatedly used such tactics, officials said.",
            "The Islamic State claimed responsibility for the attack, which it said killed six fighters of the SDF, but the claim could not be independently verified; the group denied any role in a second blast.",
            "Nearly 800 people escaped from the camp after shelling hit its gate last week, according to the NGO, which put the number of detainees at about 12,000.",
            "تبنى تنظيم الدولة الإسلامية تفجير عبوة ناسفة بسيارة لقسد في مدينة الطبقة غرب الرقة يوم الخميس، وقال إن التفجير أدى إلى مقتل عنصر وإصابة 2 آخرين، فيما نفت قسد ذلك.",
            "Government forces recaptured three villages from the militants, who had seized them in March, and arrested 14 suspects in Basra province on Oct. 9.",
        ];
        let ex = Extractor::new();
        let doc = DocInput {
            published: NaiveDate::from_ymd_opt(2019, 10, 12),
            ..DocInput::default()
        };
        for text in texts {
            let cuts = text
                .char_indices()
                .filter(|&(_, c)| c == ' ' || c == ',' || c == '،')
                .map(|(i, _)| i);
            for cut in cuts.chain([text.len()]) {
                let _ = ex.extract(&text[..cut], &doc);
                let _ = ex.places(&text[..cut], &doc);
            }
        }
    }

    #[test]
    fn a_dateline_is_not_the_place_of_the_event() {
        let rows: &[(&str, Option<&str>)] = &[
            (
                "BEIRUT — Islamic State said its fighters detonated a roadside bomb against an SDF patrol near al-Shuhayl, killing two members.",
                Some("al-Shuhayl"),
            ),
            (
                "DAMASCUS (Reuters) - A car bomb killed five people in Idlib on Sunday.",
                Some("Idlib"),
            ),
            // Not a dateline: the town in running text.
            (
                "Beirut saw a car bomb kill five people on Sunday.",
                Some("Beirut"),
            ),
        ];
        for (text, want) in rows {
            assert_eq!(place_of(text).as_deref(), *want, "{text}");
        }
    }

    /// (sub-event type, place name, province, targets) of a report.
    type Read = (String, Option<String>, Option<String>, Vec<String>);

    /// What each report of a text in the Islamic State's own voice (its
    /// official channel) says.
    fn official(text: &str) -> Vec<Read> {
        let doc = DocInput {
            published: NaiveDate::from_ymd_opt(2019, 10, 20),
            source_kind: Some(SourceKind::MilitantOfficial),
            affiliation: Some("Islamic State".to_string()),
            ..DocInput::default()
        };
        Extractor::new()
            .extract(text, &doc)
            .into_iter()
            .map(|r| {
                (
                    r.sub_event_type.to_string(),
                    r.place.as_ref().map(|p| p.name.clone()),
                    r.place.as_ref().and_then(|p| p.province.clone()),
                    r.targets
                        .iter()
                        .filter_map(|a| a.canonical.clone())
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn another_event_and_a_title_split_and_join_a_wire() {
        let doc = DocInput {
            published: NaiveDate::from_ymd_opt(2019, 10, 2),
            ..DocInput::default()
        };
        let text = "Gunmen attack SDF checkpoint in Syria's Deir ez-Zor\n\nGunmen attacked a checkpoint of the US-backed Syrian Democratic Forces (SDF) in the village of Ar Rushdi in Deir ez-Zor province on Monday, killing four and wounding three, a war monitor said. Separately, mortar rounds struck a post of the Kurdish-led Syrian Democratic Forces in the village of Barr ash Sham in Deir ez-Zor province on Tuesday. There were no reports of casualties.";
        let reports: Vec<(String, String, String)> = Extractor::new()
            .extract(text, &doc)
            .into_iter()
            .map(|r| {
                (
                    r.sub_event_type.to_string(),
                    r.place.map(|p| p.name).unwrap_or_default(),
                    r.date.map(|d| d.date.to_string()).unwrap_or_default(),
                )
            })
            .collect();
        // The title tells the first event again; "Separately," opens the
        // second, 10 km away, a day later.
        assert_eq!(
            reports,
            [
                (
                    "armed_clash".into(),
                    "Ar Rushdi".into(),
                    "2019-09-30".into()
                ),
                (
                    "shelling_artillery_missile_attack".into(),
                    "Barr ash Sham".into(),
                    "2019-10-01".into()
                ),
            ]
        );
        // A list's items, a line each without a full stop, are no titles.
        let list = "Al-Naba infographic, rendered into English:\n1. al-Khayr - IED vs SDF vehicle in al-Kasrah - 2 killed - 20 September\n2. al-Khayr - SDF member killed in Jadid Ekeidat - 21 September";
        assert_eq!(Extractor::new().extract(list, &doc).len(), 2);
    }

    #[test]
    fn a_villages_name_holds_no_event_word() {
        // "رجمة" is stoning, but not in the village رجمة حبس.
        let got = official(
            "- يوم الثلاثاء 16 صفر: الإغارة على مقر لمرتدي PKK في قرية رجمة حبس، وهلاك خمسة مرتدين.",
        );
        assert_eq!(got.len(), 1);
        assert_ne!(got[0].0, "mob_violence");
        assert_eq!(got[0].1.as_deref(), Some("رجمة حبس"));
    }

    #[test]
    fn the_groups_name_for_a_force_brings_that_forces_theatre() {
        // In the group's voice "PKK" is the SDF in Syria: سويدية is a
        // village where they fight (in Raqqa or Hasakah: nothing says
        // which), not Samandağ (السويدية) in Turkey; القصير one of the
        // villages where they fight, not the Homs town; and "في الكرامة", a
        // common word too, the village where the SDF fight.
        for (text, provinces) in [
            ("وكالة أعماق: مقتل 6 عناصر من مرتدي PKK في هجوم لمقاتلي الدولة الإسلامية على نقطة لهم في سويدية اليوم الأربعاء", &["Al-Hasakah", "Al-Raqqah"][..]),
            ("- يوم الثلاثاء 16 صفر: قنص عنصر لمرتدي PKK في بلدة القصير وهلاكه.", &["Al-Hasakah", "Deir ez-Zor", "Aleppo"]),
        ] {
            let got = official(text);
            assert_eq!(got.len(), 1, "{text}");
            let province = got[0].2.as_deref().unwrap_or_default();
            assert!(provinces.contains(&province), "{text}: {province}");
            assert_eq!(got[0].3, ["Syrian Democratic Forces"], "{text}");
        }
        let got = official("- يوم الثلاثاء 2 صفر: تفجير عبوة ناسفة على دورية لمرتدي PKK في الكرامة، وهلاك ثلاثة مقاتلين.");
        assert_eq!(got[0].1.as_deref(), Some("الكرامة"));
        // Without a force that fights there, the word stays a word.
        let doc = DocInput::default();
        assert!(Extractor::new()
            .places("تحدث عن الحق في الكرامة للجميع", &doc)
            .is_empty());
    }

    #[test]
    fn apostates_of_a_named_force_are_that_force() {
        let got = official("وكالة أعماق: مقاتلو الدولة الإسلامية يأسرون مرتدين اثنين من ما يسمى قوات سوريا الديمقراطية في قرية جديد بو خير اليوم");
        assert_eq!(got[0].3, ["Syrian Democratic Forces"]);
    }

    #[test]
    fn a_name_written_as_the_gazetteer_writes_it_is_read() {
        // OCHA writes "Qba salhya", lower case and all.
        let text = "Soldiers of the Caliphate attacked a checkpoint of the PKK militia in the village of Qba salhya, in the Raqqa countryside, killing 4 members.";
        assert_eq!(place_of(text).as_deref(), Some("Qba salhya"));
    }

    #[test]
    fn a_village_of_the_province_is_finer_than_the_city_that_names_it() {
        let rows = [
            ("In Deir ez-Zor, gunmen killed an SDF fighter in Ar Rushdi on Monday.", "Ar Rushdi"),
            ("Gunmen killed an SDF fighter in Deir ez-Zor's Ar Rushdi village on Monday.", "Ar Rushdi"),
            ("Gunmen killed an SDF fighter on the road to Ar Rushdi in Deir ez-Zor province on Monday.", "Ar Rushdi"),
            ("A bomb hit an SDF patrol at the entrance of Ar Rushdi in Deir ez-Zor province on Monday.", "Ar Rushdi"),
            // Where someone came from is not where it happened.
            ("A bomb in Deir ez-Zor city killed a man from the village of Ar Rushdi on Monday.", "Deir ez-Zor"),
        ];
        for (text, want) in rows {
            assert_eq!(place_of(text).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn the_groups_english_words_for_its_enemies_and_arson_by_armed_men() {
        let doc = DocInput {
            published: NaiveDate::from_ymd_opt(2019, 10, 5),
            source_kind: Some(SourceKind::MilitantSupporter),
            affiliation: Some("Islamic State".to_string()),
            ..DocInput::default()
        };
        let read = |text: &str| {
            let r = Extractor::new().extract(text, &doc).remove(0);
            let targets: Vec<String> = r
                .targets
                .iter()
                .filter_map(|a| a.canonical.clone())
                .collect();
            (r.sub_event_type.to_string(), targets)
        };
        let (_, targets) = read("A sniper of the Islamic State shot an element of the SDF in the village of Al Suwar, killing him.");
        assert_eq!(targets, ["Syrian Democratic Forces"]);
        let (sub, targets) =
            read("Islamic State fighters set fire to the house of an SDF member in Hajin.");
        assert_eq!(sub, "looting_property_destruction");
        assert_eq!(targets, ["Syrian Democratic Forces"]);
    }

    #[test]
    fn a_headlines_present_is_an_event_and_a_vow_is_none() {
        let doc = DocInput {
            published: NaiveDate::from_ymd_opt(2019, 10, 5),
            ..DocInput::default()
        };
        let count = |text: &str| Extractor::new().extract(text, &doc).len();
        assert_eq!(count("Amaq: Islamic State fighters kill 3 SDF militiamen in the village of Gharanij, east of Deir ez-Zor."), 1);
        assert_eq!(
            count("The group vowed to attack SDF positions in Raqqa."),
            0
        );
        assert_eq!(
            count("IS threatened to target SDF checkpoints in Hasakah with car bombs."),
            0
        );
        // The event told before the vow stays an event.
        assert_eq!(count("Gunmen killed two SDF fighters in Thiban on Monday; the group vowed to attack more."), 1);
        // An attempt is an event.
        assert_eq!(
            count("Gunmen tried to kill an SDF commander in Hajin on Monday, wounding him."),
            1
        );
    }
}
