//! A JSON writer that reproduces Go's `encoding/json` byte layout.
//!
//! Cosign is written in Go, and the bytes it signs (simple-signing payloads) and the
//! manifests and key files it writes come out of `json.Marshal`. To be byte-compatible we
//! need the same escaping (HTML-safe `\u003c`, `\u003e`, `\u0026`, `\u2028`, `\u2029`),
//! the same float formatting, and the same key order: struct fields in declaration order
//! (callers insert them in that order into a `preserve_order` map) and Go maps sorted by
//! key ([`sort_map_keys`]).

use serde_json::{Map, Number, Value};

/// Serialises `value` exactly as Go's `json.Marshal` would serialise the equivalent
/// Go value, keeping the object key order of `value` as given.
pub(crate) fn to_vec(value: &Value) -> Vec<u8> {
    let mut out = String::new();
    write_value(&mut out, value);
    out.into_bytes()
}

/// Returns `value` with the keys of every object sorted by byte order, as Go does for a
/// `map[string]interface{}` (recursively, because nested maps are maps too).
pub(crate) fn sort_map_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut sorted = Map::new();
            for key in keys {
                if let Some(v) = map.get(key) {
                    sorted.insert(key.clone(), sort_map_keys(v));
                }
            }
            Value::Object(sorted)
        }
        Value::Array(items) => Value::Array(items.iter().map(sort_map_keys).collect()),
        other => other.clone(),
    }
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

fn write_number(out: &mut String, n: &Number) {
    if let Some(i) = n.as_i64() {
        out.push_str(&i.to_string());
    } else if let Some(u) = n.as_u64() {
        out.push_str(&u.to_string());
    } else if let Some(f) = n.as_f64() {
        out.push_str(&go_float(f));
    }
}

/// Go's float64 encoding: `strconv.FormatFloat(f, 'f', -1, 64)` unless the magnitude is
/// below 1e-6 or at least 1e21, where it uses `'e'` with a two-digit-minimum exponent
/// trimmed back to one digit (`1e-07` becomes `1e-7`).
fn go_float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        // Rust's `{:e}` is the shortest round-trip form, like Go's precision -1.
        let s = format!("{f:e}");
        match s.split_once('e') {
            Some((mantissa, exp)) if exp.starts_with('-') => format!("{mantissa}e{exp}"),
            Some((mantissa, exp)) => format!("{mantissa}e+{exp}"),
            None => s,
        }
    } else if f == 0.0 {
        // Go prints -0 as "-0"; serde_json never yields a negative zero from parsing
        // integers, but keep the sign like Go does.
        if f.is_sign_negative() {
            "-0".to_owned()
        } else {
            "0".to_owned()
        }
    } else {
        format!("{f}")
    }
}

/// Go's `encodeState.string` with `escapeHTML = true` (the `json.Marshal` default),
/// Go 1.22+ short escapes for `\b` and `\f`.
pub(crate) fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{0}'..='\u{1f}' => {
                let b = c as u32 as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[(b >> 4) & 0xf]));
                out.push(char::from(HEX[b & 0xf]));
            }
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            other => out.push(other),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escapes_like_go() {
        let mut s = String::new();
        write_string(&mut s, "a<b>&\"\\\n\u{1}\u{7f}\u{2028}é\u{8}");
        let expected = concat!(
            r#""a\u003cb\u003e\u0026\"\\\n\u0001"#,
            "\u{7f}",
            r#"\u2028"#,
            "é",
            r#"\b""#
        );
        assert_eq!(s, expected);
    }

    #[test]
    fn floats_like_go() {
        assert_eq!(go_float(1.5), "1.5");
        assert_eq!(go_float(3.0), "3");
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(1.25e-7), "1.25e-7");
        assert_eq!(go_float(123_456_789.0), "123456789");
        assert_eq!(go_float(0.000_001), "0.000001");
    }

    #[test]
    fn sorts_nested_maps() {
        let v = json!({"b": 1, "a": {"d": [ {"z": 1, "y": 2} ], "c": null}});
        assert_eq!(
            to_vec(&sort_map_keys(&v)),
            br#"{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}"#
        );
    }
}
