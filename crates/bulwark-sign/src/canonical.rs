//! RFC 8785 JSON Canonicalization Scheme (JCS), as used by cosign (via
//! `github.com/cyberphone/json-canonicalization`) to compute the bytes a Rekor
//! SignedEntryTimestamp signs.
//!
//! Rules: no whitespace; object members sorted by the UTF-16 code units of their
//! names; strings escaped minimally (`"`, `\`, control characters, with `\b \t \n \f \r`
//! short forms and lowercase `\u00xx` otherwise); numbers formatted like ECMAScript's
//! `Number.prototype.toString` on the IEEE-754 double the number denotes.

use serde_json::{Number, Value};

/// Largest integer an IEEE-754 double represents exactly (2^53).
const MAX_EXACT_INTEGER: u64 = 1 << 53;

/// Returns the RFC 8785 canonical form of `value`.
pub fn canonicalize(value: &Value) -> Vec<u8> {
    let mut out = String::new();
    write_value(&mut out, value);
    out.into_bytes()
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&format_number(n)),
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
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push('{');
            for (i, (key, item)) in members.into_iter().enumerate() {
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

fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{0}'..='\u{1f}' => {
                let b = c as u32 as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[(b >> 4) & 0xf]));
                out.push(char::from(HEX[b & 0xf]));
            }
            other => out.push(other),
        }
    }
    out.push('"');
}

fn format_number(n: &Number) -> String {
    if let Some(u) = n.as_u64().filter(|u| *u <= MAX_EXACT_INTEGER) {
        return u.to_string();
    }
    if let Some(i) = n.as_i64().filter(|i| i.unsigned_abs() <= MAX_EXACT_INTEGER) {
        return i.to_string();
    }
    // Everything else goes through the double it denotes, as a JSON parser in
    // JavaScript (and cosign's Go canonicaliser) would read it.
    n.as_f64().map_or_else(|| "null".to_owned(), es6_number)
}

/// ECMAScript `Number::toString(x)` for a finite double.
fn es6_number(x: f64) -> String {
    if x == 0.0 {
        return "0".to_owned();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    // `{:e}` gives the shortest round-trip digits: "d.ddddde±x".
    let sci = format!("{:e}", x.abs());
    let Some((mantissa, exp)) = sci.split_once('e') else {
        return sci;
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let Ok(e) = exp.parse::<i64>() else {
        return sci;
    };
    let k = digits.len() as i64;
    // x = 0.d1d2..dk × 10^n
    let n = e + 1;
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(n as usize);
        format!("{int}.{frac}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let (first, rest) = digits.split_at(1);
        let exp_sign = if n > 0 { "+" } else { "-" };
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        format!("{first}{frac}e{exp_sign}{}", (n - 1).abs())
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorts_members_by_utf16_and_strips_whitespace() {
        // RFC 8785 §3.2.3 example ordering: "\r" < "1" < "\u0080" < "ö" < "€" < "😀" < "\u{fb33}" (U+FB33)
        let v: Value = serde_json::from_str(
            r#"{"€": 1, "\r": 2, "\ufb33": 3, "1": 4, "😀": 5, "\u0080": 6, "ö": 7}"#,
        )
        .unwrap();
        let out = String::from_utf8(canonicalize(&v)).unwrap();
        assert_eq!(
            out,
            "{\"\\r\":2,\"1\":4,\"\u{80}\":6,\"ö\":7,\"€\":1,\"😀\":5,\"\u{fb33}\":3}"
        );
    }

    #[test]
    fn numbers_follow_ecmascript() {
        // Values from RFC 8785 Appendix B.
        let cases: &[(f64, &str)] = &[
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (333_333_333.333_333_3, "333333333.3333333"),
            (1e-7, "1e-7"),
            (0.000_001, "0.000001"),
            (-5e-324, "-5e-324"),
            (9_007_199_254_740_992.0, "9007199254740992"),
            (295_147_905_179_352_830_000.0, "295147905179352830000"),
            (1.797_693_134_862_315_7e308, "1.7976931348623157e+308"),
        ];
        for (x, want) in cases {
            assert_eq!(es6_number(*x), *want, "{x}");
        }
        assert_eq!(
            canonicalize(&json!([1, -2, 1.5, 10_000_000_000_000_000_u64])),
            b"[1,-2,1.5,10000000000000000]"
        );
    }

    #[test]
    fn escapes_minimally() {
        let v = json!({"k": "a\"\\\u{1}\u{7f}</é\n"});
        assert_eq!(
            String::from_utf8(canonicalize(&v)).unwrap(),
            "{\"k\":\"a\\\"\\\\\\u0001\u{7f}</é\\n\"}"
        );
    }
}
