//! Every reader against its fixtures, through the public entry points
//! (`read_file`, `read_str`): one table of cases, one harness. A bug found
//! in a reader becomes a row named after what it broke.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use vigil_ingest::{read_file, read_str, Format, IngestError, Item, RawDocument, ReadOptions};
use vigil_model::SourceKind;

/// Where a case's input comes from.
#[derive(Clone, Copy)]
enum Input {
    /// A file under `tests/fixtures`, read with `read_file` (the format
    /// from its name unless the case forces one).
    File(&'static str),
    /// Text built by the test (too large or too regular for a fixture),
    /// read with `read_str` in the case's format.
    Generated(fn() -> String),
}

/// Options a case reads with.
#[derive(Clone, Copy)]
enum Opts {
    Default,
    MaxDocBytes(usize),
    CsvMap(&'static str),
}

/// What a file-level error must look like.
#[derive(Clone, Copy, Debug)]
enum ErrorKind {
    Binary,
    Malformed,
}

/// A check on one item; the index counts items of that kind in order
/// (the first document is 0, the first rejection is 0, ...).
#[derive(Clone, Copy, Debug)]
enum Check {
    Title(usize, &'static str),
    NoTitle(usize),
    Published(usize, &'static str),
    NoPublished(usize),
    Edited(usize, &'static str),
    Source(usize, &'static str),
    SourceUrl(usize, &'static str),
    Kind(usize, SourceKind),
    ExternalId(usize, &'static str),
    Url(usize, &'static str),
    NoUrl(usize),
    Lang(usize, &'static str),
    Forwarded(usize, &'static str),
    Text(usize, &'static str),
    TextHas(usize, &'static str),
    TextLacks(usize, &'static str),
    Line(usize, u64),
    Record(usize, &'static str),
    /// Rejection: its line (0 for none expected) and part of its reason.
    Rejected(usize, u64, &'static str),
    Skipped(usize, &'static str),
    Warning(usize, &'static str),
}

struct Case {
    name: &'static str,
    input: Input,
    format: Option<Format>,
    opts: Opts,
    docs: usize,
    rejected: usize,
    skipped: usize,
    warnings: usize,
    checks: &'static [Check],
    /// A file-level error: kind, line (0 for none expected), parts of the
    /// message. Items yielded before it are still counted above.
    error: Option<(ErrorKind, u64, &'static [&'static str])>,
    /// Longest the read may take (hostile input must stay bounded).
    max_time: Duration,
}

const CASE: Case = Case {
    name: "",
    input: Input::File(""),
    format: None,
    opts: Opts::Default,
    docs: 0,
    rejected: 0,
    skipped: 0,
    warnings: 0,
    checks: &[],
    error: None,
    max_time: Duration::from_secs(10),
};

use Check::*;

const CASES: &[Case] = &[
    // ---- Text and Markdown ----
    Case {
        name: "markdown with front matter",
        input: Input::File("report.md"),
        docs: 1,
        checks: &[
            Title(0, "Camp residents flee after shelling near Ain Issa"),
            Source(0, "North-East Monitoring Centre"),
            Kind(0, SourceKind::LocalMonitor),
            Published(0, "2019-10-15T10:00:00Z"),
            Url(0, "https://example.org/reports/ain-issa"),
            Lang(0, "en"),
            ExternalId(0, "nemc-2019-101"),
            TextHas(0, "# Shelling near Ain Issa\n\nArtillery fire struck"),
            TextLacks(0, "source_kind"),
        ],
        ..CASE
    },
    Case {
        name: "markdown title from first heading, not from a code block",
        input: Input::File("heading_only_ar.md"),
        docs: 1,
        checks: &[Title(0, "انفجار في سوق بلدة الشدادي"), TextHas(0, "ريف الحسكة"), NoPublished(0)],
        ..CASE
    },
    Case {
        name: "same file as plain text takes no heading title",
        input: Input::File("heading_only_ar.md"),
        format: Some(Format::Text),
        docs: 1,
        checks: &[NoTitle(0)],
        ..CASE
    },
    Case {
        name: "unknown front matter key rejects the document naming line and keys",
        input: Input::File("bad_front_matter.txt"),
        rejected: 1,
        checks: &[Rejected(0, 3, "unknown key `titel`; valid keys are title, source, source_kind")],
        ..CASE
    },
    Case {
        name: "bad front matter date rejects naming line and value",
        input: Input::File("bad_date.txt"),
        rejected: 1,
        checks: &[Rejected(0, 3, "\"last Tuesday\" is not a date; use RFC 3339")],
        ..CASE
    },
    Case {
        name: "empty body is skipped",
        input: Input::File("empty_body.txt"),
        skipped: 1,
        checks: &[Skipped(0, "empty document")],
        ..CASE
    },
    // ---- HTML ----
    Case {
        name: "html article with metadata",
        input: Input::File("article.html"),
        docs: 1,
        checks: &[
            Title(0, "Displacement continues along the M4 highway"),
            Source(0, "Euphrates Observer"),
            Published(0, "2019-10-16T05:30:00Z"),
            Url(0, "https://example.org/news/m4-displacement"),
            Lang(0, "en"),
            Text(
                0,
                "Displacement continues along the M4\n\n\
                 Families were seen moving south along the M4 highway on Wednesday, according to local observers.\n\n\
                 Aid workers in Tal Tamr said schools had been opened as temporary shelters for new arrivals.\n\n\
                 Tal Tamr: two schools\nHasakah: one stadium",
            ),
        ],
        ..CASE
    },
    Case {
        name: "hostile html keeps only visible text",
        input: Input::File("hostile.html"),
        docs: 1,
        checks: &[
            Title(0, "Statement"),
            Text(
                0,
                "Visible statement about the Raqqa curfew.\n\n\
                 Direction trick: \u{202e}gnp.exe\u{202c} stays as text.\n\n\
                 Unclosed paragraph bold italic\n\nLast line.",
            ),
        ],
        ..CASE
    },
    Case {
        name: "html with scripts only is skipped",
        input: Input::File("scripts_only.html"),
        skipped: 1,
        checks: &[Skipped(0, "no visible text")],
        ..CASE
    },
    Case {
        name: "html nested 10,000 divs deep",
        input: Input::Generated(|| {
            format!(
                "<html><body>{}<script>x()</script><p onmouseover=\"y()\">deep</p>{}</body></html>",
                "<div>".repeat(10_000),
                "</div>".repeat(10_000)
            )
        }),
        format: Some(Format::Html),
        docs: 1,
        checks: &[Text(0, "deep")],
        ..CASE
    },
    Case {
        name: "html 200,000 unclosed divs (1 MB) is capped, not quadratic",
        input: Input::Generated(|| format!("<body>{}<p>bottom</p>", "<div>".repeat(200_000))),
        format: Some(Format::Html),
        docs: 1,
        checks: &[Text(0, "bottom")],
        max_time: Duration::from_secs(10),
        ..CASE
    },
    Case {
        name: "html self-closed divs and svg integration points are capped too",
        input: Input::Generated(|| {
            format!(
                "{}<svg><foreignObject>{}{}<p>end</p>",
                "<div/>".repeat(100_000),
                "<x/>".repeat(100_000),
                "<section>".repeat(100_000)
            )
        }),
        format: Some(Format::Html),
        docs: 1,
        checks: &[Text(0, "end")],
        max_time: Duration::from_secs(10),
        ..CASE
    },
    Case {
        name: "html unclosed formatting and table tags 10,000 deep",
        input: Input::Generated(|| {
            format!("{}{}{}end", "<b><i>".repeat(5_000), "<table><tr><td>".repeat(2_000), "<a href=x>".repeat(5_000))
        }),
        format: Some(Format::Html),
        docs: 1,
        checks: &[TextHas(0, "end")],
        ..CASE
    },
    Case {
        name: "html 5 MB single line",
        input: Input::Generated(|| format!("<p>{}</p>", "shelling&amp;fire <b>near</b> Raqqa ".repeat(150_000))),
        format: Some(Format::Html),
        opts: Opts::MaxDocBytes(8 << 20),
        docs: 1,
        checks: &[TextHas(0, "shelling&fire near Raqqa shelling&fire")],
        ..CASE
    },
    // ---- JSON Lines ----
    Case {
        name: "jsonl good lines kept around bad ones",
        input: Input::File("briefs.jsonl"),
        docs: 3,
        rejected: 3,
        checks: &[
            Title(0, "Weekly brief"),
            Source(0, "Meridian Risk Briefs"),
            Kind(0, SourceKind::NgoResearch),
            Published(0, "2019-10-16T00:00:00Z"),
            ExternalId(0, "brief-41"),
            Lang(0, "en"),
            Line(0, 1),
            ExternalId(1, "42"),
            Published(1, "2019-10-17T09:15:00Z"),
            Line(1, 2),
            Record(1, "42"),
            Line(2, 7),
            Lang(2, "ar"),
            Forwarded(2, "Levant Field Notes"),
            Source(2, "شبكة أخبار الفرات"),
            Rejected(0, 4, "EOF while parsing"),
            Rejected(1, 5, "unknown field `titel`, expected one of `text`"),
            Rejected(2, 6, "not a JSON object"),
        ],
        ..CASE
    },
    Case {
        name: "over-long document rejected, neighbours kept",
        input: Input::File("long_record.jsonl"),
        opts: Opts::MaxDocBytes(100),
        docs: 2,
        rejected: 1,
        checks: &[
            ExternalId(0, "short-1"),
            ExternalId(1, "short-3"),
            Rejected(0, 2, "over the 100-byte limit; raise --max-doc-bytes"),
        ],
        ..CASE
    },
    // ---- CSV and TSV ----
    Case {
        name: "csv with default headers and bad rows",
        input: Input::File("reports.csv"),
        docs: 3,
        rejected: 3,
        checks: &[
            ExternalId(0, "csv-1"),
            Title(0, "Curfew in Raqqa"),
            Source(0, "Levant Field Notes"),
            Published(0, "2019-10-18T00:00:00Z"),
            Lang(0, "en"),
            Line(0, 2),
            Text(1, "The central market in Tabqa reopened\nafter two days of closure."),
            Published(1, "2019-10-19T07:30:00Z"),
            Line(1, 3),
            Line(2, 8),
            Lang(2, "ar"),
            Source(2, "شبكة أخبار الفرات"),
            Rejected(0, 5, "3 fields, but the header row has 6"),
            Rejected(1, 6, "empty text in column \"Body\""),
            Rejected(2, 7, "column \"Date\" value \"20/10/2019\" is not a date"),
        ],
        ..CASE
    },
    Case {
        name: "csv without a text column is refused naming headers and --csv-map",
        input: Input::File("missing_text.csv"),
        error: Some((
            ErrorKind::Malformed,
            1,
            &["no text column", "\"Summary\"", "--csv-map text=HEADER"],
        )),
        ..CASE
    },
    Case {
        name: "csv without defaults needs --csv-map",
        input: Input::File("custom_columns.csv"),
        error: Some((ErrorKind::Malformed, 1, &["\"Story\"", "--csv-map"])),
        ..CASE
    },
    Case {
        name: "csv with --csv-map",
        input: Input::File("custom_columns.csv"),
        opts: Opts::CsvMap("text=Story,published=Filed,source=Desk,id=Ref"),
        docs: 1,
        checks: &[
            Title(0, "Prison perimeter"),
            TextHas(0, "Guards reported gunfire"),
            Published(0, "2019-10-23T00:00:00Z"),
            Source(0, "Euphrates Observer"),
            ExternalId(0, "c-1"),
        ],
        ..CASE
    },
    Case {
        name: "csv map naming a missing header",
        input: Input::File("custom_columns.csv"),
        opts: Opts::CsvMap("text=Article"),
        error: Some((ErrorKind::Malformed, 1, &["--csv-map names column \"Article\" for text"])),
        ..CASE
    },
    Case {
        name: "tsv",
        input: Input::File("reports.tsv"),
        docs: 2,
        checks: &[Title(1, "Bridge"), Published(1, "2019-10-25T00:00:00Z"), Line(1, 3)],
        ..CASE
    },
    // ---- Telegram ----
    Case {
        name: "telegram channel export",
        input: Input::File("result.json"),
        docs: 4,
        skipped: 3,
        warnings: 1,
        checks: &[
            Source(0, "Euphrates Monitor"),
            ExternalId(0, "101"),
            Record(0, "101"),
            Line(0, 7),
            // date_unixtime wins over the zone-less local date.
            Published(0, "2019-10-15T10:00:00Z"),
            Url(0, "https://t.me/c/1234567890/101"),
            Text(1, "عاجل: قصف مدفعي على قرى غرب #منبج — التفاصيل @levant_notes"),
            Edited(1, "2019-10-15T13:00:00Z"),
            Forwarded(1, "Levant Field Notes"),
            Published(1, "2019-10-15T12:30:00Z"),
            Published(2, "2019-10-16T09:00:00Z"),
            Skipped(0, "service message (pin_message)"),
            Skipped(1, "no text (photo without caption)"),
            Skipped(2, "service message (edit_group_title)"),
            NoPublished(3),
            Warning(0, "date_unixtime \"soon\", date \"not a date\": not a date"),
        ],
        ..CASE
    },
    Case {
        name: "telegram full-account export reads each chat",
        input: Input::File("full_export.json"),
        docs: 2,
        checks: &[
            Source(0, "Levant Field Notes"),
            Url(0, "https://t.me/c/9876543210/7"),
            Source(1, "Saved Messages"),
            NoUrl(1),
        ],
        ..CASE
    },
    Case {
        name: "telegram top level not an object",
        input: Input::File("not_telegram.json"),
        error: Some((ErrorKind::Malformed, 0, &["not a Telegram export", "top level is an array"])),
        ..CASE
    },
    Case {
        name: "telegram export cut short inside its first message",
        input: Input::File("broken_telegram.json"),
        rejected: 1,
        checks: &[Rejected(0, 4, "cut short")],
        ..CASE
    },
    Case {
        name: "telegram message with a syntax error loses only itself",
        input: Input::Generated(|| {
            telegram_with(|k, m| if k == 3 { m.replace("\"type\":", "\"type\"") } else { m })
        }),
        format: Some(Format::Telegram),
        docs: 4,
        rejected: 1,
        checks: &[
            Rejected(0, 19, "damaged message (line 20: expected `:`"),
            Record(2, "4"),
            Line(2, 25),
            Text(3, "Message 5"),
        ],
        ..CASE
    },
    Case {
        name: "telegram message with an unclosed string loses only itself",
        input: Input::Generated(|| {
            telegram_with(|k, m| if k == 3 { m.replace("Message 3\"", "Message 3") } else { m })
        }),
        format: Some(Format::Telegram),
        docs: 4,
        rejected: 1,
        checks: &[
            Rejected(0, 19, "line 22: a string is not closed on its line"),
            Record(2, "4"),
        ],
        ..CASE
    },
    Case {
        name: "telegram message without its closing brace loses only itself",
        input: Input::Generated(|| {
            telegram_with(|k, m| if k == 3 { m.trim_end_matches('}').to_string() } else { m })
        }),
        format: Some(Format::Telegram),
        docs: 4,
        rejected: 1,
        checks: &[Rejected(0, 19, "damaged message"), Record(2, "4"), Record(3, "5")],
        ..CASE
    },
    Case {
        name: "telegram export cut inside a message keeps the messages before",
        input: Input::Generated(|| {
            let full = telegram_with(|_, m| m);
            let cut = full.find("Message 4").unwrap() + 4;
            full[..cut].to_string()
        }),
        format: Some(Format::Telegram),
        docs: 3,
        rejected: 1,
        checks: &[Rejected(0, 25, "cut short"), Text(2, "Message 3")],
        ..CASE
    },
    Case {
        name: "telegram export cut between messages keeps the messages before",
        input: Input::Generated(|| {
            let full = telegram_with(|_, m| m);
            let cut = full.find("\"Message 3\"\n  },").unwrap() + 15;
            full[..cut].to_string()
        }),
        format: Some(Format::Telegram),
        docs: 3,
        rejected: 1,
        checks: &[Rejected(0, 23, "cut short here")],
        ..CASE
    },
    Case {
        name: "telegram-like object without messages is not an export",
        input: Input::Generated(|| "{\"name\": \"x\", \"list\": []}".to_string()),
        format: Some(Format::Telegram),
        error: Some((ErrorKind::Malformed, 0, &["not a Telegram export", "no `messages`"])),
        ..CASE
    },
    Case {
        name: "telegram export damaged before its messages is not called no export",
        input: Input::Generated(|| "{\n \"name\": \"x\",\n \"type\": ]".to_string()),
        format: Some(Format::Telegram),
        error: Some((ErrorKind::Malformed, 3, &["damaged or cut short before any message"])),
        ..CASE
    },
    // ---- Feeds ----
    Case {
        name: "feed links that are not http(s) are dropped with a warning",
        input: Input::Generated(|| {
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Hostile</title>\
             <link>javascript:alert(1)</link>\
             <item><title>One</title><link>javascript:alert(document.cookie)</link>\
             <description>Shelling in Raqqa.</description></item>\
             <item><title>Two</title><link>data:text/html,&lt;script&gt;x&lt;/script&gt;</link>\
             <description>Clashes in Hajin.</description></item>\
             <item><title>Three</title><link>HTTPS://example.org/3</link>\
             <description>A curfew in Raqqa.</description></item>\
             </channel></rss>"
                .to_string()
        }),
        format: Some(Format::Feed),
        docs: 3,
        warnings: 3,
        checks: &[
            NoUrl(0),
            NoUrl(1),
            Url(2, "HTTPS://example.org/3"),
            Warning(0, "URL \"javascript:alert(document.cookie)\" dropped"),
            Warning(1, "URL \"javascript:alert(1)\" dropped"),
            Warning(2, "URL \"data:text/html,<script>x</script>\" dropped"),
        ],
        ..CASE
    },
    Case {
        name: "rss with a broken pubDate and an empty item",
        input: Input::File("news.rss"),
        docs: 4,
        rejected: 1,
        warnings: 1,
        checks: &[
            Source(0, "Levant Field Notes"),
            SourceUrl(0, "https://example.org/levant"),
            Title(0, "Curfew extended in Raqqa"),
            ExternalId(0, "lfn-2019-201"),
            Url(0, "https://example.org/levant/curfew-extended"),
            Published(0, "2019-10-18T09:00:00Z"),
            Text(0, "The curfew in Raqqa was extended by 48 hours."),
            Line(0, 8),
            Title(1, "Convoy sighted & photographed near Tabqa"),
            NoPublished(1),
            TextHas(1, "A convoy of about twenty trucks"),
            Url(2, "https://example.org/levant/ied-deir-ez-zor"),
            Published(2, "2019-10-05T11:00:00Z"),
            Text(3, "Headline only: bridge closed near Shaddadi"),
            Published(3, "2019-10-19T08:00:00Z"),
            Warning(0, "<item> \"lfn-2019-202\": <pubDate> \"sometime on Friday\": not a date"),
            Rejected(0, 30, "neither text nor title"),
        ],
        ..CASE
    },
    Case {
        name: "atom with html content",
        input: Input::File("monitor.atom"),
        docs: 2,
        checks: &[
            Source(0, "North-East Monitoring Centre"),
            SourceUrl(0, "https://example.org/nemc/"),
            Title(0, "Prison perimeter breach reported"),
            Url(0, "https://example.org/nemc/prison-breach"),
            ExternalId(0, "nemc-2019-301"),
            Published(0, "2019-10-20T06:15:00Z"),
            Text(0, "Guards reported a breach of the outer fence of a prison in Hasakah.\n\nSecurity forces closed nearby roads."),
            Url(1, "https://example.org/nemc/displacement"),
            Published(1, "2019-10-20T12:00:00Z"),
            Text(1, "Camp administrators reported new arrivals at Washokani camp."),
        ],
        ..CASE
    },
    Case {
        name: "xml syntax error mid-file names the line; earlier items already yielded",
        input: Input::File("broken.xml"),
        docs: 1,
        checks: &[Title(0, "First item survives"), Source(0, "Euphrates Observer")],
        error: Some((ErrorKind::Malformed, 10, &["not well-formed XML", "fix the feed"])),
        ..CASE
    },
    Case {
        name: "xml whose root is a web page",
        input: Input::File("page_not_feed.xml"),
        error: Some((ErrorKind::Malformed, 2, &["root element is <html>", "--format html"])),
        ..CASE
    },
    // ---- Files that are not text ----
    Case {
        name: "binary file",
        input: Input::File("binary.txt"),
        error: Some((ErrorKind::Binary, 0, &["NUL byte at offset 13", "convert it to UTF-8"])),
        ..CASE
    },
    Case {
        name: "latin-1 file",
        input: Input::File("latin1.txt"),
        error: Some((ErrorKind::Binary, 0, &["invalid UTF-8 at byte 28"])),
        ..CASE
    },
];

/// What reading one case produced.
#[derive(Default)]
struct Seen {
    docs: Vec<RawDocument>,
    rejected: Vec<(vigil_model::Origin, String)>,
    skipped: Vec<(vigil_model::Origin, String)>,
    warnings: Vec<(vigil_model::Origin, String)>,
}

/// A channel export of five messages as Telegram Desktop writes it, each
/// message six lines (message k opens on line 6k, its `"id"` on 6k + 1,
/// its text on 6k + 4), with `edit` applied to each message's JSON.
fn telegram_with(edit: fn(usize, String) -> String) -> String {
    let messages: Vec<String> = (1..=5)
        .map(|k| {
            edit(
                k,
                format!(
                    "  {{\n   \"id\": {k},\n   \"type\": \"message\",\n   \
                     \"date_unixtime\": \"157113360{k}\",\n   \"text\": \"Message {k}\"\n  }}"
                ),
            )
        })
        .collect();
    format!(
        "{{\n \"name\": \"Salvage\",\n \"type\": \"public_channel\",\n \"id\": 123,\n \
         \"messages\": [\n{}\n ]\n}}\n",
        messages.join(",\n")
    )
}

/// Bytes that are not UTF-8 in one record lose that record only, named by
/// its line (a byte offset in the whole file told the user nothing).
#[test]
fn a_record_that_is_not_utf8_loses_only_itself() {
    let dir = tempfile::tempdir().unwrap();
    let mut jsonl = b"{\"text\": \"one\"}\n".to_vec();
    jsonl.extend_from_slice(b"{\"text\": \"caf\xe9\"}\n{\"text\": \"three\"}\n");
    let tg = telegram_with(|k, m| {
        if k == 2 {
            m.replace("Message 2", "Message \u{1}2")
        } else {
            m
        }
    });
    let tg = tg.replace('\u{1}', "\u{fffd}").into_bytes();
    // The replacement character's three bytes become one Latin-1 byte.
    let at = tg
        .windows(3)
        .position(|w| w == "\u{fffd}".as_bytes())
        .unwrap();
    let tg = [&tg[..at], b"\xe9".as_slice(), &tg[at + 3..]].concat();
    for (name, bytes, docs, line, record) in [
        ("latin1.jsonl", jsonl, 2, 2, None),
        ("result.json", tg, 4, 13, Some("2")),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let mut kept = 0;
        let mut rejected = Vec::new();
        read_file(
            &path,
            None,
            &ReadOptions::default(),
            &mut |item| match item {
                Item::Document(_) => kept += 1,
                Item::Rejected { origin, reason } => rejected.push((origin, reason)),
                _ => {}
            },
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(kept, docs, "{name}: {rejected:?}");
        assert_eq!(rejected.len(), 1, "{name}: {rejected:?}");
        let (origin, reason) = &rejected[0];
        assert_eq!(origin.line, Some(line), "{name}: {reason}");
        assert_eq!(origin.record.as_deref(), record, "{name}: {reason}");
        assert!(reason.contains("not UTF-8"), "{name}: {reason}");
        assert!(!reason.contains("offset"), "{name}: {reason}");
    }
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn run(case: &Case) -> (Seen, Result<(), IngestError>, String) {
    let mut opts = ReadOptions::default();
    match case.opts {
        Opts::Default => {}
        Opts::MaxDocBytes(n) => opts.max_doc_bytes = n,
        Opts::CsvMap(m) => opts.csv_map = m.parse().expect("case's --csv-map parses"),
    }
    let mut seen = Seen::default();
    let mut sink = |item: Item| match item {
        Item::Document(d) => seen.docs.push(d),
        Item::Rejected { origin, reason } => seen.rejected.push((origin, reason)),
        Item::Skipped { origin, reason } => seen.skipped.push((origin, reason)),
        Item::Warning { origin, message } => seen.warnings.push((origin, message)),
    };
    let (path, result) = match case.input {
        Input::File(name) => {
            let path = fixture(name);
            let result = read_file(&path, case.format, &opts, &mut sink);
            (path.display().to_string(), result)
        }
        Input::Generated(make) => {
            let format = case.format.expect("generated input names its format");
            let text = make();
            let result = read_str(case.name, &text, format, &opts, &mut sink);
            (case.name.to_string(), result)
        }
    };
    (seen, result, path)
}

fn check(case: &Case, seen: &Seen, c: Check) {
    let doc = |i: usize| {
        seen.docs
            .get(i)
            .unwrap_or_else(|| panic!("{}: no document {i} for {c:?}", case.name))
    };
    let at = |v: &[(vigil_model::Origin, String)], i: usize| {
        v.get(i)
            .cloned()
            .unwrap_or_else(|| panic!("{}: no item {i} for {c:?}", case.name))
    };
    let date = |s: &str| vigil_ingest::parse_datetime(s).expect("case's date parses");
    let name = case.name;
    match c {
        Title(i, t) => assert_eq!(doc(i).title.as_deref(), Some(t), "{name}"),
        NoTitle(i) => assert_eq!(doc(i).title, None, "{name}"),
        Published(i, d) => assert_eq!(doc(i).published, Some(date(d)), "{name}"),
        NoPublished(i) => assert_eq!(doc(i).published, None, "{name}"),
        Edited(i, d) => assert_eq!(doc(i).edited, Some(date(d)), "{name}"),
        Source(i, s) => assert_eq!(doc(i).source_name.as_deref(), Some(s), "{name}"),
        SourceUrl(i, s) => assert_eq!(doc(i).source_url.as_deref(), Some(s), "{name}"),
        Kind(i, k) => assert_eq!(doc(i).source_kind, Some(k), "{name}"),
        ExternalId(i, s) => assert_eq!(doc(i).external_id.as_deref(), Some(s), "{name}"),
        Url(i, s) => assert_eq!(doc(i).url.as_deref(), Some(s), "{name}"),
        NoUrl(i) => assert_eq!(doc(i).url, None, "{name}"),
        Lang(i, l) => {
            assert_eq!(
                doc(i).lang_hint.as_ref().map(|l| l.as_str()),
                Some(l),
                "{name}"
            )
        }
        Forwarded(i, s) => assert_eq!(doc(i).forwarded_from.as_deref(), Some(s), "{name}"),
        Text(i, t) => assert_eq!(doc(i).text, t, "{name}"),
        TextHas(i, t) => assert!(doc(i).text.contains(t), "{name}: {:?}", doc(i).text),
        TextLacks(i, t) => assert!(!doc(i).text.contains(t), "{name}: {:?}", doc(i).text),
        Line(i, l) => assert_eq!(doc(i).origin.line, Some(l), "{name}"),
        Record(i, r) => assert_eq!(doc(i).origin.record.as_deref(), Some(r), "{name}"),
        Rejected(i, line, part) => {
            let (origin, reason) = at(&seen.rejected, i);
            assert_eq!(origin.line, (line > 0).then_some(line), "{name}: {reason}");
            assert!(reason.contains(part), "{name}: {reason}");
        }
        Skipped(i, part) => {
            let (_, reason) = at(&seen.skipped, i);
            assert!(reason.contains(part), "{name}: {reason}");
        }
        Warning(i, part) => {
            let (_, message) = at(&seen.warnings, i);
            assert!(message.contains(part), "{name}: {message}");
        }
    }
}

#[test]
fn readers_against_fixtures() {
    for case in CASES {
        let started = Instant::now();
        let (seen, result, path) = run(case);
        let took = started.elapsed();
        let name = case.name;
        assert!(took <= case.max_time, "{name}: took {took:?}");
        let counts = (
            seen.docs.len(),
            seen.rejected.len(),
            seen.skipped.len(),
            seen.warnings.len(),
        );
        assert_eq!(
            counts,
            (case.docs, case.rejected, case.skipped, case.warnings),
            "{name}: (docs, rejected, skipped, warnings); rejected {:?}, skipped {:?}, warnings {:?}",
            seen.rejected,
            seen.skipped,
            seen.warnings,
        );
        // Every item names its file, and every complaint names where in it.
        let origins = seen.docs.iter().map(|d| &d.origin).chain(
            seen.rejected
                .iter()
                .chain(&seen.skipped)
                .chain(&seen.warnings)
                .map(|(o, _)| o),
        );
        for origin in origins {
            assert_eq!(origin.file.as_deref(), Some(path.as_str()), "{name}");
        }
        for (origin, _) in seen.rejected.iter().chain(&seen.warnings) {
            let whole_file = matches!(
                case.format,
                Some(Format::Text | Format::Markdown | Format::Html)
            ) || path.ends_with(".txt")
                || path.ends_with(".md")
                || path.ends_with(".html");
            assert!(
                whole_file || origin.line.is_some() || origin.record.is_some(),
                "{name}: {origin} does not say where"
            );
        }
        for c in case.checks {
            check(case, &seen, *c);
        }
        match (case.error, result) {
            (None, Ok(())) => {}
            (Some((kind, line, parts)), Err(err)) => {
                let message = err.to_string();
                assert!(message.starts_with(&path), "{name}: {message}");
                match (kind, &err) {
                    (ErrorKind::Binary, IngestError::Binary { .. }) => {}
                    (ErrorKind::Malformed, IngestError::Malformed { line: got, .. }) => {
                        if line > 0 {
                            assert_eq!(*got, Some(line), "{name}: {message}");
                            assert!(
                                message.starts_with(&format!("{path}:{line}: ")),
                                "{name}: {message}"
                            );
                        }
                    }
                    _ => panic!("{name}: expected {kind:?}, got {err:?}"),
                }
                for part in parts {
                    assert!(message.contains(part), "{name}: {message}");
                }
            }
            (want, got) => panic!("{name}: expected error {want:?}, got {got:?}"),
        }
    }
}

/// Inputs shaped like each format, broken at random: the prefixes get the
/// readers past their first checks, the alphabet is the formats' syntax.
fn hostile_text() -> impl Strategy<Value = String> {
    let prefix = prop::sample::select(vec![
        "",
        "---\ntitle: x\n",
        "<rss><channel><title>t</title><item><title>",
        "<feed><entry><content type=\"xhtml\">",
        "{\"name\": \"c\", \"id\": 5, \"messages\": [{\"id\": 1, \"text\": [",
        "{\"text\": \"x\", \"id\": ",
        "text,title,published\n",
        "<html><body><article><p>",
    ]);
    let body = prop_oneof![
        any::<String>(),
        "[<>/a-z0-9 \"'{}:,\\[\\]\n\t&;#=!?-]{0,300}",
        "(<div>|</div>|<p>|<b>|&amp;|&#x202e;|<!\\[CDATA\\[|\\]\\]>|<item>|</item>|\"|,|\n|\\{|\\}){0,200}",
    ];
    (prefix, body).prop_map(|(p, b)| format!("{p}{b}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn read_str_never_panics(text in hostile_text()) {
        let opts = ReadOptions { max_doc_bytes: 64, ..ReadOptions::default() };
        for format in Format::ALL {
            let mut items = 0usize;
            let _ = read_str("fuzz", &text, *format, &opts, &mut |_| items += 1);
        }
    }
}

/// A chat that names itself after its messages (keys written in another
/// order than Telegram Desktop's, as other tools write them) still names
/// the source of every message, and their links.
#[test]
fn a_chat_named_after_its_messages_names_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("result.json");
    let json = "{\n \"id\": 1371229604,\n \"messages\": [\n  {\"id\": 7, \"type\": \"message\", \
                \"date_unixtime\": \"1568786797\", \"text\": \"one\"},\n  {\"id\": 8, \"type\": \
                \"message\", \"date_unixtime\": \"1568786897\", \"text\": \"two\"}\n ],\n \
                \"name\": \"Wilayat Claims Channel\",\n \"type\": \"public_channel\"\n}\n";
    std::fs::write(&path, json).unwrap();
    let mut docs = Vec::new();
    read_file(&path, None, &ReadOptions::default(), &mut |item| {
        if let Item::Document(d) = item {
            docs.push(d)
        }
    })
    .unwrap();
    assert_eq!(docs.len(), 2);
    for d in &docs {
        assert_eq!(d.source_name.as_deref(), Some("Wilayat Claims Channel"));
        assert!(
            d.url.as_deref().is_some_and(|u| u.contains("1371229604")),
            "{:?}",
            d.url
        );
    }
}
