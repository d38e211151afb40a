//! JSON text: the API's answers, the details the store keeps with a call or an event, and
//! notification bodies, written straight into a `String`; and JSON bodies read with the
//! core's reader.
//!
//! Not serde: serde_json and the code derived for each type were about a tenth of the
//! Worker's wasm, all of it compiled on a cold start. An answer here is a handful of members
//! written in a fixed order; strings are escaped as serde_json escapes them (the core's
//! `push_string`).

use std::fmt::Write as _;

use exotel_connect::wire::json::push_string;

pub use exotel_connect::wire::{read_json, Value};

/// A type the API answers with, or stores, as a JSON object.
pub trait ToJson {
    /// The value as JSON text.
    fn to_json(&self) -> String;
}

/// Numbers written as JSON: integers only (no answer carries a fraction).
pub trait Integer: std::fmt::Display + Copy {}

impl Integer for u16 {}
impl Integer for u32 {}
impl Integer for u64 {}
impl Integer for i64 {}
impl Integer for usize {}

/// A JSON object being written, its members in the order they are added.
#[must_use = "an object is written by `finish`"]
pub struct Object {
    text: String,
}

impl Default for Object {
    fn default() -> Object {
        Object::new()
    }
}

impl Object {
    /// `{`, to add members to.
    pub fn new() -> Object {
        let mut text = String::with_capacity(128);
        text.push('{');
        Object { text }
    }

    fn key(&mut self, name: &str) {
        if self.text.len() > 1 {
            self.text.push(',');
        }
        push_string(&mut self.text, name);
        self.text.push(':');
    }

    /// A string member.
    pub fn string(mut self, name: &str, value: &str) -> Object {
        self.key(name);
        push_string(&mut self.text, value);
        self
    }

    /// A string member, `null` when there is none.
    pub fn string_or_null(self, name: &str, value: Option<&str>) -> Object {
        match value {
            Some(value) => self.string(name, value),
            None => self.null(name),
        }
    }

    /// A string member, left out when there is none.
    pub fn optional_string(self, name: &str, value: Option<&str>) -> Object {
        match value {
            Some(value) => self.string(name, value),
            None => self,
        }
    }

    /// An integer member.
    pub fn number(mut self, name: &str, value: impl Integer) -> Object {
        self.key(name);
        // Writing to a String cannot fail.
        let _ = write!(self.text, "{value}");
        self
    }

    /// An integer member, `null` when there is none.
    pub fn number_or_null(self, name: &str, value: Option<impl Integer>) -> Object {
        match value {
            Some(value) => self.number(name, value),
            None => self.null(name),
        }
    }

    /// An integer member, left out when there is none.
    pub fn optional_number(self, name: &str, value: Option<impl Integer>) -> Object {
        match value {
            Some(value) => self.number(name, value),
            None => self,
        }
    }

    /// A `true` or `false` member.
    pub fn boolean(mut self, name: &str, value: bool) -> Object {
        self.key(name);
        self.text.push_str(if value { "true" } else { "false" });
        self
    }

    /// A `null` member.
    pub fn null(mut self, name: &str) -> Object {
        self.key(name);
        self.text.push_str("null");
        self
    }

    /// A member whose value is already JSON text (an object or list written by this module,
    /// or stored by it).
    pub fn raw(mut self, name: &str, json: &str) -> Object {
        self.key(name);
        self.text.push_str(json);
        self
    }

    /// A list of strings.
    pub fn strings<S: AsRef<str>>(self, name: &str, values: &[S]) -> Object {
        let list = array(values.iter().map(|value| string(value.as_ref())));
        self.raw(name, &list)
    }

    /// Whether no member was added.
    pub fn is_empty(&self) -> bool {
        self.text.len() == 1
    }

    /// The object's text.
    pub fn finish(mut self) -> String {
        self.text.push('}');
        self.text
    }
}

/// A JSON string literal.
pub fn string(text: &str) -> String {
    exotel_connect::wire::json::write_string(text)
}

/// A JSON list of values already written as JSON.
pub fn array(items: impl IntoIterator<Item = String>) -> String {
    let mut text = String::from("[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&item);
    }
    text.push(']');
    text
}

/// JSON text as bytes (a request or response body, a decoded JWT part) read into a tree;
/// `None` when it is not UTF-8 or not JSON.
pub fn read_bytes(bytes: &[u8]) -> Option<Value<'_>> {
    read_json(std::str::from_utf8(bytes).ok()?).ok()
}

/// The string `value` holds, if it is one.
pub fn text<'v>(value: Option<&'v Value<'_>>) -> Option<&'v str> {
    match value? {
        Value::Text(text) => Some(text),
        _ => None,
    }
}

/// Appends `value` as compact JSON (a CSV cell that holds a number, list or object). Numbers
/// keep their source text; object members their order.
pub fn write_value(value: &Value<'_>, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(n),
        Value::Text(s) => push_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(fields) => {
            out.push('{');
            for (i, (name, item)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_string(out, name);
                out.push(':');
                write_value(item, out);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_keep_member_order_and_escape_as_serde_json_does() {
        let text = Object::new()
            .string("id", "a\"b\\c\n\u{1}é")
            .optional_string("gone", None)
            .string_or_null("none", None)
            .number("n", 42u64)
            .number("negative", -7i64)
            .optional_number("absent", None::<u32>)
            .boolean("yes", true)
            .strings("list", &["x", "y"])
            .raw("nested", &Object::new().number("z", 0u16).finish())
            .finish();
        assert_eq!(
            text,
            r#"{"id":"a\"b\\c\n\u0001é","none":null,"n":42,"negative":-7,"yes":true,"list":["x","y"],"nested":{"z":0}}"#
        );
        let reference = serde_json::json!({
            "id": "a\"b\\c\n\u{1}é", "none": null, "n": 42, "negative": -7, "yes": true,
            "list": ["x", "y"], "nested": {"z": 0}
        });
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            reference
        );
        assert_eq!(
            string("\u{7f}\u{2028}"),
            serde_json::to_string("\u{7f}\u{2028}").unwrap()
        );
    }

    #[test]
    fn empty_objects_and_lists() {
        assert!(Object::new().is_empty());
        assert_eq!(Object::new().finish(), "{}");
        assert_eq!(array(Vec::new()), "[]");
        assert_eq!(
            Object::new().strings::<&str>("l", &[]).finish(),
            r#"{"l":[]}"#
        );
    }

    #[test]
    fn csv_cells_of_other_values_are_compact_json() {
        let value =
            read_json(r#"{ "n": [1.50, -2e3, true, null], "s": "a\"\n", "o": {} }"#).unwrap();
        let mut text = String::new();
        write_value(&value, &mut text);
        assert_eq!(text, r#"{"n":[1.50,-2e3,true,null],"s":"a\"\n","o":{}}"#);
    }
}
