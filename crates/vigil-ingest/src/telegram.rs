//! Telegram Desktop exports (`result.json`): one channel or chat, or a
//! full-account export holding many under `chats.list`.
//!
//! The export format is Telegram's, not ours, and grows fields between
//! releases; so every value is read from a `serde_json::Value` and unknown
//! fields are ignored. Only the file as a whole not being an export (not
//! JSON, no `messages`) stops it.

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
pub(crate) fn read(path: &str, text: &str, sink: &mut dyn FnMut(Item)) -> Result<(), IngestError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let malformed = |line: Option<u64>, message: String| IngestError::Malformed {
        path: path.to_string(),
        line,
        message,
    };
    let root: Value = serde_json::from_str(text).map_err(|e| {
        // The line goes in the error's own field; serde's copy of it at
        // the end of the message would only repeat it.
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message);
        malformed(
            Some(e.line() as u64),
            format!(
                "not a Telegram export: {message} (column {}); export the channel from \
                 Telegram Desktop (Export chat history, format JSON) and pass its result.json",
                e.column()
            ),
        )
    })?;
    let Some(root) = root.as_object() else {
        return Err(malformed(
            None,
            format!(
                "not a Telegram export: the top level is {}, not an object with `messages`",
                kind_of(&root)
            ),
        ));
    };
    let mut lines = LineFinder::new(text);
    if root.get("messages").is_some() {
        return read_chat(path, root, &mut lines, sink);
    }
    // A full-account export ("Export Telegram data") lists each chat.
    let chats: Vec<&Map<String, Value>> = ["chats", "left_chats"]
        .iter()
        .filter_map(|key| root.get(*key)?.get("list")?.as_array())
        .flatten()
        .filter_map(Value::as_object)
        .collect();
    if chats.is_empty() {
        return Err(malformed(
            None,
            "not a Telegram export: no `messages` array (nor `chats.list`); pass the \
             result.json written by Telegram Desktop's Export chat history"
                .to_string(),
        ));
    }
    for chat in chats {
        read_chat(path, chat, &mut lines, sink)?;
    }
    Ok(())
}

/// Reads one chat: its name, id and `messages`.
fn read_chat(
    path: &str,
    chat: &Map<String, Value>,
    lines: &mut LineFinder<'_>,
    sink: &mut dyn FnMut(Item),
) -> Result<(), IngestError> {
    let Some(messages) = chat.get("messages").and_then(Value::as_array) else {
        return Err(IngestError::Malformed {
            path: path.to_string(),
            line: None,
            message: format!(
                "not a Telegram export: `messages` is {}, not an array",
                chat.get("messages").map_or("missing", kind_of)
            ),
        });
    };
    let name = chat
        .get("name")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let username = chat
        .get("username")
        .and_then(Value::as_str)
        .map(|u| u.trim().trim_start_matches('@'))
        .filter(|u| !u.is_empty());
    let chat_type = chat.get("type").and_then(Value::as_str).unwrap_or("");
    let link_id = if NO_LINK_TYPES.contains(&chat_type) {
        None
    } else {
        chat.get("id")
            .and_then(id_text)
            .map(|id| channel_link_id(&id).to_string())
    };
    for (index, message) in messages.iter().enumerate() {
        let id = message.get("id").and_then(id_text);
        let line = id.as_deref().and_then(|id| lines.find(id));
        // Every message has an id in real exports; the position is the
        // fallback so that a record is always named.
        let record = id.clone().unwrap_or_else(|| format!("#{}", index + 1));
        let at = origin(path, line, Some(record));
        let Some(message) = message.as_object() else {
            sink(Item::Rejected {
                origin: at,
                reason: format!("message is {}, not an object", kind_of(message)),
            });
            continue;
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
                continue;
            }
            other => {
                sink(Item::Skipped {
                    origin: at,
                    reason: format!("message of type {other:?}, which is not read"),
                });
                continue;
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
            continue;
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
    Ok(())
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

/// Finds the line of each message in the file, best effort, by searching
/// forward for its `"id": N` key. Messages come in file order, so the
/// search only moves forward and the file is scanned once; an id not found
/// ends the search (every later lookup answers `None`) rather than
/// rescanning the rest of the file for each message. JSON escapes quotes
/// inside strings, so message text cannot fake the key; a nested object
/// with the same id can, which at worst names a nearby line.
#[derive(Debug)]
struct LineFinder<'t> {
    text: &'t str,
    pos: usize,
    line: u64,
    gave_up: bool,
}

impl<'t> LineFinder<'t> {
    fn new(text: &'t str) -> Self {
        LineFinder {
            text,
            pos: 0,
            line: 1,
            gave_up: false,
        }
    }

    fn find(&mut self, id: &str) -> Option<u64> {
        const KEY: &str = "\"id\"";
        if self.gave_up {
            return None;
        }
        let mut at = self.pos;
        while let Some(offset) = self.text[at..].find(KEY) {
            let key = at + offset;
            at = key + KEY.len();
            let value = self.text[at..].trim_start();
            let Some(value) = value.strip_prefix(':') else {
                continue;
            };
            let value = value.trim_start();
            let value = value.strip_prefix('"').unwrap_or(value);
            // `"id": 12` must not match `"id": 123`.
            let matches = value
                .strip_prefix(id)
                .is_some_and(|after| !after.as_bytes().first().is_some_and(|b| b.is_ascii_digit()));
            if matches {
                self.line += self.text.as_bytes()[self.pos..key]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count() as u64;
                // Past the key, so that a repeated id finds the next one.
                self.pos = at;
                return Some(self.line);
            }
        }
        self.gave_up = true;
        None
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

    #[test]
    fn line_finder_moves_forward() {
        let text = "{\n\"id\": 1,\n\"x\": {\"id\": 12},\n\"id\" : \"123\"\n\"id\":7}";
        let mut f = LineFinder::new(text);
        assert_eq!(f.find("1"), Some(2));
        assert_eq!(f.find("123"), Some(4));
        assert_eq!(f.find("7"), Some(5));
        // Not found: the finder stops looking.
        assert_eq!(f.find("8"), None);
        assert_eq!(f.find("7"), None);
    }
}
