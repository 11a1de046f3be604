//! The YAML tree of a Compose project: the project's positioned YAML nodes
//! ([`bulwark_yaml`]) with the file each node came from, so a service merged from
//! several files (`-f a -f b`, `extends`) still points every value at its own file and line.

use bulwark_report::Location;
use bulwark_yaml::{Node, Pos, Value};

/// A value, where it starts, and which input file it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct CNode {
    /// The value.
    pub value: CValue,
    /// Line and column.
    pub pos: Pos,
    /// Index into the project's file list.
    pub file: usize,
}

/// A typed value.
#[derive(Debug, Clone, PartialEq)]
pub enum CValue {
    /// `null` or nothing.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// Another number, as written.
    Float(String),
    /// A string (after interpolation).
    Str(String),
    /// A sequence.
    Seq(Vec<CNode>),
    /// A mapping in source order.
    Map(Vec<CEntry>),
}

/// A `key: value` pair.
#[derive(Debug, Clone, PartialEq)]
pub struct CEntry {
    /// The key.
    pub key: String,
    /// Where the key is.
    pub key_pos: Pos,
    /// The value.
    pub value: CNode,
}

impl CNode {
    /// Converts a YAML node of file `file`, applying `scalar` to every string scalar (the
    /// interpolation hook).
    pub fn from_yaml<E>(
        node: Node,
        file: usize,
        scalar: &mut dyn FnMut(String, Pos) -> Result<String, E>,
    ) -> Result<Self, E> {
        let value = match node.value {
            Value::Null => CValue::Null,
            Value::Bool(b) => CValue::Bool(b),
            Value::Int(i) => CValue::Int(i),
            Value::Float(f) => CValue::Float(f),
            Value::Str(s) => CValue::Str(scalar(s, node.pos)?),
            Value::Seq(items) => CValue::Seq(
                items
                    .into_iter()
                    .map(|n| Self::from_yaml(n, file, scalar))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Map(entries) => {
                let mut out: Vec<CEntry> = Vec::with_capacity(entries.len());
                for e in entries {
                    let value = Self::from_yaml(e.value, file, scalar)?;
                    // Duplicate keys: the last one wins, as in every Compose implementation.
                    out.retain(|x| x.key != e.key);
                    out.push(CEntry {
                        key: e.key,
                        key_pos: e.key_pos,
                        value,
                    });
                }
                CValue::Map(out)
            }
        };
        Ok(Self {
            value,
            pos: node.pos,
            file,
        })
    }

    /// The value for `key`, if this is a mapping that has it.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&CNode> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entry for `key`, if this is a mapping that has it.
    #[must_use]
    pub fn entry(&self, key: &str) -> Option<&CEntry> {
        match &self.value {
            CValue::Map(m) => m.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The entries, if this is a mapping.
    #[must_use]
    pub fn as_map(&self) -> Option<&[CEntry]> {
        match &self.value {
            CValue::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The items, if this is a sequence.
    #[must_use]
    pub fn as_seq(&self) -> Option<&[CNode]> {
        match &self.value {
            CValue::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as text (`true`, `42`, `1.5`, the string); `None` for null and collections.
    #[must_use]
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            CValue::Bool(b) => Some(b.to_string()),
            CValue::Int(i) => Some(i.to_string()),
            CValue::Float(s) | CValue::Str(s) => Some(s.clone()),
            CValue::Null | CValue::Seq(_) | CValue::Map(_) => None,
        }
    }

    /// A boolean, also from an interpolated string (`"true"`, `"false"`, as Compose casts them).
    #[must_use]
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            CValue::Bool(b) => Some(*b),
            CValue::Str(s) => match s.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "y" | "1" => Some(true),
                "false" | "no" | "off" | "n" | "0" => Some(false),
                _ => None,
            },
            CValue::Int(i) => Some(*i != 0),
            _ => None,
        }
    }

    /// True for `null`.
    #[must_use]
    pub fn is_null(&self) -> bool {
        matches!(self.value, CValue::Null)
    }
}

/// A location in a project file.
#[must_use]
pub fn location(files: &[String], file: usize, pos: Pos) -> Location {
    Location::at(
        files.get(file).cloned().unwrap_or_default(),
        pos.line,
        Some(pos.col),
    )
}
