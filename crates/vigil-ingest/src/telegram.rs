//! Telegram Desktop exports (`result.json`): one channel or chat, or a
//! full-account export holding many under `chats.list`.
//!
//! The export format is Telegram's, not ours, and grows fields between
//! releases; so every value is read from a `serde_json::Value` and unknown
//! fields are ignored. The file is walked, not parsed whole: each message
//! is parsed on its own (memory: the file's bytes and one message), so a
//! damaged message, or one that is not UTF-8 text, is rejected by its line
//! and the messages before and after it are kept; a file cut short keeps
//! every message before the cut. Only a file that is not an export (not
//! an object, no `messages`) is refused as one.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::{dates, origin, IngestError, Item, RawDocument};

/// Chat types whose messages have no `t.me/c/` link: such links exist only
/// for channels and supergroups.
const NO_LINK_TYPES: &[&str] = &[
    "personal_chat",
    "bot_chat",
    "private_group",
    "saved_messages",
];

/// Fields that mark a message as media when the export has no
/// `media_type`, with the word used in the skip reason.
const MEDIA: &[(&str, &str)] = &[
    ("photo", "photo"),
    ("file", "file"),
    ("sticker_emoji", "sticker"),
    ("poll", "poll"),
    ("location_information", "location"),
    ("contact_information", "contact"),
];

/// Reads a Telegram Desktop export.
pub(crate) fn read(
    path: &str,
    bytes: &[u8],
    sink: &mut dyn FnMut(Item),
) -> Result<(), IngestError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut r = Reader {
        path,
        b: bytes,
        pos: 0,
        line_pos: 0,
        line: 1,
        arrays: 0,
    };
    r.ws();
    let malformed = |line: Option<u64>, message: String| IngestError::Malformed {
        path: path.to_string(),
        line,
        message,
    };
    match r.peek() {
        Some(b'{') => {}
        first => {
            return Err(malformed(
                None,
                format!(
                    "not a Telegram export: the top level is {}, not an object with `messages`; \
                     export the channel from Telegram Desktop (Export chat history, format \
                     JSON) and pass its result.json",
                    kind_of_start(first)
                ),
            ))
        }
    }
    match r.object(Level::Top, sink) {
        Ok(()) => {}
        Err(Stop::Reported) => {}
        Err(Stop::At(at, damage)) => {
            let line = r.line_of(at);
            if r.arrays == 0 {
                return Err(malformed(
                    Some(line),
                    format!(
                        "damaged or cut short before any message ({damage}); pass the \
                         result.json written by Telegram Desktop's Export chat history"
                    ),
                ));
            }
            sink(Item::Rejected {
                origin: origin(path, Some(line), None),
                reason: format!(
                    "{damage}: the export is damaged or cut short here; the messages before \
                     it are kept, any after it are not read"
                ),
            });
        }
    }
    if r.arrays == 0 {
        return Err(malformed(
            None,
            "not a Telegram export: no `messages` array (nor `chats.list`); pass the \
             result.json written by Telegram Desktop's Export chat history"
                .to_string(),
        ));
    }
    Ok(())
}

/// Where a reader stopped walking the file's structure.
enum Stop {
    /// At this byte, for this reason.
    At(usize, Damage),
    /// The damage that ended the file was reported already.
    Reported,
}

/// What is wrong at a place in the file.
#[derive(Debug)]
enum Damage {
    Eof,
    Unexpected(u8),
    NewlineInString,
    NotUtf8,
    Json(String),
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Damage::Eof => f.write_str("the file ends here"),
            Damage::Unexpected(c) if c.is_ascii_graphic() => {
                write!(f, "unexpected {:?}", char::from(*c))
            }
            Damage::Unexpected(c) => write!(f, "unexpected byte 0x{c:02x}"),
            Damage::NewlineInString => f.write_str("a string is not closed on its line"),
            Damage::NotUtf8 => f.write_str("not UTF-8 text"),
            Damage::Json(m) => f.write_str(m),
        }
    }
}

/// Which object the reader is in: the export (one chat, or a full
/// account's), the `chats` of a full export, or one of its chats.
#[derive(Clone, Copy, PartialEq)]
enum Level {
    Top,
    Chats,
    Chat,
}

/// What a chat says of itself before its `messages`.
#[derive(Default)]
struct Chat {
    name: Option<String>,
    username: Option<String>,
    chat_type: String,
    id: Option<String>,
}

impl Chat {
    /// Takes the chat's `name`, `username`, `type` or `id` from its value.
    fn set(&mut self, key: &[u8], value: &Value) {
        let text = |v: &Value, strip: &[char]| {
            v.as_str()
                .map(|s| s.trim().trim_start_matches(strip))
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        match key {
            b"name" => self.name = text(value, &[]),
            b"username" => self.username = text(value, &['@']),
            b"type" => self.chat_type = value.as_str().unwrap_or("").to_string(),
            b"id" => self.id = id_text(value),
            _ => {}
        }
    }
}

/// Walks an export's JSON without holding it as a tree: each message is
/// parsed on its own, so that memory stays one message beyond the file's
/// bytes, and a damaged message loses only itself. Telegram Desktop writes
/// a chat's `name`, `type` and `id` before its `messages`; written after
/// them, they are looked up ahead (`fields_after`).
struct Reader<'a> {
    path: &'a str,
    b: &'a [u8],
    pos: usize,
    /// `line` is the line of byte `line_pos`; counted forward lazily.
    line_pos: usize,
    line: u64,
    /// `messages` arrays met.
    arrays: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn line_of(&mut self, at: usize) -> u64 {
        let at = at.min(self.b.len());
        if at < self.line_pos {
            self.line_pos = 0;
            self.line = 1;
        }
        self.line += self.b[self.line_pos..at]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.line_pos = at;
        self.line
    }

    /// The members of the object whose `{` is at `pos`.
    fn object(&mut self, level: Level, sink: &mut dyn FnMut(Item)) -> Result<(), Stop> {
        let mut chat = Chat::default();
        self.pos += 1;
        loop {
            self.ws();
            match self.peek() {
                None => return Err(Stop::At(self.pos, Damage::Eof)),
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                Some(b'"') => {}
                Some(c) => return Err(Stop::At(self.pos, Damage::Unexpected(c))),
            }
            let key_end = string_end(self.b, self.pos).map_err(|(at, d)| Stop::At(at, d))?;
            let key = &self.b[self.pos + 1..key_end - 1];
            self.pos = key_end;
            self.ws();
            match self.peek() {
                Some(b':') => self.pos += 1,
                Some(c) => return Err(Stop::At(self.pos, Damage::Unexpected(c))),
                None => return Err(Stop::At(self.pos, Damage::Eof)),
            }
            self.ws();
            let next = self.peek();
            match (level, key, next) {
                (Level::Top | Level::Chat, b"messages", Some(b'[')) => {
                    self.arrays += 1;
                    // A chat that names itself after its messages (keys in
                    // another order than Telegram Desktop's) names them too.
                    if chat.name.is_none() || chat.id.is_none() {
                        fields_after(self.b, self.pos, &mut chat);
                    }
                    self.messages(&chat, sink)?;
                }
                (Level::Top, b"chats" | b"left_chats", Some(b'{')) => {
                    self.object(Level::Chats, sink)?;
                }
                (Level::Chats, b"list", Some(b'[')) => self.chat_list(sink)?,
                (Level::Top | Level::Chat, b"name" | b"type" | b"id" | b"username", _) => {
                    let value = self.small_value()?;
                    chat.set(key, &value);
                }
                _ => {
                    self.pos = value_end(self.b, self.pos).map_err(|(at, d)| Stop::At(at, d))?;
                }
            }
        }
    }

    /// A small value (a chat's name or id), parsed.
    fn small_value(&mut self) -> Result<Value, Stop> {
        let end = value_end(self.b, self.pos).map_err(|(at, d)| Stop::At(at, d))?;
        let value = parse(&self.b[self.pos..end]).map_err(|(_, d)| Stop::At(self.pos, d))?;
        self.pos = end;
        Ok(value)
    }

    /// A full export's `chats.list`, whose `[` is at `pos`.
    fn chat_list(&mut self, sink: &mut dyn FnMut(Item)) -> Result<(), Stop> {
        self.pos += 1;
        loop {
            self.ws();
            match self.peek() {
                None => return Err(Stop::At(self.pos, Damage::Eof)),
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b',') => self.pos += 1,
                Some(b'{') => self.object(Level::Chat, sink)?,
                Some(c) => return Err(Stop::At(self.pos, Damage::Unexpected(c))),
            }
        }
    }

    /// A chat's `messages`, whose `[` is at `pos`, one at a time. A message
    /// that does not parse is rejected by its line, and reading goes on at
    /// the next message (an object opening with `"id"`, which no string
    /// can fake: quotes in strings are escaped).
    fn messages(&mut self, chat: &Chat, sink: &mut dyn FnMut(Item)) -> Result<(), Stop> {
        self.pos += 1;
        let mut index = 0;
        loop {
            self.ws();
            match self.peek() {
                None => return Err(Stop::At(self.pos, Damage::Eof)),
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                Some(_) => {}
            }
            index += 1;
            let start = self.pos;
            let (id_at, id) = message_id(self.b, start);
            let line = self.line_of(id_at.unwrap_or(start));
            let parsed = value_end(self.b, start).and_then(|end| {
                let message = parse(&self.b[start..end]).map_err(|(at, d)| (start + at, d))?;
                Ok((message, end))
            });
            match parsed {
                Ok((message, end)) => {
                    read_message(self.path, chat, index, line, &message, sink);
                    self.pos = end;
                }
                Err((at, damage)) => {
                    let damage_line = self.line_of(at);
                    let record = id.unwrap_or_else(|| format!("#{index}"));
                    let next = next_message(self.b, start + 1);
                    // Damage within its brackets: go on after them.
                    let after = value_end(self.b, start).ok();
                    let reason = match (next.or(after), &damage) {
                        (Some(_), _) => format!(
                            "damaged message (line {damage_line}: {damage}); the messages \
                             around it are kept"
                        ),
                        (None, Damage::Eof) => format!(
                            "the file ends inside this message (line {damage_line}): cut \
                             short? The messages before it are kept"
                        ),
                        (None, _) => format!(
                            "damaged message (line {damage_line}: {damage}) and no message \
                             after it: the file is cut short or damaged from here; the \
                             messages before it are kept"
                        ),
                    };
                    sink(Item::Rejected {
                        origin: origin(self.path, Some(line), Some(record)),
                        reason,
                    });
                    match next.or(after) {
                        Some(n) => self.pos = n,
                        None => return Err(Stop::Reported),
                    }
                }
            }
        }
    }
}

/// Where the JSON value starting at `start` ends (one past it), by its
/// brackets and strings alone; the byte and the damage where it cannot be
/// told. A string may not span lines (JSON escapes newlines), so an
/// unclosed quote is caught on its line, not at the end of the file.
/// The chat's `name`, `type`, `id` and `username` written after its
/// `messages` array (which opens at `start`), where the chat lacks them:
/// the array and the fields after it are skipped over, not parsed. Nothing
/// when the array or what follows is damaged (its messages then stay
/// unnamed, as before).
fn fields_after(b: &[u8], start: usize, chat: &mut Chat) {
    let ws = |mut i: usize| {
        while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            i += 1;
        }
        i
    };
    let Ok(mut i) = value_end(b, start) else {
        return;
    };
    loop {
        i = ws(i);
        match b.get(i) {
            Some(b',') => i = ws(i + 1),
            _ => return,
        }
        if b.get(i) != Some(&b'"') {
            return;
        }
        let Ok(key_end) = string_end(b, i) else {
            return;
        };
        let key = &b[i + 1..key_end - 1];
        i = ws(key_end);
        if b.get(i) != Some(&b':') {
            return;
        }
        i = ws(i + 1);
        let Ok(end) = value_end(b, i) else {
            return;
        };
        let missing = match key {
            b"name" => chat.name.is_none(),
            b"username" => chat.username.is_none(),
            b"type" => chat.chat_type.is_empty(),
            b"id" => chat.id.is_none(),
            _ => false,
        };
        if let (true, Ok(value)) = (missing, parse(&b[i..end])) {
            chat.set(key, &value);
        }
        i = end;
    }
}

fn value_end(b: &[u8], start: usize) -> Result<usize, (usize, Damage)> {
    let mut open: Vec<u8> = Vec::new();
    let mut i = start;
    loop {
        let Some(&c) = b.get(i) else {
            return Err((i, Damage::Eof));
        };
        match c {
            b'"' => {
                i = string_end(b, i)?;
                if open.is_empty() {
                    return Ok(i);
                }
                continue;
            }
            b'{' | b'[' => open.push(c),
            b'}' | b']' => {
                let want = if c == b'}' { b'{' } else { b'[' };
                if open.pop() != Some(want) {
                    return Err((i, Damage::Unexpected(c)));
                }
                if open.is_empty() {
                    return Ok(i + 1);
                }
            }
            _ if open.is_empty() => {
                let len = b[i..]
                    .iter()
                    .position(|c| matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                    .unwrap_or(b.len() - i);
                return Ok(i + len);
            }
            _ => {}
        }
        i += 1;
    }
}

/// One past the closing quote of the string whose opening quote is at `start`.
fn string_end(b: &[u8], start: usize) -> Result<usize, (usize, Damage)> {
    let mut i = start + 1;
    loop {
        match b.get(i) {
            None => return Err((i, Damage::Eof)),
            Some(b'\\') => i += 2,
            Some(b'"') => return Ok(i + 1),
            Some(b'\n') => return Err((i, Damage::NewlineInString)),
            Some(_) => i += 1,
        }
    }
}

/// Parses one value; the offset of the damage where it does not.
fn parse(bytes: &[u8]) -> Result<Value, (usize, Damage)> {
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err((e.valid_up_to(), Damage::NotUtf8));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        // Back from serde's line and column to an offset in `bytes`.
        let line_start = bytes
            .iter()
            .enumerate()
            .filter(|(_, &b)| b == b'\n')
            .map(|(i, _)| i + 1)
            .nth(e.line().saturating_sub(2))
            .filter(|_| e.line() > 1)
            .unwrap_or(0);
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = message
            .strip_suffix(&suffix)
            .unwrap_or(&message)
            .to_string();
        (
            line_start + e.column().saturating_sub(1),
            Damage::Json(message),
        )
    })
}

/// The `"id"` a message opens with, as Telegram Desktop writes it: where
/// the key is and the id's text.
fn message_id(b: &[u8], start: usize) -> (Option<usize>, Option<String>) {
    let skip = |mut i: usize| {
        while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            i += 1;
        }
        i
    };
    if b.get(start) != Some(&b'{') {
        return (None, None);
    }
    let key = skip(start + 1);
    if !b[key..].starts_with(b"\"id\"") {
        return (None, None);
    }
    let colon = skip(key + 4);
    if b.get(colon) != Some(&b':') {
        return (Some(key), None);
    }
    let value = skip(colon + 1);
    let digits = b[value..]
        .iter()
        .position(|c| !(c.is_ascii_digit() || *c == b'-'))
        .unwrap_or(b.len() - value);
    let id = std::str::from_utf8(&b[value..value + digits])
        .ok()
        .filter(|d| !d.is_empty())
        .map(str::to_string);
    (Some(key), id)
}

/// The start of the next message at or after `from`: a `{` after a `,` or
/// `[`, opening with the key `"id"`.
fn next_message(b: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(offset) = b.get(at..)?.iter().position(|&c| c == b'{') {
        let brace = at + offset;
        at = brace + 1;
        let before = b[..brace]
            .iter()
            .rev()
            .find(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r'));
        if matches!(before, Some(b',' | b'[')) && message_id(b, brace).0.is_some() {
            return Some(brace);
        }
    }
    None
}

/// What a value that should be an object starts as.
fn kind_of_start(first: Option<u8>) -> &'static str {
    match first {
        None => "empty",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        Some(c) if c == b'-' || c.is_ascii_digit() => "a number",
        Some(_) => "not JSON",
    }
}

/// Reads one message of a chat, at `line`.
fn read_message(
    path: &str,
    chat: &Chat,
    index: usize,
    line: u64,
    message: &Value,
    sink: &mut dyn FnMut(Item),
) {
    let name = chat.name.as_deref();
    let username = chat.username.as_deref();
    let link_id = if NO_LINK_TYPES.contains(&chat.chat_type.as_str()) {
        None
    } else {
        chat.id.as_deref().map(|id| channel_link_id(id).to_string())
    };
    {
        let id = message.get("id").and_then(id_text);
        // Every message has an id in real exports; the position is the
        // fallback so that a record is always named.
        let record = id.clone().unwrap_or_else(|| format!("#{index}"));
        let at = origin(path, Some(line), Some(record));
        let Some(message) = message.as_object() else {
            sink(Item::Rejected {
                origin: at,
                reason: format!("message is {}, not an object", kind_of(message)),
            });
            return;
        };
        match message
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("message")
        {
            "message" => {}
            "service" => {
                let action = message
                    .get("action")
                    .and_then(Value::as_str)
                    .unwrap_or("unknown");
                sink(Item::Skipped {
                    origin: at,
                    reason: format!("service message ({action})"),
                });
                return;
            }
            other => {
                sink(Item::Skipped {
                    origin: at,
                    reason: format!("message of type {other:?}, which is not read"),
                });
                return;
            }
        }
        let text = message_text(message);
        if text.trim().is_empty() {
            let what = message
                .get("media_type")
                .and_then(Value::as_str)
                .or_else(|| {
                    MEDIA
                        .iter()
                        .find(|(key, _)| message.contains_key(*key))
                        .map(|(_, label)| *label)
                });
            let reason = match what {
                Some(media) => format!("no text ({media} without caption)"),
                None => "no text".to_string(),
            };
            sink(Item::Skipped { origin: at, reason });
            return;
        }
        let published = timestamp(message, "date_unixtime", "date", &at, sink);
        let edited = timestamp(message, "edited_unixtime", "edited", &at, sink);
        let url = match (&id, username, &link_id) {
            (Some(id), Some(user), _) => Some(format!("https://t.me/{user}/{id}")),
            (Some(id), None, Some(chat)) => Some(format!("https://t.me/c/{chat}/{id}")),
            _ => None,
        };
        sink(Item::Document(RawDocument {
            source_name: name.map(str::to_string),
            source_url: username.map(|u| format!("https://t.me/{u}")),
            external_id: id,
            url,
            published,
            edited,
            forwarded_from: message
                .get("forwarded_from")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(str::to_string),
            text,
            origin: at,
            ..RawDocument::default()
        }));
    }
}

/// A message's text: a string, or an array of strings and entity objects
/// (`{"type": "bold", "text": "..."}`, links, mentions, hashtags) whose
/// `text` is what was shown, joined in order. Newer exports also carry
/// `text_entities`, the same content always as objects; it is the
/// fallback when `text` is absent.
fn message_text(message: &Map<String, Value>) -> String {
    fn join(parts: &[Value]) -> String {
        let mut out = String::new();
        for part in parts {
            match part {
                Value::String(s) => out.push_str(s),
                Value::Object(o) => {
                    if let Some(s) = o.get("text").and_then(Value::as_str) {
                        out.push_str(s);
                    }
                }
                _ => {}
            }
        }
        out
    }
    match message.get("text") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Array(parts)) if !parts.is_empty() => join(parts),
        _ => message
            .get("text_entities")
            .and_then(Value::as_array)
            .map_or_else(String::new, |p| join(p)),
    }
}

/// A message time: the Unix seconds field (a string of digits in real
/// exports, a number in some tools) wins, since `date` is the exporting
/// machine's local time without a zone. A value that is present but does
/// not parse leaves the time unset and warns.
fn timestamp(
    message: &Map<String, Value>,
    unix_key: &str,
    local_key: &str,
    at: &crate::Origin,
    sink: &mut dyn FnMut(Item),
) -> Option<DateTime<Utc>> {
    let mut bad = Vec::new();
    if let Some(v) = message.get(unix_key).filter(|v| !v.is_null()) {
        let secs = match v {
            Value::String(s) => s.trim().parse::<i64>().ok(),
            Value::Number(n) => n.as_i64(),
            _ => None,
        };
        match secs.and_then(|s| DateTime::from_timestamp(s, 0)) {
            Some(t) => return Some(t),
            None => bad.push(format!("{unix_key} {v}")),
        }
    }
    if let Some(v) = message.get(local_key).filter(|v| !v.is_null()) {
        match v.as_str().and_then(dates::parse_datetime) {
            Some(t) => return Some(t),
            None => bad.push(format!("{local_key} {v}")),
        }
    }
    if !bad.is_empty() {
        sink(Item::Warning {
            origin: at.clone(),
            message: format!(
                "{}: not a date, so the message is kept without it; {}",
                bad.join(", "),
                dates::EXPECTED
            ),
        });
    }
    None
}

/// An id as text, from a number or a string.
fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

/// The chat id as `t.me/c/` links want it: without the Bot API's `-100`
/// prefix or the `channel` prefix some tools write.
fn channel_link_id(id: &str) -> &str {
    id.strip_prefix("-100")
        .or_else(|| id.strip_prefix("channel"))
        .unwrap_or(id)
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_ids_for_links() {
        // (id as exported, id in t.me/c/ links)
        let cases = [
            ("1234567890", "1234567890"),
            ("-1001234567890", "1234567890"),
            ("channel42", "42"),
        ];
        for (id, want) in cases {
            assert_eq!(channel_link_id(id), want, "{id}");
        }
    }

    #[test]
    fn text_shapes() {
        // (message JSON, expected text)
        let cases = [
            (r#"{"text": "plain"}"#, "plain"),
            (
                r#"{"text": ["a ", {"type": "bold", "text": "b"}, " c"]}"#,
                "a b c",
            ),
            (
                r#"{"text": [{"type": "text_link", "text": "here", "href": "https://example.org"}]}"#,
                "here",
            ),
            (r#"{"text": ["x", 5, null, {"type": "hashtag"}]}"#, "x"),
            (
                r#"{"text": "", "text_entities": [{"type": "plain", "text": "fallback"}]}"#,
                "fallback",
            ),
            (r#"{"text": 17}"#, ""),
            (r#"{}"#, ""),
        ];
        for (json, want) in cases {
            let v: Value = serde_json::from_str(json).expect("test JSON");
            let m = v.as_object().expect("test JSON is an object");
            assert_eq!(message_text(m), want, "{json}");
        }
    }
}
