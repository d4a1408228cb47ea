//! RSS 2.0 and Atom feeds: each `<item>` or `<entry>` is a document, and
//! the channel's or feed's `<title>` is the source.
//!
//! The reader is a pull parser over the XML (quick-xml) that looks only at
//! the elements `docs/formats.md` names, as direct children of the channel
//! or item, so that a nested `<image><title>` or an Atom entry's `<source>`
//! cannot pass for the feed's or entry's own. Document type declarations
//! are not processed, so entity tricks (XXE, "billion laughs") are inert:
//! an entity XML does not predefine is kept as written, and HTML ones in
//! descriptions are then decoded by the HTML reader.
//!
//! Items are held until their channel ends, because the channel's
//! `<title>` (the source of every item) may come after them. A syntax
//! error stops the file with [`IngestError::Malformed`]; the items read
//! before it have already been given to the sink by then (the CLI ingests
//! each file in one transaction, and decides whether to keep them).

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;

use crate::{dates, html::html_to_text, origin, IngestError, Item, RawDocument};

/// Reads an RSS 2.0 or Atom feed.
pub(crate) fn read(path: &str, text: &str, sink: &mut dyn FnMut(Item)) -> Result<(), IngestError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut feed = Feed {
        path,
        src: text,
        reader: Reader::from_str(text),
        lines: LineCounter { pos: 0, line: 1 },
        source: Source::default(),
        pending: Vec::new(),
        sink,
    };
    let result = feed.read_root();
    // Whatever happened, the items read so far go out with the source
    // known so far.
    feed.flush();
    result
}

/// The channel or feed a run of items belongs to.
#[derive(Debug, Default)]
struct Source {
    name: Option<String>,
    url: Option<String>,
}

/// The text of one element: its character data with entities resolved,
/// and, when it holds child elements (Atom `xhtml`, or HTML pasted into an
/// RSS description without escaping), its inner markup as written.
#[derive(Debug, Default)]
struct Content<'t> {
    text: String,
    markup: Option<&'t str>,
}

/// The fields of one `<item>` or `<entry>` as found.
#[derive(Debug, Default)]
struct Entry {
    title: Option<String>,
    link: Option<String>,
    id: Option<String>,
    /// Dates in order of preference, with the element they came from.
    dates: Vec<(&'static str, String)>,
    /// Texts in order of preference.
    texts: Vec<String>,
}

struct Feed<'t, 's> {
    path: &'t str,
    src: &'t str,
    reader: Reader<&'t [u8]>,
    lines: LineCounter,
    source: Source,
    pending: Vec<Item>,
    sink: &'s mut dyn FnMut(Item),
}

impl<'t> Feed<'t, '_> {
    fn read_root(&mut self) -> Result<(), IngestError> {
        loop {
            match self.next()? {
                Event::Start(e) => {
                    return match e.local_name().as_ref() {
                        b"rss" => self.rss(),
                        b"feed" => self.channel(Kind::Atom),
                        _ => Err(self.wrong_root(&e)),
                    }
                }
                Event::Empty(e) => {
                    return match e.local_name().as_ref() {
                        // An empty feed: nothing to read, nothing wrong.
                        b"rss" | b"feed" => Ok(()),
                        _ => Err(self.wrong_root(&e)),
                    };
                }
                Event::Eof => {
                    return Err(self.malformed(
                        None,
                        "no root element; an RSS feed starts with <rss>, an Atom feed with <feed>"
                            .to_string(),
                    ))
                }
                _ => {}
            }
        }
    }

    fn wrong_root(&self, e: &BytesStart<'_>) -> IngestError {
        let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        let hint = match e.local_name().as_ref() {
            b"html" => "; this is a web page: ingest it with --format html, or fetch the feed's own address",
            b"RDF" => "; RSS 1.0 (RDF) feeds are not read: ask the site for RSS 2.0 or Atom",
            _ => "",
        };
        let line = self.line_at_error_or_now();
        self.malformed(
            Some(line),
            format!("root element is <{name}>, not <rss> (RSS 2.0) or <feed> (Atom){hint}"),
        )
    }

    /// Inside `<rss>`: each `<channel>`.
    fn rss(&mut self) -> Result<(), IngestError> {
        loop {
            match self.next()? {
                Event::Start(e) if e.local_name().as_ref() == b"channel" => {
                    self.channel(Kind::Rss)?
                }
                Event::Start(e) => self.skip(&e)?,
                Event::End(_) | Event::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    /// Inside `<channel>` (RSS) or `<feed>` (Atom): the source's title and
    /// link, and the items.
    fn channel(&mut self, kind: Kind) -> Result<(), IngestError> {
        self.source = Source::default();
        loop {
            let before = self.position();
            match self.next()? {
                Event::Start(e) => match (kind, own_name(kind, &e)) {
                    (_, b"title") => {
                        let is_html = kind == Kind::Atom && is_html_type(&e);
                        let content = self.content(&e)?;
                        self.source.name = one_line(&title_text(content, is_html, kind));
                    }
                    (Kind::Rss, b"link") if self.source.url.is_none() => {
                        let link = self.content(&e)?.text;
                        self.source.url = non_empty(link.trim());
                    }
                    (Kind::Atom, b"link") => {
                        self.atom_link_source(&e);
                        self.skip(&e)?;
                    }
                    (Kind::Rss, b"item") | (Kind::Atom, b"entry") => self.entry(kind, before)?,
                    _ => self.skip(&e)?,
                },
                Event::Empty(e) if kind == Kind::Atom && own_name(kind, &e) == b"link" => {
                    self.atom_link_source(&e)
                }
                Event::End(_) => break,
                Event::Eof => return Err(self.truncated(kind.channel())),
                _ => {}
            }
        }
        self.flush();
        Ok(())
    }

    fn atom_link_source(&mut self, e: &BytesStart<'_>) {
        if self.source.url.is_none() {
            self.source.url = alternate_href(e);
        }
    }

    /// One `<item>` or `<entry>`, started at byte `start`.
    fn entry(&mut self, kind: Kind, start: usize) -> Result<(), IngestError> {
        let line = self.lines.line_at(self.src, start);
        let mut entry = Entry::default();
        // Preference among texts: full content before summaries.
        let mut full: Option<String> = None;
        let mut summary: Option<String> = None;
        let mut published: Option<String> = None;
        let mut updated: Option<String> = None;
        loop {
            match self.next()? {
                Event::Start(e) => {
                    match (kind, own_name(kind, &e)) {
                        (_, b"title") => {
                            let is_html = kind == Kind::Atom && is_html_type(&e);
                            let content = self.content(&e)?;
                            entry.title = one_line(&title_text(content, is_html, kind));
                        }
                        (Kind::Rss, b"link") => {
                            entry.link = non_empty(self.content(&e)?.text.trim())
                        }
                        (Kind::Rss, b"guid") => entry.id = non_empty(self.content(&e)?.text.trim()),
                        (Kind::Rss, b"pubDate") => published = Some(self.content(&e)?.text),
                        (Kind::Rss, b"dc:date") => updated = Some(self.content(&e)?.text),
                        (Kind::Rss, b"description") => {
                            let content = self.content(&e)?;
                            summary = Some(html_to_text(content.markup.unwrap_or(&content.text)));
                        }
                        (Kind::Rss, b"content:encoded") => {
                            let content = self.content(&e)?;
                            full = Some(html_to_text(content.markup.unwrap_or(&content.text)));
                        }
                        (Kind::Atom, b"link") => {
                            if entry.link.is_none() {
                                entry.link = alternate_href(&e);
                            }
                            self.skip(&e)?;
                        }
                        (Kind::Atom, b"id") => entry.id = non_empty(self.content(&e)?.text.trim()),
                        (Kind::Atom, b"published") => published = Some(self.content(&e)?.text),
                        (Kind::Atom, b"updated") => updated = Some(self.content(&e)?.text),
                        (Kind::Atom, b"content") => {
                            // Out-of-line content (`src=`) is not in the feed.
                            if attribute(&e, b"src").is_some() {
                                self.skip(&e)?;
                            } else {
                                let ty = attribute(&e, b"type");
                                full = Some(atom_text(ty.as_deref(), self.content(&e)?));
                            }
                        }
                        (Kind::Atom, b"summary") => {
                            let ty = attribute(&e, b"type");
                            summary = Some(atom_text(ty.as_deref(), self.content(&e)?));
                        }
                        _ => self.skip(&e)?,
                    }
                }
                Event::Empty(e) if kind == Kind::Atom && own_name(kind, &e) == b"link" => {
                    entry.link = entry.link.take().or_else(|| alternate_href(&e));
                }
                Event::End(_) => break,
                Event::Eof => return Err(self.truncated(kind.item())),
                _ => {}
            }
        }
        let (first_date, second_date) = match kind {
            Kind::Rss => ("pubDate", "dc:date"),
            Kind::Atom => ("published", "updated"),
        };
        entry.dates = [(first_date, published), (second_date, updated)]
            .into_iter()
            .filter_map(|(name, d)| {
                Some((name, d?.trim().to_string())).filter(|(_, d)| !d.is_empty())
            })
            .collect();
        entry.texts = [full, summary]
            .into_iter()
            .flatten()
            .filter(|t| !t.trim().is_empty())
            .collect();
        self.finish_entry(kind, line, entry);
        Ok(())
    }

    fn finish_entry(&mut self, kind: Kind, line: u64, mut entry: Entry) {
        // An RSS guid is the item's address unless it says otherwise, and
        // feeds that give one often omit `<link>`.
        if entry.link.is_none() {
            entry.link = entry
                .id
                .clone()
                .filter(|id| id.starts_with("https://") || id.starts_with("http://"));
        }
        let record = entry.id.clone().or_else(|| entry.link.clone());
        let at = origin(self.path, Some(line), record);
        let published = entry
            .dates
            .iter()
            .find_map(|(_, d)| dates::parse_datetime(d));
        if published.is_none() && !entry.dates.is_empty() {
            let name = entry
                .id
                .as_deref()
                .or(entry.title.as_deref())
                .or(entry.link.as_deref())
                .map_or_else(
                    || format!("{} at line {line}", kind.item()),
                    |n| format!("{} {n:?}", kind.item()),
                );
            let values: Vec<String> = entry
                .dates
                .iter()
                .map(|(el, d)| format!("<{el}> {d:?}"))
                .collect();
            self.pending.push(Item::Warning {
                origin: at.clone(),
                message: format!(
                    "{name}: {}: not a date, so the item is kept without one; {}",
                    values.join(", "),
                    dates::EXPECTED
                ),
            });
        }
        let text = match (entry.texts.into_iter().next(), &entry.title) {
            (Some(text), _) => text,
            // A headline-only item (common in news tickers) is still a
            // report; its title is all the text there is.
            (None, Some(title)) => title.clone(),
            (None, None) => {
                self.pending.push(Item::Rejected {
                    origin: at,
                    reason: format!(
                        "{} has neither text nor title; nothing to store",
                        kind.item()
                    ),
                });
                return;
            }
        };
        self.pending.push(Item::Document(RawDocument {
            external_id: entry.id,
            url: entry.link,
            published,
            title: entry.title,
            text,
            origin: at,
            ..RawDocument::default()
        }));
    }

    /// Sends the held items out, with the source of their channel.
    fn flush(&mut self) {
        for mut item in self.pending.drain(..) {
            if let Item::Document(doc) = &mut item {
                doc.source_name = doc.source_name.take().or_else(|| self.source.name.clone());
                doc.source_url = doc.source_url.take().or_else(|| self.source.url.clone());
            }
            (self.sink)(item);
        }
    }

    /// The content of the element `start` just opened, up to its end tag.
    fn content(&mut self, start: &BytesStart<'_>) -> Result<Content<'t>, IngestError> {
        let begin = self.position();
        let mut depth = 0usize;
        let mut content = Content::default();
        let mut has_children = false;
        loop {
            let before = self.position();
            match self.next()? {
                Event::Start(_) => {
                    depth += 1;
                    has_children = true;
                }
                Event::Empty(_) => has_children = true,
                Event::End(_) if depth == 0 => {
                    if has_children {
                        content.markup = self.src.get(begin..before);
                    }
                    return Ok(content);
                }
                Event::End(_) => depth -= 1,
                Event::Text(t) => content
                    .text
                    .push_str(&t.xml10_content().map_err(|e| self.encoding(e))?),
                Event::CData(t) => content
                    .text
                    .push_str(&t.xml10_content().map_err(|e| self.encoding(e))?),
                Event::GeneralRef(r) => push_reference(&mut content.text, &r),
                Event::Eof => {
                    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                    return Err(self.truncated(&format!("<{name}>")));
                }
                _ => {}
            }
        }
    }

    /// Skips the element `start` just opened, with everything in it.
    fn skip(&mut self, start: &BytesStart<'_>) -> Result<(), IngestError> {
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => return Ok(()),
                Event::End(_) => depth -= 1,
                Event::Eof => {
                    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                    return Err(self.truncated(&format!("<{name}>")));
                }
                _ => {}
            }
        }
    }

    fn next(&mut self) -> Result<Event<'t>, IngestError> {
        self.reader.read_event().map_err(|e| {
            let line = self.line_at_error_or_now();
            self.malformed(
                Some(line),
                format!("not well-formed XML: {e}; fix the feed at this line or fetch it again"),
            )
        })
    }

    fn position(&self) -> usize {
        usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX)
    }

    fn line_at_error_or_now(&self) -> u64 {
        let pos = usize::try_from(self.reader.error_position()).unwrap_or(0);
        let pos = if pos == 0 { self.position() } else { pos };
        line_of(self.src, pos)
    }

    fn truncated(&self, inside: &str) -> IngestError {
        self.malformed(
            Some(line_of(self.src, self.src.len())),
            format!("the file ends inside {inside}: the feed is cut short; fetch it again"),
        )
    }

    fn encoding(&self, e: quick_xml::encoding::EncodingError) -> IngestError {
        let line = line_of(self.src, self.position());
        self.malformed(Some(line), format!("text is not valid UTF-8: {e}"))
    }

    fn malformed(&self, line: Option<u64>, message: String) -> IngestError {
        IngestError::Malformed {
            path: self.path.to_string(),
            line,
            message,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Rss,
    Atom,
}

impl Kind {
    fn item(self) -> &'static str {
        match self {
            Kind::Rss => "<item>",
            Kind::Atom => "<entry>",
        }
    }

    fn channel(self) -> &'static str {
        match self {
            Kind::Rss => "<channel>",
            Kind::Atom => "<feed>",
        }
    }
}

/// The name of an element as the format's own, or `b""` for an element
/// of another vocabulary. RSS's own elements are unprefixed (plus the
/// `content:` and `dc:` ones it borrows, matched whole); Atom's are
/// unprefixed or `atom:`. So `<media:title>` or `<itunes:title>`, common in
/// news and podcast feeds, cannot replace an item's title.
fn own_name<'e>(kind: Kind, e: &'e BytesStart<'_>) -> &'e [u8] {
    let name = e.name().into_inner();
    match kind {
        Kind::Rss => name,
        Kind::Atom => match name.iter().position(|b| *b == b':') {
            None => name,
            Some(_) => name.strip_prefix(b"atom:").unwrap_or(b""),
        },
    }
}

/// Appends an entity or character reference: XML's five and numeric ones
/// resolved, anything else (`&nbsp;` in a feed that never declared it)
/// kept as written for the HTML pass to decode.
fn push_reference(out: &mut String, r: &BytesRef<'_>) {
    let name = String::from_utf8_lossy(r.as_ref());
    if r.is_char_ref() {
        if let Ok(Some(c)) = r.resolve_char_ref() {
            out.push(c);
            return;
        }
    } else if let Some(s) = quick_xml::escape::resolve_xml_entity(&name) {
        out.push_str(s);
        return;
    }
    out.push('&');
    out.push_str(&name);
    out.push(';');
}

/// Atom's `type` says whether a text construct is plain text, escaped HTML
/// or inline XHTML (RFC 4287 section 3.1).
fn atom_text(ty: Option<&str>, content: Content<'_>) -> String {
    match ty.map(|t| t.trim().to_ascii_lowercase()).as_deref() {
        Some("html" | "text/html") => html_to_text(&content.text),
        Some("xhtml" | "application/xhtml+xml") => {
            html_to_text(content.markup.unwrap_or(&content.text))
        }
        // Plain text, unless markup slipped in as elements anyway.
        _ => match content.markup {
            Some(markup) => html_to_text(markup),
            None => content.text.trim().to_string(),
        },
    }
}

/// A title as text. RSS titles are plain text in theory and often escaped
/// HTML in practice (`&amp;amp;`, `&lt;b&gt;`); they are decoded as HTML
/// only when they carry `&` or `<`, so that ordinary titles are taken as
/// they are.
fn title_text(content: Content<'_>, is_html: bool, kind: Kind) -> String {
    if let Some(markup) = content.markup {
        return html_to_text(markup);
    }
    let looks_html = content.text.contains(['&', '<']);
    if is_html || (kind == Kind::Rss && looks_html) {
        html_to_text(&content.text)
    } else {
        content.text
    }
}

fn is_html_type(e: &BytesStart<'_>) -> bool {
    attribute(e, b"type").is_some_and(|t| matches!(t.trim(), "html" | "xhtml" | "text/html"))
}

/// The `href` of an Atom `<link>` that points at the page itself: `rel`
/// absent or `alternate`.
fn alternate_href(e: &BytesStart<'_>) -> Option<String> {
    let rel = attribute(e, b"rel");
    if rel
        .as_deref()
        .is_some_and(|r| !r.trim().eq_ignore_ascii_case("alternate"))
    {
        return None;
    }
    attribute(e, b"href").and_then(|h| non_empty(h.trim()))
}

/// An attribute's value, unescaped; a malformed attribute counts as absent.
fn attribute(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| match a.unescape_value() {
            Ok(v) => v.into_owned(),
            // An undeclared entity in an attribute: keep the value as written.
            Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
        })
}

fn one_line(s: &str) -> Option<String> {
    non_empty(&s.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// The 1-based line of byte `pos`, counted once for any position.
fn line_of(src: &str, pos: usize) -> u64 {
    let end = pos.min(src.len());
    src.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
        + 1
}

/// Lines of positions that only move forward, counted incrementally so a
/// feed of many items is scanned once.
#[derive(Debug)]
struct LineCounter {
    pos: usize,
    line: u64,
}

impl LineCounter {
    fn line_at(&mut self, src: &str, pos: usize) -> u64 {
        let pos = pos.min(src.len());
        if pos < self.pos {
            return line_of(src, pos);
        }
        self.line += src.as_bytes()[self.pos..pos]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        self.pos = pos;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(xml: &str) -> (Vec<Item>, Result<(), IngestError>) {
        let mut items = Vec::new();
        let result = read("f.xml", xml, &mut |i| items.push(i));
        (items, result)
    }

    #[test]
    fn text_constructs_and_entities() {
        // (feed, expected title, expected text)
        let cases: &[(&str, &str, &str)] = &[
            (
                "<rss><channel><item><title>A &amp; B</title><description>&lt;p&gt;One&lt;/p&gt;&lt;p&gt;Two&amp;nbsp;x&lt;/p&gt;</description></item></channel></rss>",
                "A & B",
                "One\n\nTwo x",
            ),
            (
                "<rss><channel><item><title><![CDATA[Raqqa <update>]]></title><description><![CDATA[<p>Shelling &amp; fire</p>]]></description></item></channel></rss>",
                "Raqqa",
                "Shelling & fire",
            ),
            (
                "<rss><channel><item><title>T &#x41;&#66;</title><description>plain &nbsp;text</description><content:encoded>&lt;b&gt;full&lt;/b&gt;</content:encoded></item></channel></rss>",
                "T AB",
                "full",
            ),
            (
                "<feed><entry><title type=\"html\">&lt;b&gt;Bold&lt;/b&gt; claim</title><content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Para <b>one</b></p><p>two</p></div></content></entry></feed>",
                "Bold claim",
                "Para one\n\ntwo",
            ),
            (
                "<feed><entry><title>x &lt; y</title><summary>a &lt;b&gt; stays</summary></entry></feed>",
                "x < y",
                "a <b> stays",
            ),
        ];
        for (xml, title, text) in cases {
            let (items, result) = run(xml);
            assert!(result.is_ok(), "{xml}: {result:?}");
            let [Item::Document(doc)] = items.as_slice() else {
                panic!("{xml}: {items:?}")
            };
            assert_eq!(doc.title.as_deref(), Some(*title), "{xml}");
            assert_eq!(doc.text, *text, "{xml}");
        }
    }

    #[test]
    fn nested_titles_do_not_pass_for_the_source() {
        let xml = "<rss><channel><image><title>Logo</title></image><item><title>T</title><media:title>M</media:title></item>\
                   <title>Outlet</title></channel></rss>";
        let (items, result) = run(xml);
        assert!(result.is_ok());
        let [Item::Document(doc)] = items.as_slice() else {
            panic!("{items:?}")
        };
        assert_eq!(doc.source_name.as_deref(), Some("Outlet"));
        assert_eq!(doc.text, "T");
    }

    #[test]
    fn file_level_errors_name_the_line() {
        // (feed, expected line, text the message contains)
        let cases: &[(&str, u64, &str)] = &[
            ("<html><body>x</body></html>", 1, "root element is <html>"),
            ("\n\n<rdf:RDF></rdf:RDF>", 3, "RSS 1.0"),
            (
                "<rss><channel>\n<item><title>x</titel></item></channel></rss>",
                2,
                "not well-formed XML",
            ),
            (
                "<rss><channel>\n<item><title>x</title>",
                2,
                "ends inside <item>",
            ),
            ("", 0, "no root element"),
        ];
        for (xml, line, part) in cases {
            let (_, result) = run(xml);
            let Err(IngestError::Malformed {
                line: got, message, ..
            }) = result
            else {
                panic!("{xml}: {result:?}")
            };
            if *line > 0 {
                assert_eq!(got, Some(*line), "{xml}: {message}");
            }
            assert!(message.contains(part), "{xml}: {message}");
        }
    }
}
