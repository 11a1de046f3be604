//! YAML configuration text to a `serde_json::Value`, so the serde derives of
//! [`crate::SecretConfig`] serve YAML and JSON alike.
//!
//! Built from `saphyr-parser` events without recursion (deep nesting cannot overflow the
//! stack) and with a node budget that counts alias expansions, so anchors cannot blow up memory
//! ("billion laughs"). Plain scalars are resolved with the YAML 1.2 core schema (`null`, `~`,
//! `true`, `false`, integers, floats); quoted and block scalars, and `!!str`-tagged ones, stay
//! strings. One document per file.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use serde_json::{Map, Number, Value};

/// Most nodes a document may expand to, aliases included.
const MAX_NODES: usize = 1_000_000;
/// Deepest nesting of sequences and mappings.
const MAX_DEPTH: usize = 128;

enum Frame {
    Seq {
        items: Vec<Value>,
        anchor: usize,
        nodes_before: usize,
    },
    Map {
        entries: Map<String, Value>,
        key: Option<String>,
        anchor: usize,
        nodes_before: usize,
    },
}

fn at(span: Span) -> String {
    format!("line {} column {}", span.start.line(), span.start.col() + 1)
}

/// Parses one YAML document into JSON values; an empty document is `null`.
pub(crate) fn to_json(text: &str) -> Result<Value, String> {
    let mut stack: Vec<Frame> = Vec::new();
    // anchor id → (value, nodes it counts for)
    let mut anchors: HashMap<usize, (Value, usize)> = HashMap::new();
    let mut nodes = 0usize;
    let mut documents = 0usize;
    let mut root: Option<Value> = None;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| e.to_string())?;
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(format!(
                        "{}: a second document; a configuration file holds one",
                        at(span)
                    ));
                }
            }
            Event::Alias(id) => {
                let Some((value, count)) = anchors.get(&id) else {
                    return Err(format!("{}: alias to an unknown anchor", at(span)));
                };
                nodes = nodes.saturating_add(*count);
                if nodes > MAX_NODES {
                    return Err(format!(
                        "{}: aliases expand to more than {MAX_NODES} nodes",
                        at(span)
                    ));
                }
                let value = value.clone();
                push(&mut stack, &mut root, value, span)?;
            }
            Event::Scalar(raw, style, anchor, tag) => {
                nodes += 1;
                if nodes > MAX_NODES {
                    return Err(format!("{}: more than {MAX_NODES} nodes", at(span)));
                }
                // A mapping key stays the literal text (`1: x` has the key "1").
                if let Some(Frame::Map {
                    key: key @ None, ..
                }) = stack.last_mut()
                {
                    if anchor > 0 {
                        anchors.insert(anchor, (Value::String(raw.to_string()), 1));
                    }
                    *key = Some(raw.into_owned());
                    continue;
                }
                let value = scalar(&raw, style, tag.as_deref());
                if anchor > 0 {
                    anchors.insert(anchor, (value.clone(), 1));
                }
                push(&mut stack, &mut root, value, span)?;
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(format!(
                        "{}: nested deeper than {MAX_DEPTH} levels",
                        at(span)
                    ));
                }
                nodes += 1;
                if matches!(stack.last(), Some(Frame::Map { key: None, .. })) {
                    return Err(format!(
                        "{}: a sequence or mapping as a mapping key is not supported",
                        at(span)
                    ));
                }
                let nodes_before = nodes - 1;
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        items: Vec::new(),
                        anchor,
                        nodes_before,
                    }
                } else {
                    Frame::Map {
                        entries: Map::new(),
                        key: None,
                        anchor,
                        nodes_before,
                    }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor, nodes_before) = match stack.pop() {
                    Some(Frame::Seq {
                        items,
                        anchor,
                        nodes_before,
                    }) => (Value::Array(items), anchor, nodes_before),
                    Some(Frame::Map {
                        entries,
                        anchor,
                        nodes_before,
                        ..
                    }) => (Value::Object(entries), anchor, nodes_before),
                    None => return Err(format!("{}: unbalanced collection end", at(span))),
                };
                if anchor > 0 {
                    anchors.insert(anchor, (value.clone(), nodes - nodes_before));
                }
                push(&mut stack, &mut root, value, span)?;
            }
        }
    }
    Ok(root.unwrap_or(Value::Null))
}

/// Adds a finished value to the collection being built, or makes it the document.
fn push(
    stack: &mut [Frame],
    root: &mut Option<Value>,
    value: Value,
    span: Span,
) -> Result<(), String> {
    match stack.last_mut() {
        None => *root = Some(value),
        Some(Frame::Seq { items, .. }) => items.push(value),
        Some(Frame::Map { entries, key, .. }) => match key.take() {
            Some(k) => {
                if entries.contains_key(&k) {
                    return Err(format!("{}: duplicate key `{k}`", at(span)));
                }
                entries.insert(k, value);
            }
            // An alias used as a key: only a string value can be one.
            None => match value {
                Value::String(s) => *key = Some(s),
                _ => {
                    return Err(format!("{}: only a string can be a mapping key", at(span)));
                }
            },
        },
    }
    Ok(())
}

/// Resolves a scalar with the YAML 1.2 core schema.
fn scalar(raw: &str, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    let forced_string = tag.is_some_and(|t| t.suffix == "str" || t.suffix.ends_with(":str"));
    if style != ScalarStyle::Plain || forced_string {
        return Value::String(raw.to_string());
    }
    match raw {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(n) = integer(raw) {
        return Value::Number(n);
    }
    if is_float(raw)
        && let Some(n) = raw.parse::<f64>().ok().and_then(Number::from_f64)
    {
        return Value::Number(n);
    }
    Value::String(raw.to_string())
}

fn integer(raw: &str) -> Option<Number> {
    let (neg, digits) = match raw.as_bytes().first()? {
        b'-' => (true, raw.get(1..)?),
        b'+' => (false, raw.get(1..)?),
        _ => (false, raw),
    };
    let (radix, body) = if let Some(h) = digits.strip_prefix("0x") {
        (16, h)
    } else if let Some(o) = digits.strip_prefix("0o") {
        (8, o)
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    if radix != 10 && (neg || raw.starts_with('+')) {
        return None;
    }
    let magnitude = u64::from_str_radix(body, radix).ok()?;
    if neg {
        let v = i64::try_from(magnitude).ok()?;
        Some(Number::from(-v))
    } else {
        Some(Number::from(magnitude))
    }
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_float(raw: &str) -> bool {
    let s = raw.strip_prefix(['-', '+']).unwrap_or(raw);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (s.get(..i).unwrap_or_default(), s.get(i + 1..)),
        None => (s, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (!int.is_empty() || !frac.is_empty())
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
                && !(int.is_empty() && frac.is_empty())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|b| b.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_follow_the_core_schema() {
        let v = to_json(
            "a: 1\nb: -2\nc: 1.5\nd: true\ne: ~\nf: '1'\ng: yes\nh: 0x1f\ni: 1e3\nj: .inf\n",
        )
        .unwrap();
        assert_eq!(v["a"], 1);
        assert_eq!(v["b"], -2);
        assert_eq!(v["c"], 1.5);
        assert_eq!(v["d"], true);
        assert!(v["e"].is_null());
        assert_eq!(v["f"], "1");
        assert_eq!(v["g"], "yes");
        assert_eq!(v["h"], 31);
        assert_eq!(v["i"], 1000.0);
        assert_eq!(v["j"], ".inf");
    }

    #[test]
    fn anchors_expand_within_budget_and_bombs_are_refused() {
        let v = to_json("a: &x [1, 2]\nb: *x\n").unwrap();
        assert_eq!(v["b"], serde_json::json!([1, 2]));
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = to_json(&bomb).unwrap_err();
        assert!(err.contains("more than"), "{err}");
    }

    #[test]
    fn errors_name_the_line() {
        let err = to_json("a: 1\na: 2\n").unwrap_err();
        assert!(
            err.contains("duplicate key `a`") && err.contains("line 2"),
            "{err}"
        );
        let err = to_json("a: [1, 2\n").unwrap_err();
        assert!(!err.is_empty());
        let err = to_json("a: 1\n---\nb: 2\n").unwrap_err();
        assert!(err.contains("second document"), "{err}");
        let deep = "[".repeat(10_000);
        assert!(to_json(&deep).is_err());
    }
}
