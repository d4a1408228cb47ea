//! HTML pages: the visible text of the article, and the page's metadata.
//!
//! Pages are hostile input: they may hide text with CSS, nest tags ten
//! thousand deep or put markup in attributes. html5ever parses any byte
//! soup the way a browser would, so what we keep is what a reader would
//! see; we walk the tree without recursion, keep only text nodes (never
//! attributes), and leave escaping to the display layer, so direction
//! overrides (U+202E) and the like stay in the text as characters.

use scraper::node::Element;
use scraper::{ElementRef, Html, Node};
use vigil_model::Lang;

use crate::{dates, origin, IngestError, Item, RawDocument};

/// Elements whose content a reader does not see as the page's text:
/// scripts, styling, embedded objects, forms, and the navigation chrome
/// around an article. `head` and `title` are included for pages without a
/// body, where the walk starts at the root.
const REMOVED: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "iframe", "form", "nav", "header", "footer",
    "aside", "head", "title", "object", "embed", "canvas", "video", "audio", "math",
];

/// Elements that end a paragraph: a blank line before and after.
#[rustfmt::skip]
const PARAGRAPH: &[&str] = &[
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "section", "article", "main",
    "ul", "ol", "dl", "table", "figure", "hr", "address", "details", "fieldset",
];

/// Elements that end a line.
#[rustfmt::skip]
const LINE: &[&str] = &[
    "div", "br", "li", "tr", "dt", "dd", "figcaption", "caption", "summary", "legend",
];

/// Table cells: kept apart by a space so that cells do not run together.
const CELL: &[&str] = &["td", "th"];

/// Reads an HTML page as one document.
pub(crate) fn read(path: &str, text: &str, sink: &mut dyn FnMut(Item)) -> Result<(), IngestError> {
    let page = parse(text);
    let at = origin(path, None, None);
    let body = content_root(&page);
    let text = visible_text(body);
    if text.is_empty() {
        sink(Item::Skipped {
            origin: at,
            reason: "page has no visible text once scripts, navigation and markup are removed"
                .to_string(),
        });
        return Ok(());
    }
    let meta = Meta::scan(&page);
    let title = meta
        .og_title
        .clone()
        .or_else(|| meta.title.clone())
        .or_else(|| {
            first_element(body, "h1")
                .or_else(|| first_element(page.root_element(), "h1"))
                .map(line_text)
        })
        .filter(|t| !t.is_empty());
    let time = first_element(body, "time")
        .filter(|t| t.attr("datetime").is_some())
        .or_else(|| {
            find_element(page.root_element(), |e| {
                e.name() == "time" && e.attr("datetime").is_some()
            })
        })
        .and_then(|t| t.attr("datetime"));
    let date_candidates = [meta.published_time.as_deref(), meta.date.as_deref(), time];
    let published = date_candidates
        .iter()
        .flatten()
        .find_map(|d| dates::parse_datetime(d));
    if published.is_none() {
        let given: Vec<String> = date_candidates
            .iter()
            .flatten()
            .map(|d| format!("{d:?}"))
            .collect();
        if !given.is_empty() {
            sink(Item::Warning {
                origin: at.clone(),
                message: format!(
                    "page date {} is not a date, so the page is kept without one; {}",
                    given.join(", "),
                    dates::EXPECTED
                ),
            });
        }
    }
    // A relative canonical link ("/reports/x") has no host to resolve it
    // against, and an address without a host is no use to an analyst.
    let url = [meta.canonical.as_deref(), meta.og_url.as_deref()]
        .into_iter()
        .flatten()
        .find(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(str::to_string);
    // `<html lang>` is only a hint (templates often say `en` over Arabic
    // text); an invalid value is dropped rather than failing the page.
    let lang_hint = page
        .root_element()
        .attr("lang")
        .and_then(|l| l.parse::<Lang>().ok());
    sink(Item::Document(RawDocument {
        source_name: meta.site_name,
        url,
        published,
        lang_hint,
        title,
        text,
        origin: at,
        ..RawDocument::default()
    }));
    Ok(())
}

/// The visible text of an HTML page or fragment (a feed item's
/// description): blocks become lines, paragraphs are separated by one blank
/// line, runs of spaces collapse, entities are decoded. Scripts, styles,
/// navigation and the other elements `docs/formats.md` lists are dropped,
/// and when the page has an `<article>` (or else a `<main>`) only that is
/// kept.
///
/// ```
/// use vigil_ingest::html_to_text;
/// let html = "<p>Shelling&nbsp;hit <b>Ain  Issa</b>.</p><script>x()</script><p>Two dead.</p>";
/// assert_eq!(html_to_text(html), "Shelling hit Ain Issa.\n\nTwo dead.");
/// ```
pub fn html_to_text(html: &str) -> String {
    visible_text(content_root(&parse(html)))
}

/// Parses a page as a browser would, after capping its nesting depth.
///
/// html5ever checks scopes by walking the stack of open elements, so each
/// block tag costs time in proportion to the depth: 200,000 unclosed
/// `<div>`s (1 MB) took five minutes. Browsers cap the depth for the same
/// reason (Blink at 512 levels); [`nesting::cap`] drops the tags that
/// would go deeper, keeping their text, before html5ever sees the page.
fn parse(html: &str) -> Html {
    Html::parse_document(&nesting::cap(html, nesting::MAX_DEPTH))
}

/// The element whose text is the page's text: the first `<article>`, else
/// the first `<main>`, else `<body>`, ignoring ones inside removed elements
/// (an `<article>` teaser in an `<aside>` is not the article).
fn content_root(page: &Html) -> ElementRef<'_> {
    let root = page.root_element();
    let mut article = None;
    let mut main = None;
    let mut body = None;
    walk(root, |visit| match visit {
        Visit::Open(el) => {
            if is_removed(el.value()) {
                return false;
            }
            match el.value().name() {
                "article" if article.is_none() => article = Some(el),
                "main" if main.is_none() => main = Some(el),
                "body" if body.is_none() => body = Some(el),
                _ => {}
            }
            true
        }
        // Once an article is found nothing later can win: stop.
        _ => article.is_none(),
    });
    article.or(main).or(body).unwrap_or(root)
}

fn is_removed(el: &Element) -> bool {
    if REMOVED.contains(&el.name()) || el.attr("hidden").is_some() {
        return true;
    }
    // Text hidden with inline CSS is a classic way to slip words past a
    // reader into a machine's input; a browser would not show it.
    el.attr("style").is_some_and(|style| {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        style.contains("display:none") || style.contains("visibility:hidden")
    })
}

/// The visible text under `root`, laid out in lines and paragraphs.
fn visible_text(root: ElementRef<'_>) -> String {
    let mut out = TextOut::default();
    walk(root, |visit| match visit {
        Visit::Open(el) => {
            let el = el.value();
            if is_removed(el) {
                return false;
            }
            out.boundary(el.name(), true);
            true
        }
        Visit::Close(el) => {
            out.boundary(el.value().name(), false);
            true
        }
        Visit::Text(t) => {
            out.text(t);
            true
        }
    });
    out.finish()
}

/// The text of one element on one line, for titles.
fn line_text(el: ElementRef<'_>) -> String {
    visible_text(el)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn first_element<'a>(root: ElementRef<'a>, name: &str) -> Option<ElementRef<'a>> {
    find_element(root, |e| e.name() == name)
}

fn find_element<'a>(
    root: ElementRef<'a>,
    pred: impl Fn(&Element) -> bool,
) -> Option<ElementRef<'a>> {
    let mut found = None;
    walk(root, |visit| {
        if let Visit::Open(el) = visit {
            if pred(el.value()) {
                found = Some(el);
            }
        }
        found.is_none()
    });
    found
}

/// Metadata from `<meta>`, `<link>` and `<title>`, wherever they are.
#[derive(Debug, Default)]
struct Meta {
    og_title: Option<String>,
    title: Option<String>,
    site_name: Option<String>,
    og_url: Option<String>,
    canonical: Option<String>,
    published_time: Option<String>,
    date: Option<String>,
}

impl Meta {
    fn scan(page: &Html) -> Meta {
        let mut meta = Meta::default();
        walk(page.root_element(), |visit| {
            let Visit::Open(el) = visit else { return true };
            let e = el.value();
            match e.name() {
                "meta" => {
                    // Sites put Open Graph keys in `name` as often as in
                    // `property`.
                    let key = e.attr("property").or_else(|| e.attr("name")).unwrap_or("");
                    let Some(content) = e.attr("content").map(str::trim).filter(|c| !c.is_empty())
                    else {
                        return true;
                    };
                    let slot = match key.trim().to_ascii_lowercase().as_str() {
                        "og:title" => &mut meta.og_title,
                        "og:site_name" => &mut meta.site_name,
                        "og:url" => &mut meta.og_url,
                        "article:published_time" => &mut meta.published_time,
                        "date" => &mut meta.date,
                        _ => return true,
                    };
                    slot.get_or_insert_with(|| content.to_string());
                }
                "link" => {
                    let canonical = e.attr("rel").is_some_and(|r| {
                        r.split_whitespace()
                            .any(|t| t.eq_ignore_ascii_case("canonical"))
                    });
                    if canonical && meta.canonical.is_none() {
                        meta.canonical = e.attr("href").map(|h| h.trim().to_string());
                    }
                }
                // Only the document's own title: an SVG `<title>` in the
                // body is a tooltip.
                "title"
                    if meta.title.is_none()
                        && el
                            .parent()
                            .and_then(ElementRef::wrap)
                            .is_some_and(|p| p.value().name() == "head") =>
                {
                    let t = el.text().collect::<String>();
                    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !t.is_empty() {
                        meta.title = Some(t);
                    }
                }
                _ => {}
            }
            true
        });
        meta
    }
}

/// One step of a document-order walk.
enum Visit<'a> {
    Open(ElementRef<'a>),
    Close(ElementRef<'a>),
    Text(&'a str),
}

/// Walks the subtree under `root` in document order with a loop rather
/// than recursion, so that a page of ten thousand nested `<div>`s cannot
/// overflow the stack. `visit` returns `false` on `Open` to skip the
/// element's subtree (no `Close` follows), or `false` on `Close` or `Text`
/// to stop the walk.
fn walk<'a>(root: ElementRef<'a>, mut visit: impl FnMut(Visit<'a>) -> bool) {
    let start = *root;
    let mut node = start;
    'enter: loop {
        let mut opened = None;
        match node.value() {
            Node::Element(_) => {
                if let Some(el) = ElementRef::wrap(node) {
                    if visit(Visit::Open(el)) {
                        if let Some(child) = node.first_child() {
                            node = child;
                            continue 'enter;
                        }
                        opened = Some(el);
                    }
                }
            }
            Node::Text(t) if !visit(Visit::Text(&t.text)) => return,
            _ => {}
        }
        if let Some(el) = opened {
            if !visit(Visit::Close(el)) {
                return;
            }
        }
        // The node is done: move to its next sibling, closing parents on
        // the way up.
        loop {
            if node.id() == start.id() {
                return;
            }
            if let Some(next) = node.next_sibling() {
                node = next;
                continue 'enter;
            }
            let Some(parent) = node.parent() else { return };
            node = parent;
            if let Some(el) = ElementRef::wrap(parent) {
                if !visit(Visit::Close(el)) {
                    return;
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
enum Break {
    #[default]
    None,
    Line,
    Paragraph,
}

/// Lays text out as lines and paragraphs: a break requested by a block
/// boundary is written only when more text follows, so empty blocks and
/// nested `<div>`s collapse to at most one blank line.
#[derive(Debug, Default)]
struct TextOut {
    out: String,
    pending: Break,
    space: bool,
    pre: usize,
}

impl TextOut {
    fn boundary(&mut self, name: &str, open: bool) {
        if name == "br" {
            if open {
                // Two `<br>`s in a row are how many pages write a paragraph.
                self.pending = if self.pending == Break::Line {
                    Break::Paragraph
                } else {
                    self.pending.max(Break::Line)
                };
            }
            return;
        }
        if name == "pre" {
            if open {
                self.pre += 1;
            } else {
                self.pre = self.pre.saturating_sub(1);
            }
        }
        if PARAGRAPH.contains(&name) {
            self.pending = self.pending.max(Break::Paragraph);
        } else if LINE.contains(&name) {
            self.pending = self.pending.max(Break::Line);
        } else if CELL.contains(&name) {
            self.space = true;
        }
    }

    fn text(&mut self, text: &str) {
        if self.pre > 0 {
            for (i, line) in text.split('\n').enumerate() {
                if i > 0 {
                    self.pending = self.pending.max(Break::Line);
                }
                self.words(line);
            }
        } else {
            self.words(text);
        }
    }

    fn words(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_whitespace() {
                self.space = true;
                continue;
            }
            if self.pending != Break::None {
                if !self.out.is_empty() {
                    self.out.push_str(if self.pending == Break::Line {
                        "\n"
                    } else {
                        "\n\n"
                    });
                }
                self.pending = Break::None;
                self.space = false;
            }
            if self.space && !self.out.is_empty() && !self.out.ends_with('\n') {
                self.out.push(' ');
            }
            self.space = false;
            self.out.push(c);
        }
    }

    fn finish(self) -> String {
        self.out
    }
}

/// A pre-pass over the page's tags that models html5ever's stack of open
/// elements closely enough to bound it, and removes the start tags (and
/// their end tags) that would nest deeper than the cap.
///
/// The model may overestimate the depth (a misnested `</b>` is not popped,
/// so a badly written page can be capped early, losing structure but not
/// text), but must never underestimate it, or the cap would not hold. So it
/// follows the tokenizer where it matters: quotes start a value only after
/// `=`, script data has its escape states, RAWTEXT and RCDATA elements hide
/// their content, and in SVG and MathML `/>` closes an element while HTML
/// elements break out and integration points switch back to HTML.
mod nesting {
    use std::borrow::Cow;
    use std::collections::HashMap;

    /// Blink's limit (`kMaximumHTMLParserDOMTreeDepth`); no real page
    /// comes near it.
    pub(super) const MAX_DEPTH: usize = 512;

    /// Elements that never stay open.
    #[rustfmt::skip]
    const VOID: &[&str] = &[
        "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img",
        "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
    ];

    /// Elements the tree builder closes when a sibling opens, or merges
    /// (`body`): they cannot nest without a counted element between them,
    /// and pages often leave them unclosed, so counting them would only
    /// overestimate.
    #[rustfmt::skip]
    const NOT_COUNTED: &[&str] = &[
        "html", "head", "body", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th",
        "tbody", "thead", "tfoot", "colgroup", "caption", "rb", "rt", "rp", "rtc",
    ];

    /// RAWTEXT and RCDATA elements: their content is text up to their end
    /// tag (`script` has its own rules).
    const RAW: &[&str] = &[
        "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea", "title",
    ];

    /// HTML start tags that end SVG or MathML content.
    #[rustfmt::skip]
    const BREAKOUT: &[&str] = &[
        "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em",
        "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing",
        "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike",
        "sub", "sup", "table", "tt", "u", "ul", "var",
    ];

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Ns {
        Html,
        Svg,
        Math,
    }

    #[derive(Debug)]
    struct Open<'a> {
        name: &'a str,
        ns: Ns,
        /// An SVG or MathML element whose content is parsed as HTML.
        integration: bool,
    }

    #[derive(Debug)]
    struct Tag<'a> {
        name: &'a str,
        /// Just past the closing `>`.
        end: usize,
        self_closing: bool,
        /// `<font color|face|size>`, which breaks out of SVG.
        font_breakout: bool,
        /// `encoding="text/html"` (MathML `annotation-xml`).
        html_encoding: bool,
    }

    fn is(name: &str, list: &[&str]) -> bool {
        list.iter().any(|n| n.eq_ignore_ascii_case(name))
    }

    fn is_ws(b: u8) -> bool {
        matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
    }

    /// `html` with tags nested deeper than `max` removed, borrowed when
    /// nothing was.
    pub(super) fn cap(html: &str, max: usize) -> Cow<'_, str> {
        let mut c = Capper {
            html,
            max,
            stack: Vec::new(),
            dropped: HashMap::new(),
            out: None,
            copied: 0,
        };
        let b = html.as_bytes();
        let mut i = 0usize;
        while let Some(offset) = html[i..].find('<') {
            let lt = i + offset;
            let next = match b.get(lt + 1) {
                Some(ch) if ch.is_ascii_alphabetic() => c.start_tag(lt),
                Some(b'/') => match b.get(lt + 2) {
                    Some(ch) if ch.is_ascii_alphabetic() => c.end_tag(lt),
                    Some(b'>') => Some(lt + 3),
                    _ => html[lt..].find('>').map(|gt| lt + gt + 1),
                },
                Some(b'!') => {
                    let rest = &html[lt..];
                    let len = if let Some(comment) = rest.strip_prefix("<!--") {
                        // `<!-->` and `<!--->` are whole (empty) comments.
                        if comment.starts_with('>') {
                            Some(5)
                        } else if comment.starts_with("->") {
                            Some(6)
                        } else {
                            let a = comment.find("-->").map(|p| p + 4 + 3);
                            let b = comment.find("--!>").map(|p| p + 4 + 4);
                            a.into_iter().chain(b).min()
                        }
                    } else if !c.in_html() && rest.starts_with("<![CDATA[") {
                        rest.find("]]>").map(|p| p + 3)
                    } else {
                        rest.find('>').map(|p| p + 1)
                    };
                    len.map(|len| lt + len)
                }
                Some(b'?') => html[lt..].find('>').map(|gt| lt + gt + 1),
                _ => Some(lt + 1),
            };
            // `None`: the rest of the input is inside a tag, comment or
            // raw text, where no element can open.
            let Some(next) = next else { break };
            i = next;
        }
        match c.out {
            None => Cow::Borrowed(html),
            Some(mut out) => {
                out.push_str(&html[c.copied..]);
                Cow::Owned(out)
            }
        }
    }

    /// The model's state while scanning.
    struct Capper<'a> {
        html: &'a str,
        max: usize,
        stack: Vec<Open<'a>>,
        /// Start tags removed, by lowercase name, so that as many of their
        /// end tags are removed too.
        dropped: HashMap<String, usize>,
        /// The rewritten page, once something has been removed.
        out: Option<String>,
        /// How much of `html` has been copied to `out`.
        copied: usize,
    }

    impl<'a> Capper<'a> {
        /// Whether start tags now follow HTML's rules rather than SVG's or
        /// MathML's.
        fn in_html(&self) -> bool {
            self.stack
                .last()
                .is_none_or(|o| o.ns == Ns::Html || o.integration)
        }

        /// The start tag at `lt`; returns where scanning resumes.
        fn start_tag(&mut self, lt: usize) -> Option<usize> {
            let tag = lex_tag(self.html, lt + 1)?;
            let name = tag.name;
            if !self.in_html() {
                let breakout =
                    is(name, BREAKOUT) || (name.eq_ignore_ascii_case("font") && tag.font_breakout);
                if !breakout {
                    if !tag.self_closing {
                        let parent = self.stack.last().map_or(Ns::Html, |o| o.ns);
                        let ns = namespace(name).unwrap_or(parent);
                        let integration = match ns {
                            Ns::Svg => is(name, &["foreignobject", "desc", "title"]),
                            Ns::Math => {
                                is(name, &["mi", "mo", "mn", "ms", "mtext"])
                                    || (name.eq_ignore_ascii_case("annotation-xml")
                                        && tag.html_encoding)
                            }
                            Ns::Html => false,
                        };
                        self.open(
                            lt,
                            &tag,
                            Open {
                                name,
                                ns,
                                integration,
                            },
                        );
                    }
                    return Some(tag.end);
                }
                // An HTML element ends the SVG or MathML around it.
                while self
                    .stack
                    .last()
                    .is_some_and(|o| o.ns != Ns::Html && !o.integration)
                {
                    self.stack.pop();
                }
            }
            let ns = namespace(name).unwrap_or(Ns::Html);
            if ns != Ns::Html && tag.self_closing || is(name, VOID) || is(name, NOT_COUNTED) {
                return Some(tag.end);
            }
            if name.eq_ignore_ascii_case("script") {
                return skip_script(self.html, tag.end);
            }
            if is(name, RAW) {
                return find_end_tag(self.html, tag.end, name);
            }
            if name.eq_ignore_ascii_case("plaintext") {
                return None;
            }
            self.open(
                lt,
                &tag,
                Open {
                    name,
                    ns,
                    integration: false,
                },
            );
            Some(tag.end)
        }

        /// The end tag at `lt`; returns where scanning resumes.
        fn end_tag(&mut self, lt: usize) -> Option<usize> {
            let tag = lex_tag(self.html, lt + 2)?;
            let key = tag.name.to_ascii_lowercase();
            if let Some(n) = self.dropped.get_mut(&key).filter(|n| **n > 0) {
                *n -= 1;
                self.remove(lt, tag.end);
            } else if self
                .stack
                .last()
                .is_some_and(|o| o.name.eq_ignore_ascii_case(tag.name))
            {
                self.stack.pop();
            }
            Some(tag.end)
        }

        /// Pushes an element, or removes its start tag if that would go
        /// deeper than the cap.
        fn open(&mut self, lt: usize, tag: &Tag<'a>, open: Open<'a>) {
            if self.stack.len() >= self.max {
                *self
                    .dropped
                    .entry(tag.name.to_ascii_lowercase())
                    .or_default() += 1;
                self.remove(lt, tag.end);
            } else {
                self.stack.push(open);
            }
        }

        /// Leaves `html[from..to]` out of the rewritten page.
        fn remove(&mut self, from: usize, to: usize) {
            let out = self
                .out
                .get_or_insert_with(|| String::with_capacity(self.html.len()));
            out.push_str(&self.html[self.copied..from]);
            self.copied = to;
        }
    }

    /// The namespace an element starts, if it is a foreign root.
    fn namespace(name: &str) -> Option<Ns> {
        if name.eq_ignore_ascii_case("svg") {
            Some(Ns::Svg)
        } else if name.eq_ignore_ascii_case("math") {
            Some(Ns::Math)
        } else {
            None
        }
    }

    /// A start or end tag whose name begins at `i`, with its attributes
    /// read as the tokenizer reads them. `None` when the input ends inside
    /// the tag (the tokenizer then drops it, and the rest of the input).
    fn lex_tag(s: &str, mut i: usize) -> Option<Tag<'_>> {
        let b = s.as_bytes();
        let start = i;
        while i < b.len() && !is_ws(b[i]) && b[i] != b'/' && b[i] != b'>' {
            i += 1;
        }
        let mut tag = Tag {
            name: &s[start..i],
            end: 0,
            self_closing: false,
            font_breakout: false,
            html_encoding: false,
        };
        loop {
            while i < b.len() && is_ws(b[i]) {
                i += 1;
            }
            match *b.get(i)? {
                b'>' => {
                    tag.end = i + 1;
                    return Some(tag);
                }
                b'/' => {
                    if b.get(i + 1) == Some(&b'>') {
                        tag.self_closing = true;
                        tag.end = i + 2;
                        return Some(tag);
                    }
                    i += 1;
                    continue;
                }
                _ => {}
            }
            // An attribute name; a leading `=` belongs to it.
            let name_start = i;
            i += 1;
            while i < b.len() && !is_ws(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
                i += 1;
            }
            let name = &s[name_start..i];
            while i < b.len() && is_ws(b[i]) {
                i += 1;
            }
            let mut value = "";
            if b.get(i) == Some(&b'=') {
                i += 1;
                while i < b.len() && is_ws(b[i]) {
                    i += 1;
                }
                match *b.get(i)? {
                    q @ (b'"' | b'\'') => {
                        let close = s[i + 1..].find(q as char)?;
                        value = &s[i + 1..i + 1 + close];
                        i = i + 1 + close + 1;
                    }
                    b'>' => {}
                    _ => {
                        let value_start = i;
                        while i < b.len() && !is_ws(b[i]) && b[i] != b'>' {
                            i += 1;
                        }
                        value = &s[value_start..i];
                    }
                }
            }
            if is(name, &["color", "face", "size"]) {
                tag.font_breakout = true;
            }
            if name.eq_ignore_ascii_case("encoding")
                && is(value, &["text/html", "application/xhtml+xml"])
            {
                tag.html_encoding = true;
            }
        }
    }

    /// Whether `</name` followed by a delimiter starts at `at`.
    fn end_tag_at(s: &str, at: usize, name: &str) -> bool {
        let b = s.as_bytes();
        b[at..].starts_with(b"</")
            && b.get(at + 2..at + 2 + name.len())
                .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
            && b.get(at + 2 + name.len())
                .is_none_or(|c| is_ws(*c) || matches!(c, b'/' | b'>'))
    }

    /// The position of the end tag that closes a RAWTEXT or RCDATA element.
    fn find_end_tag(s: &str, from: usize, name: &str) -> Option<usize> {
        let mut i = from;
        while let Some(p) = s[i..].find("</") {
            let at = i + p;
            if end_tag_at(s, at, name) {
                return Some(at);
            }
            i = at + 2;
        }
        None
    }

    /// The position of the `</script` that ends a script, following the
    /// tokenizer's escape states: inside `<!--`, a `<script>` starts a
    /// double-escaped run in which `</script>` does not end the script.
    fn skip_script(s: &str, from: usize) -> Option<usize> {
        #[derive(PartialEq)]
        enum State {
            Data,
            Escaped,
            DoubleEscaped,
        }
        let b = s.as_bytes();
        let mut state = State::Data;
        let mut i = from;
        while i < b.len() {
            let p = i + b[i..].iter().position(|c| matches!(c, b'<' | b'-'))?;
            let rest = &s[p..];
            if rest.starts_with("-->") && state != State::Data {
                state = State::Data;
                i = p + 3;
            } else if rest.starts_with("<!--") && state == State::Data {
                state = State::Escaped;
                // The dashes may also end it: `<!-->`.
                i = p + 2;
            } else if end_tag_at(s, p, "script") {
                match state {
                    State::DoubleEscaped => {
                        state = State::Escaped;
                        i = p + 8;
                    }
                    _ => return Some(p),
                }
            } else if state == State::Escaped
                && rest.len() > 7
                && rest.as_bytes()[1..7].eq_ignore_ascii_case(b"script")
                && (is_ws(rest.as_bytes()[7]) || matches!(rest.as_bytes()[7], b'/' | b'>'))
            {
                state = State::DoubleEscaped;
                i = p + 7;
            } else {
                i = p + 1;
            }
        }
        None
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn cap_drops_only_what_is_too_deep() {
            // (name, input, output with a cap of 2)
            let cases: &[(&str, &str, &str)] = &[
                (
                    "shallow",
                    "<div><span>x</span></div>",
                    "<div><span>x</span></div>",
                ),
                (
                    "deep",
                    "<div><div><div><div>x</div></div></div></div>",
                    "<div><div>x</div></div>",
                ),
                ("unclosed", "<div><div><div>x", "<div><div>x"),
                (
                    "self-closing html still opens",
                    "<div/><div/><div/>x",
                    "<div/><div/>x",
                ),
                (
                    "void and auto-closing",
                    "<b><i><br><p><li><img>x",
                    "<b><i><br><p><li><img>x",
                ),
                (
                    "closed siblings",
                    "<b>1</b><b>2</b><b>3</b>",
                    "<b>1</b><b>2</b><b>3</b>",
                ),
                (
                    "quote in attribute name",
                    "<a x\"><b y\"><i>x",
                    "<a x\"><b y\">x",
                ),
                (
                    "quoted >",
                    "<a t=\"<b>\"><b t='>'><i>x",
                    "<a t=\"<b>\"><b t='>'>x",
                ),
                ("unquoted slash", "<svg><g a=b/><g>x", "<svg><g a=b/>x"),
                (
                    "svg self-closing",
                    "<svg><path/><path/><path/>x",
                    "<svg><path/><path/><path/>x",
                ),
                ("svg breakout", "<b><svg><div><i>x", "<b><svg><div>x"),
                (
                    "integration point",
                    "<svg><foreignObject><x/><y/>",
                    "<svg><foreignObject>",
                ),
                (
                    "script content",
                    "<b><script><i><u></script><s>x",
                    "<b><script><i><u></script><s>x",
                ),
                (
                    "script escape",
                    "<b><script><!--<script></script></b>--></script><i><u>x",
                    "<b><script><!--<script></script></b>--></script><i>x",
                ),
                (
                    "rawtext",
                    "<b><style></b></style><i><u>x",
                    "<b><style></b></style><i>x",
                ),
                ("comment", "<b><!-- </b> --><i><u>x", "<b><!-- </b> --><i>x"),
                (
                    "cdata outside svg is a bogus comment",
                    "<b><![CDATA[</b>]]><i><u>",
                    "<b><![CDATA[</b>]]><i>",
                ),
                (
                    "end tag attributes",
                    "<b></b x='>'><i><u>x",
                    "<b></b x='>'><i><u>x",
                ),
                (
                    "unicode",
                    "<p>ع\u{202e}</p><b><i><u>س",
                    "<p>ع\u{202e}</p><b><i>س",
                ),
            ];
            for (name, input, want) in cases {
                assert_eq!(cap(input, 2), *want, "{name}");
            }
            assert!(matches!(cap("<div>x</div>", 2), Cow::Borrowed(_)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_text_layout() {
        // (name, html, expected text)
        let cases: &[(&str, &str, &str)] = &[
            ("plain", "Hello world", "Hello world"),
            ("paragraphs", "<p>One</p><p>Two</p>", "One\n\nTwo"),
            ("lines", "<div>One</div><div>Two</div>", "One\nTwo"),
            ("br", "One<br>Two<br><br>Three", "One\nTwo\n\nThree"),
            (
                "inline",
                "<p>Ain <b>Issa</b>, <i>Raqqa</i></p>",
                "Ain Issa, Raqqa",
            ),
            ("whitespace", "<p>  a \n\t b  </p>", "a b"),
            (
                "entities",
                "<p>Tom &amp; Jerry &lt;3&nbsp;x</p>",
                "Tom & Jerry <3 x",
            ),
            (
                "nested blocks",
                "<div><div><p>A</p></div></div><div><p>B</p></div>",
                "A\n\nB",
            ),
            (
                "list",
                "<ul><li>a</li><li>b</li></ul>after",
                "a\nb\n\nafter",
            ),
            (
                "table",
                "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
                "a b\nc",
            ),
            ("pre", "<pre>x  1\ny 2</pre>", "x 1\ny 2"),
            (
                "removed",
                "<nav>Menu</nav><p>Body</p><footer>(c)</footer><script>evil()</script>",
                "Body",
            ),
            (
                "article wins",
                "<body><p>Teaser</p><article><p>Story</p></article></body>",
                "Story",
            ),
            (
                "main when no article",
                "<div>Side</div><main>Main text</main>",
                "Main text",
            ),
            (
                "article in aside ignored",
                "<aside><article>Related</article></aside><p>Story</p>",
                "Story",
            ),
            (
                "hidden",
                "<p hidden>secret</p><p style='display: none'>x</p><p>seen</p>",
                "seen",
            ),
            (
                "attributes inert",
                "<img src=x onerror=\"alert(1)\" alt=\"<script>x</script>\"><p>ok</p>",
                "ok",
            ),
            ("rtl override kept", "<p>a\u{202e}b</p>", "a\u{202e}b"),
            ("unclosed", "<p>one<p>two<div>three", "one\n\ntwo\n\nthree"),
            ("empty", "<script>only()</script>", ""),
        ];
        for (name, html, want) in cases {
            assert_eq!(html_to_text(html), *want, "{name}");
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = format!("{}deep{}", "<div>".repeat(10_000), "</div>".repeat(10_000));
        assert_eq!(html_to_text(&html), "deep");
    }
}
