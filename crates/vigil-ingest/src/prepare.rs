//! From what a reader found to what the store keeps.

use vigil_model::{Lang, NewDocument, NewSource, SourceKind};

use crate::RawDocument;

/// How raw documents are completed.
#[derive(Debug, Clone, Default)]
pub struct PrepareOptions {
    /// Source for every document, overriding what the records say
    /// (`--source`).
    pub source: Option<String>,
    /// Language for every document, overriding detection (`--lang`).
    pub lang: Option<Lang>,
}

/// Name of the source given to documents that name none.
pub const UNATTRIBUTED: &str = "unattributed";

/// Normalizes, identifies the language of, hashes and fingerprints a raw
/// document. Language: `--lang`, else detection on the text; the record's
/// own hint is used only when detection cannot tell (`und`), since feeds
/// and pages often declare a site-wide language that the text contradicts.
pub fn prepare(raw: RawDocument, opts: &PrepareOptions) -> NewDocument {
    let text = raw.text.trim().to_string();
    let normalized = vigil_text::normalize(&text);
    let lang = match &opts.lang {
        Some(l) => l.clone(),
        None => {
            let detected = vigil_text::detect_lang(&text);
            match (detected.is_undetermined(), raw.lang_hint) {
                (true, Some(hint)) => hint,
                _ => detected,
            }
        }
    };
    let mut source = NewSource::named(
        opts.source
            .clone()
            .or(raw.source_name)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| UNATTRIBUTED.to_string()),
    );
    source.kind = raw.source_kind.unwrap_or(SourceKind::Other);
    source.url = raw.source_url;
    NewDocument {
        source,
        external_id: raw.external_id,
        url: raw.url,
        published: raw.published,
        edited: raw.edited,
        forwarded_from: raw.forwarded_from,
        lang,
        title: raw
            .title
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty()),
        content_hash: vigil_text::content_hash(&normalized),
        bands: vigil_text::fingerprint(&normalized),
        normalized,
        text,
        origin: raw.origin,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepare_detects_language_and_falls_back_to_hint_and_unattributed() {
        let raw = RawDocument {
            text: "  قال المرصد إن ثلاثة أشخاص قتلوا في القامشلي  ".into(),
            lang_hint: Some(Lang::en()),
            ..RawDocument::default()
        };
        let doc = prepare(raw, &PrepareOptions::default());
        assert_eq!(doc.lang, Lang::ar(), "text beats a site-wide hint");
        assert_eq!(doc.source.name, UNATTRIBUTED);
        assert!(!doc.text.starts_with(' '));
        assert_eq!(doc.bands.len(), vigil_text::BANDS);

        let short = RawDocument {
            text: "OK".into(),
            lang_hint: Some(Lang::tr()),
            ..RawDocument::default()
        };
        assert_eq!(prepare(short, &PrepareOptions::default()).lang, Lang::tr());

        let forced = PrepareOptions {
            source: Some("Wire".into()),
            lang: Some(Lang::ku()),
        };
        let raw = RawDocument {
            source_name: Some("Other".into()),
            text: "x y z".into(),
            ..RawDocument::default()
        };
        let doc = prepare(raw, &forced);
        assert_eq!(
            (doc.source.name.as_str(), doc.lang.as_str()),
            ("Wire", "ku")
        );
    }
}
