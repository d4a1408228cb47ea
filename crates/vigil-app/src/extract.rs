//! Extraction: stored documents to event reports, on a pool of threads,
//! written back in the order asked.

use std::collections::{BTreeMap, HashMap};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Instant;

use anyhow::{bail, Context};
use serde::Serialize;
use vigil_extract::dates::{local_day, Tz};
use vigil_extract::{DocInput, Extractor};
use vigil_model::{DocumentId, EventReport, Source, SourceId};
use vigil_store::{DocumentText, Store};

use crate::Progress;

/// Every stored document's id, in order.
pub fn all_document_ids<S: Store + ?Sized>(store: &S) -> vigil_store::Result<Vec<DocumentId>> {
    let mut all = Vec::new();
    let mut after = DocumentId(0);
    loop {
        let page = store.document_ids(after, 10_000)?;
        let Some(&last) = page.last() else { break };
        all.extend(page);
        after = last;
    }
    Ok(all)
}

/// Extraction threads: as many as asked, else one per core.
pub fn jobs(arg: Option<usize>) -> usize {
    arg.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    })
}

/// What an extraction run did.
#[derive(Debug, Default, Serialize)]
pub struct ExtractSummary {
    /// Documents extracted.
    pub documents: u64,
    /// Event reports stored.
    pub reports: u64,
    /// Reports per sub-event type.
    pub by_sub_event_type: BTreeMap<String, u64>,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Documents per second.
    pub docs_per_second: f64,
    /// Megabytes of text per second.
    pub mb_per_second: f64,
}

/// Extracts the reports of `ids` and stores them (replacing what each
/// document had), counting documents done on `progress`. Each
/// document's day is its publication time's local day in `zone`, else in
/// the region's zone (see [`vigil_extract::dates::Calendar::zone`]).
///
/// `jobs` threads extract while this one reads the documents and writes
/// the reports, in the order of `ids`: the store's report ids do not
/// depend on which thread finished first.
pub fn extract_documents<S: Store + ?Sized>(
    store: &mut S,
    ex: &Extractor,
    ids: &[DocumentId],
    jobs: usize,
    zone: Option<Tz>,
    progress: &dyn Progress,
) -> anyhow::Result<ExtractSummary> {
    let started = Instant::now();
    let calendar = &ex.kb().calendar;
    progress.start(ids.len() as u64);
    let mut w = Writer {
        store,
        progress,
        batch: Vec::with_capacity(WRITE_BATCH),
        summary: ExtractSummary::default(),
        bytes: 0,
    };
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let (work_tx, work_rx) = mpsc::sync_channel::<(usize, DocumentText, DocInput)>(QUEUE);
        // Only the workers hold the receiver: if they all die, sending fails
        // instead of waiting for ever.
        let work_rx = Arc::new(Mutex::new(work_rx));
        let (done_tx, done_rx) = mpsc::channel::<(usize, Extracted)>();
        for _ in 0..jobs.max(1) {
            let (work_rx, done_tx) = (work_rx.clone(), done_tx.clone());
            scope.spawn(move || loop {
                let job = work_rx.lock().ok().and_then(|rx| rx.recv().ok());
                let Some((seq, doc, input)) = job else { break };
                let found = Extracted {
                    id: doc.id,
                    bytes: doc.text.len(),
                    reports: ex.extract(&doc.text, &input),
                };
                if done_tx.send((seq, found)).is_err() {
                    break;
                }
            });
        }
        drop((work_rx, done_tx));
        // Results come back in any order; they are written in `ids` order.
        let mut waiting: BTreeMap<usize, Extracted> = BTreeMap::new();
        let mut next = 0;
        let mut write_ready = |w: &mut Writer<S>, waiting: &mut BTreeMap<usize, Extracted>| {
            while let Some(done) = waiting.remove(&next) {
                w.push(done)?;
                next += 1;
            }
            anyhow::Ok(())
        };
        let mut sources: HashMap<SourceId, Option<Source>> = HashMap::new();
        let mut seq = 0;
        for page in ids.chunks(WRITE_BATCH) {
            let docs = w.store.document_texts(page)?;
            if docs.len() < page.len() {
                let missing = page.iter().find(|id| !docs.iter().any(|d| d.id == **id));
                bail!("no document {}", missing.copied().unwrap_or(page[0]));
            }
            for doc in docs {
                let source = match sources.get(&doc.source_id) {
                    Some(s) => s.clone(),
                    None => {
                        let s = w.store.source(&doc.source_id.to_string())?;
                        sources.insert(doc.source_id, s.clone());
                        s
                    }
                };
                let countries = Vec::new();
                let input = DocInput {
                    document_id: doc.id,
                    lang: Some(doc.lang.clone()),
                    published: doc
                        .published
                        .map(|p| local_day(p, calendar.zone(zone, &countries))),
                    source_kind: source.as_ref().map(|s| s.kind),
                    affiliation: source.and_then(|s| s.affiliation),
                    countries,
                };
                if work_tx.send((seq, doc, input)).is_err() {
                    bail!("the extraction threads stopped");
                }
                seq += 1;
                waiting.extend(done_rx.try_iter());
                write_ready(&mut w, &mut waiting)?;
            }
        }
        drop(work_tx);
        for (seq, done) in done_rx {
            waiting.insert(seq, done);
            write_ready(&mut w, &mut waiting)?;
        }
        w.flush()?;
        if next < ids.len() {
            bail!(
                "the extraction threads stopped after {next} of {} documents",
                ids.len()
            );
        }
        Ok(())
    })?;
    progress.finish();
    let secs = started.elapsed().as_secs_f64();
    let mut s = w.summary;
    s.seconds = secs;
    s.docs_per_second = s.documents as f64 / secs.max(1e-9);
    s.mb_per_second = w.bytes as f64 / 1e6 / secs.max(1e-9);
    Ok(s)
}

/// Documents whose reports are written in one transaction: a commit per
/// document took a quarter of a run's time.
const WRITE_BATCH: usize = 64;

/// Documents read ahead for the extraction threads: enough to keep them
/// busy while this thread writes a batch. With a queue of 4 they sat idle
/// through each write: 145% CPU on two cores against 180% with this one.
const QUEUE: usize = 4 * WRITE_BATCH;

/// One document's reports, from an extraction thread.
struct Extracted {
    id: DocumentId,
    bytes: usize,
    reports: Vec<EventReport>,
}

/// Writes extracted reports to the store, `WRITE_BATCH` documents at a time.
struct Writer<'s, S: ?Sized> {
    store: &'s mut S,
    progress: &'s dyn Progress,
    batch: Vec<Extracted>,
    summary: ExtractSummary,
    bytes: u64,
}

impl<S: Store + ?Sized> Writer<'_, S> {
    fn push(&mut self, done: Extracted) -> anyhow::Result<()> {
        self.batch.push(done);
        if self.batch.len() >= WRITE_BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> anyhow::Result<()> {
        let (Some(first), Some(last)) = (self.batch.first(), self.batch.last()) else {
            return Ok(());
        };
        let docs: Vec<(DocumentId, &[EventReport])> = self
            .batch
            .iter()
            .map(|d| (d.id, d.reports.as_slice()))
            .collect();
        self.store.replace_many_reports(&docs).with_context(|| {
            format!(
                "storing the reports of documents {} to {} (none of them was stored)",
                first.id, last.id
            )
        })?;
        let s = &mut self.summary;
        for done in self.batch.drain(..) {
            for r in &done.reports {
                *s.by_sub_event_type
                    .entry(r.sub_event_type.to_string())
                    .or_default() += 1;
            }
            s.reports += done.reports.len() as u64;
            s.documents += 1;
            self.bytes += done.bytes as u64;
            self.progress.advance(1);
        }
        Ok(())
    }
}
