//! Bulwark's one YAML reader: a small positioned value tree built from `saphyr-parser` events,
//! used for Kubernetes manifests, Compose files, `.hadolint.yaml`, ignore files, secret and
//! policy configuration.
//!
//! Why our own tree: every finding must point at the line and column of the offending field, and
//! the reader must stay bounded on hostile input. Building the tree from the event stream lets us
//! enforce a nesting-depth limit, a per-document node budget and an alias-expansion budget
//! (the "billion laughs" defence) before anything is allocated, without recursion.
//!
//! Plain scalars are typed by a [`Schema`]: [`Schema::Yaml11`] the way the Kubernetes toolchain
//! types them (`sigs.k8s.io/yaml` converts YAML to JSON with go-yaml v2, which follows YAML 1.1:
//! `yes`/`no`/`on`/`off` are booleans), [`Schema::Core`] the YAML 1.2 core schema (go-yaml v3,
//! which Trivy and Compose read their files with: `yes` is a string). Quoted and block scalars,
//! and `!!str`-tagged ones, are always strings. JSON is YAML, so JSON input goes through the same
//! path. [`config_to_json`] reads a one-document configuration file into `serde_json`.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span, StrInput};

/// A 1-based line and column in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters).
    pub col: u32,
}

impl Pos {
    fn from_span(span: Span) -> Self {
        Self {
            line: u32::try_from(span.start.line()).unwrap_or(u32::MAX).max(1),
            col: u32::try_from(span.start.col())
                .unwrap_or(u32::MAX)
                .saturating_add(1),
        }
    }
}

/// A typed YAML value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~` or nothing.
    Null,
    /// A boolean (YAML 1.1 spellings for plain scalars, as go-yaml v2 resolves them).
    Bool(bool),
    /// An integer that fits in `i64`.
    Int(i64),
    /// Any other number (kept as written).
    Float(String),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order (duplicate keys kept; lookups take the last one, as JSON
    /// decoding in the API server does).
    Map(Vec<Entry>),
}

/// One `key: value` pair of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key as written.
    pub key: String,
    /// Where the key starts.
    pub key_pos: Pos,
    /// The value.
    pub value: Node,
}

/// A value and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where it starts.
    pub pos: Pos,
}

impl Node {
    /// The entry for `key` (the last one when the key repeats), if this is a mapping.
    #[must_use]
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().rev().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The value for `key`, if this is a mapping that has it.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The string, if this is a string scalar.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The entries, if this is a mapping.
    #[must_use]
    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The items, if this is a sequence.
    #[must_use]
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// True for `null`.
    #[must_use]
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// The JSON type name of the value, for error messages.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) | Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Seq(_) => "array",
            Value::Map(_) => "object",
        }
    }
}

/// How plain scalars are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Schema {
    /// YAML 1.1 as go-yaml v2 resolves it (Kubernetes): `yes`/`no`/`on`/`off` booleans, `010`
    /// octal.
    #[default]
    Yaml11,
    /// The YAML 1.2 core schema (go-yaml v3: Trivy's and Compose's files): `true`/`false` only,
    /// `0o10` octal, `0x1f` hex.
    Core,
}

/// Bounds that keep reading hostile input cheap, and the scalar schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of mappings and sequences accepted.
    pub max_depth: usize,
    /// Most nodes (scalars, mappings, sequences, including alias copies) in one document.
    pub max_nodes: usize,
    /// Most nodes that alias expansion may copy in one document.
    pub max_alias_nodes: usize,
    /// How plain scalars are typed.
    pub schema: Schema,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 200,
            max_nodes: 2_000_000,
            max_alias_nodes: 100_000,
            schema: Schema::Yaml11,
        }
    }
}

impl Limits {
    /// The default bounds with the YAML 1.2 core schema.
    #[must_use]
    pub fn core() -> Self {
        Self {
            schema: Schema::Core,
            ..Self::default()
        }
    }
}

/// Why a YAML stream could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum YamlError {
    /// The text is not valid YAML.
    #[error("invalid YAML: {message}")]
    Syntax {
        /// The parser's description.
        message: String,
        /// Where.
        pos: Pos,
    },
    /// Mappings and sequences nest deeper than the limit.
    #[error("nesting deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
        /// Where the limit was crossed.
        pos: Pos,
    },
    /// The document has more nodes than the budget.
    #[error("document has more than {limit} nodes")]
    TooManyNodes {
        /// The budget.
        limit: usize,
        /// Where the budget ran out.
        pos: Pos,
    },
    /// Alias expansion would copy more nodes than the budget ("billion laughs").
    #[error("alias expansion exceeds {limit} nodes (an alias bomb such as \"billion laughs\"?)")]
    AliasBomb {
        /// The budget.
        limit: usize,
        /// The alias that crossed it.
        pos: Pos,
    },
    /// An alias names no anchor seen before it.
    #[error("alias refers to an unknown anchor")]
    UnknownAlias {
        /// The alias.
        pos: Pos,
    },
    /// A mapping key is a mapping or a sequence (Kubernetes objects only have string keys).
    #[error("mapping keys must be scalars")]
    ComplexKey {
        /// The key.
        pos: Pos,
    },
    /// A key appears twice in one mapping of a configuration file.
    #[error("duplicate key `{key}`")]
    DuplicateKey {
        /// The key.
        key: String,
        /// Its second occurrence.
        pos: Pos,
    },
    /// A configuration file holds more than one document.
    #[error("a second document; a configuration file holds one")]
    SecondDocument {
        /// Where the second document starts.
        pos: Pos,
    },
}

impl YamlError {
    /// Where the problem is.
    #[must_use]
    pub fn pos(&self) -> Pos {
        match self {
            Self::Syntax { pos, .. }
            | Self::TooDeep { pos, .. }
            | Self::TooManyNodes { pos, .. }
            | Self::AliasBomb { pos, .. }
            | Self::UnknownAlias { pos }
            | Self::ComplexKey { pos }
            | Self::DuplicateKey { pos, .. }
            | Self::SecondDocument { pos } => *pos,
        }
    }

    fn from_scan(e: &ScanError) -> Self {
        let m = e.marker();
        Self::Syntax {
            message: e.info().to_string(),
            pos: Pos {
                line: u32::try_from(m.line()).unwrap_or(u32::MAX).max(1),
                col: u32::try_from(m.col()).unwrap_or(u32::MAX).saturating_add(1),
            },
        }
    }
}

/// One document of a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// 0-based index of the document in the stream.
    pub index: usize,
    /// The root value (`Null` for an empty document).
    pub root: Node,
}

/// Reads the documents of a YAML (or JSON) stream one at a time, so memory is bounded by the
/// largest document rather than the whole stream. Stops after the first error.
pub struct Documents<'a> {
    parser: Parser<'a, StrInput<'a>>,
    limits: Limits,
    index: usize,
    done: bool,
}

impl<'a> Documents<'a> {
    /// Starts reading `text`.
    #[must_use]
    pub fn new(text: &'a str, limits: Limits) -> Self {
        Self {
            parser: Parser::new_from_str(text),
            limits,
            index: 0,
            done: false,
        }
    }

    fn next_event(&mut self) -> Result<Option<(Event<'a>, Span)>, YamlError> {
        match self.parser.next_event() {
            None => Ok(None),
            Some(Ok(ev)) => Ok(Some(ev)),
            Some(Err(e)) => Err(YamlError::from_scan(&e)),
        }
    }

    fn read_document(&mut self) -> Result<Option<Node>, YamlError> {
        loop {
            match self.next_event()? {
                None | Some((Event::StreamEnd, _)) => return Ok(None),
                Some((Event::DocumentStart(_), span)) => {
                    let mut builder = Builder::new(self.limits);
                    loop {
                        let Some((ev, span2)) = self.next_event()? else {
                            return Ok(Some(builder.finish(Pos::from_span(span))));
                        };
                        if matches!(ev, Event::DocumentEnd | Event::StreamEnd) {
                            if matches!(ev, Event::StreamEnd) {
                                self.done = true;
                            }
                            return Ok(Some(builder.finish(Pos::from_span(span))));
                        }
                        builder.event(ev, span2)?;
                    }
                }
                Some(_) => {}
            }
        }
    }
}

impl Iterator for Documents<'_> {
    type Item = Result<Document, YamlError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.read_document() {
            Ok(Some(root)) => {
                let index = self.index;
                self.index += 1;
                Some(Ok(Document { index, root }))
            }
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

enum Frame {
    Seq {
        pos: Pos,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        pos: Pos,
        anchor: usize,
        entries: Vec<Entry>,
        merges: Vec<Node>,
        key: Option<(String, Pos, bool)>,
    },
}

struct Builder {
    limits: Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
    alias_nodes: usize,
    root: Option<Node>,
}

fn count_nodes(node: &Node) -> usize {
    match &node.value {
        Value::Seq(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        Value::Map(entries) => 1 + entries.iter().map(|e| count_nodes(&e.value)).sum::<usize>(),
        _ => 1,
    }
}

/// Types a plain scalar by `schema`.
fn resolve(text: &str, schema: Schema) -> Value {
    match schema {
        Schema::Yaml11 => resolve_plain(text),
        Schema::Core => resolve_core(text),
    }
}

/// Resolves a plain scalar with the YAML 1.2 core schema.
fn resolve_core(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let (neg, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, body, signed_ok) = if let Some(h) = digits.strip_prefix("0x") {
        (16, h, false)
    } else if let Some(o) = digits.strip_prefix("0o") {
        (8, o, false)
    } else {
        (10, digits, true)
    };
    let signed = text.starts_with(['-', '+']);
    if !body.is_empty()
        && body.chars().all(|c| c.is_digit(radix))
        && (signed_ok || !signed)
        && let Ok(n) = i64::from_str_radix(body, radix)
    {
        return Value::Int(if neg { n.wrapping_neg() } else { n });
    }
    if is_core_float(text) || matches!(text, ".inf" | "-.inf" | "+.inf" | ".nan" | ".NaN" | ".Inf")
    {
        return Value::Float(text.to_string());
    }
    Value::Str(text.to_string())
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_core_float(raw: &str) -> bool {
    let s = raw.strip_prefix(['-', '+']).unwrap_or(raw);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (s.get(..i).unwrap_or_default(), s.get(i + 1..)),
        None => (s, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            !(int.is_empty() && frac.is_empty())
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|b| b.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

/// Resolves a plain scalar the way go-yaml v2 (YAML 1.1) does for the types Kubernetes uses.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false);
        }
        _ => {}
    }
    let first = text.as_bytes().first().copied().unwrap_or(b'x');
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return Value::Str(text.to_string());
    }
    let cleaned: String = text.chars().filter(|c| *c != '_').collect();
    let (neg, digits) = match cleaned.as_bytes().first() {
        Some(b'-') => (true, &cleaned[1..]),
        Some(b'+') => (false, &cleaned[1..]),
        _ => (false, cleaned.as_str()),
    };
    let parsed = if let Some(hex) = digits.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()
    } else if let Some(bin) = digits.strip_prefix("0b") {
        i64::from_str_radix(bin, 2).ok()
    } else if let Some(oct) = digits.strip_prefix("0o") {
        i64::from_str_radix(oct, 8).ok()
    } else if digits.len() > 1
        && digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        i64::from_str_radix(digits, 8).ok()
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<i64>().ok()
    } else {
        None
    };
    if let Some(n) = parsed {
        return Value::Int(if neg { n.wrapping_neg() } else { n });
    }
    let lower = cleaned.to_ascii_lowercase();
    let is_float = lower.parse::<f64>().is_ok()
        && lower.bytes().any(|b| b.is_ascii_digit())
        && !lower.contains("inf")
        && !lower.contains("nan");
    if is_float || matches!(lower.as_str(), ".inf" | "-.inf" | "+.inf" | ".nan") {
        Value::Float(text.to_string())
    } else {
        Value::Str(text.to_string())
    }
}

impl Builder {
    fn new(limits: Limits) -> Self {
        Self {
            limits,
            stack: Vec::new(),
            anchors: HashMap::new(),
            nodes: 0,
            alias_nodes: 0,
            root: None,
        }
    }

    fn finish(mut self, pos: Pos) -> Node {
        self.root.take().unwrap_or(Node {
            value: Value::Null,
            pos,
        })
    }

    fn bump(&mut self, n: usize, pos: Pos) -> Result<(), YamlError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.limits.max_nodes {
            return Err(YamlError::TooManyNodes {
                limit: self.limits.max_nodes,
                pos,
            });
        }
        Ok(())
    }

    fn event(&mut self, ev: Event<'_>, span: Span) -> Result<(), YamlError> {
        let pos = Pos::from_span(span);
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                self.bump(1, pos)?;
                let plain = style == ScalarStyle::Plain;
                // Mapping keys keep their text as written (`y:` stays "y", not "true").
                if let Some(Frame::Map {
                    key: key @ None, ..
                }) = self.stack.last_mut()
                {
                    let text = text.into_owned();
                    if anchor != 0 {
                        self.anchors.insert(
                            anchor,
                            Node {
                                value: Value::Str(text.clone()),
                                pos,
                            },
                        );
                    }
                    *key = Some((text, pos, plain));
                    return Ok(());
                }
                let is_str_tag = tag
                    .as_ref()
                    .is_some_and(|t| t.suffix == "str" || t.suffix.ends_with(":str"));
                let value = if style == ScalarStyle::Plain && !is_str_tag {
                    resolve(&text, self.limits.schema)
                } else {
                    Value::Str(text.into_owned())
                };
                self.push_value(Node { value, pos }, anchor, plain)?;
            }
            Event::SequenceStart(anchor, _) => {
                self.bump(1, pos)?;
                self.open(
                    Frame::Seq {
                        pos,
                        anchor,
                        items: Vec::new(),
                    },
                    pos,
                )?;
            }
            Event::MappingStart(anchor, _) => {
                self.bump(1, pos)?;
                self.open(
                    Frame::Map {
                        pos,
                        anchor,
                        entries: Vec::new(),
                        merges: Vec::new(),
                        key: None,
                    },
                    pos,
                )?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(frame) = self.stack.pop() {
                    let (node, anchor) = match frame {
                        Frame::Seq { pos, anchor, items } => (
                            Node {
                                value: Value::Seq(items),
                                pos,
                            },
                            anchor,
                        ),
                        Frame::Map {
                            pos,
                            anchor,
                            mut entries,
                            merges,
                            ..
                        } => {
                            apply_merges(&mut entries, merges);
                            (
                                Node {
                                    value: Value::Map(entries),
                                    pos,
                                },
                                anchor,
                            )
                        }
                    };
                    self.push_value(node, anchor, false)?;
                }
            }
            Event::Alias(id) => {
                let Some(node) = self.anchors.get(&id) else {
                    return Err(YamlError::UnknownAlias { pos });
                };
                let n = count_nodes(node);
                if self.alias_nodes.saturating_add(n) > self.limits.max_alias_nodes {
                    return Err(YamlError::AliasBomb {
                        limit: self.limits.max_alias_nodes,
                        pos,
                    });
                }
                let mut copy = node.clone();
                self.alias_nodes = self.alias_nodes.saturating_add(n);
                self.bump(n, pos)?;
                copy.pos = pos;
                self.push_value(copy, 0, false)?;
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd => {}
        }
        Ok(())
    }

    fn open(&mut self, frame: Frame, pos: Pos) -> Result<(), YamlError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(YamlError::TooDeep {
                limit: self.limits.max_depth,
                pos,
            });
        }
        // A collection used as a mapping key is not something Kubernetes objects have.
        if let Some(Frame::Map { key: None, .. }) = self.stack.last() {
            return Err(YamlError::ComplexKey { pos });
        }
        self.stack.push(frame);
        Ok(())
    }

    fn push_value(&mut self, node: Node, anchor: usize, plain: bool) -> Result<(), YamlError> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                merges,
                key,
                ..
            }) => match key.take() {
                None => {
                    let text = match node.value {
                        Value::Null => String::new(),
                        Value::Bool(b) => b.to_string(),
                        Value::Int(i) => i.to_string(),
                        Value::Float(s) | Value::Str(s) => s,
                        Value::Seq(_) | Value::Map(_) => {
                            return Err(YamlError::ComplexKey { pos: node.pos });
                        }
                    };
                    *key = Some((text, node.pos, plain));
                }
                Some((k, key_pos, key_plain)) => {
                    if key_plain && k == "<<" {
                        merges.push(node);
                    } else {
                        entries.push(Entry {
                            key: k,
                            key_pos,
                            value: node,
                        });
                    }
                }
            },
        }
        Ok(())
    }
}

/// YAML merge keys (`<<: *base`), as go-yaml v2 applies them: explicit keys win.
fn apply_merges(entries: &mut Vec<Entry>, merges: Vec<Node>) {
    for merge in merges {
        let sources: Vec<Node> = match merge.value {
            Value::Map(_) => vec![merge],
            Value::Seq(items) => items,
            _ => Vec::new(),
        };
        for source in sources {
            if let Value::Map(src_entries) = source.value {
                for e in src_entries {
                    if !entries.iter().any(|x| x.key == e.key) {
                        entries.push(e);
                    }
                }
            }
        }
    }
}

impl Node {
    /// The value as JSON: mappings keep the last of repeated keys (as JSON decoding in the API
    /// server does), numbers that are not finite `f64` (`.inf`, `.nan`) stay strings.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(text) => text
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or_else(|| J::String(text.clone()), J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => {
                let mut m = serde_json::Map::new();
                for e in entries {
                    m.insert(e.key.clone(), e.value.to_json());
                }
                J::Object(m)
            }
        }
    }

    /// The first key repeated in any mapping of this tree, as configuration files must not
    /// have (go-yaml v3 refuses them).
    #[must_use]
    pub fn duplicate_key(&self) -> Option<(&str, Pos)> {
        let mut stack = vec![self];
        while let Some(n) = stack.pop() {
            match &n.value {
                Value::Seq(items) => stack.extend(items.iter()),
                Value::Map(entries) => {
                    for (i, e) in entries.iter().enumerate() {
                        if entries[..i].iter().any(|x| x.key == e.key) {
                            return Some((&e.key, e.key_pos));
                        }
                        stack.push(&e.value);
                    }
                }
                _ => {}
            }
        }
        None
    }
}

/// Reads a configuration file (one document, YAML 1.2 core schema, no duplicate keys) into JSON,
/// so serde derives serve YAML and JSON files alike. An empty file is `null`.
pub fn config_to_json(text: &str) -> Result<serde_json::Value, YamlError> {
    let mut docs = Documents::new(text, Limits::core());
    let root = match docs.next() {
        None => return Ok(serde_json::Value::Null),
        Some(doc) => doc?.root,
    };
    if let Some(second) = docs.next() {
        let pos = second?.root.pos;
        return Err(YamlError::SecondDocument { pos });
    }
    if let Some((key, pos)) = root.duplicate_key() {
        return Err(YamlError::DuplicateKey {
            key: key.to_owned(),
            pos,
        });
    }
    Ok(root.to_json())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(text: &str) -> Vec<Result<Document, YamlError>> {
        Documents::new(text, Limits::default()).collect()
    }

    #[test]
    fn positions_are_one_based() {
        let d = docs("a: 1\nb:\n  c: [x, true]\n");
        let root = &d[0].as_ref().unwrap().root;
        let b = root.entry("b").unwrap();
        assert_eq!(b.key_pos, Pos { line: 2, col: 1 });
        let c = b.value.entry("c").unwrap();
        assert_eq!(c.key_pos, Pos { line: 3, col: 3 });
        let items = c.value.as_seq().unwrap();
        assert_eq!(items[1].pos, Pos { line: 3, col: 10 });
        assert_eq!(items[1].value, Value::Bool(true));
    }

    #[test]
    fn yaml11_scalars() {
        assert_eq!(resolve_plain("yes"), Value::Bool(true));
        assert_eq!(resolve_plain("Off"), Value::Bool(false));
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain("0x1F"), Value::Int(31));
        assert_eq!(resolve_plain("010"), Value::Int(8));
        assert_eq!(resolve_plain("-5"), Value::Int(-5));
        assert_eq!(resolve_plain("1.5"), Value::Float("1.5".into()));
        assert_eq!(resolve_plain("1.19"), Value::Float("1.19".into()));
        assert_eq!(resolve_plain("nginx:1"), Value::Str("nginx:1".into()));
        assert_eq!(
            resolve_plain("99999999999999999999"),
            Value::Float("99999999999999999999".into())
        );
    }

    #[test]
    fn quoted_scalars_stay_strings() {
        let d = docs("a: \"true\"\nb: '1'\n");
        let root = &d[0].as_ref().unwrap().root;
        assert_eq!(root.get("a").unwrap().value, Value::Str("true".into()));
        assert_eq!(root.get("b").unwrap().value, Value::Str("1".into()));
    }

    #[test]
    fn multi_document_indices() {
        let d = docs("a: 1\n---\nb: 2\n---\n");
        assert_eq!(d.len(), 3);
        assert_eq!(d[1].as_ref().unwrap().index, 1);
        assert!(d[2].as_ref().unwrap().root.is_null());
    }

    #[test]
    fn merge_keys_apply() {
        let d = docs("base: &b {x: 1, y: 2}\nobj:\n  <<: *b\n  y: 3\n");
        let obj = d[0].as_ref().unwrap().root.get("obj").unwrap().clone();
        assert_eq!(obj.get("x").unwrap().value, Value::Int(1));
        assert_eq!(obj.get("y").unwrap().value, Value::Int(3));
    }

    #[test]
    fn billion_laughs_is_bounded() {
        let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let p = i - 1;
            let refs = vec![format!("*a{p}"); 9].join(", ");
            text = text + "a" + &i.to_string() + ": &a" + &i.to_string() + " [" + &refs + "]\n";
        }
        let d = docs(&text);
        assert!(
            matches!(d.last(), Some(Err(YamlError::AliasBomb { .. }))),
            "{d:?}"
        );
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let text = "[".repeat(10_000);
        let d = docs(&text);
        assert!(matches!(
            d.last(),
            Some(Err(YamlError::TooDeep { .. } | YamlError::Syntax { .. }))
        ));
        let text = (0..300).fold(String::new(), |acc, i| acc + &" ".repeat(i) + "k:\n");
        let d = docs(&text);
        assert!(
            matches!(d.last(), Some(Err(YamlError::TooDeep { .. }))),
            "{d:?}"
        );
    }

    #[test]
    fn syntax_errors_have_positions() {
        let d = docs("a: 1\nb: [1, 2\n");
        let Some(Err(e)) = d.last() else {
            panic!("expected error, got {d:?}")
        };
        assert!(e.pos().line >= 2, "{e:?}");
    }

    /// Configuration files (Trivy's secret configuration, the server's policy): YAML 1.2 core
    /// scalars, anchors within budget, errors that say where.
    #[test]
    fn core_schema_scalars_and_config_files() {
        let v = config_to_json(
            "a: 1\nb: -2\nc: 1.5\nd: true\ne: ~\nf: '1'\ng: yes\nh: 0x1f\ni: 1e3\nj: .inf\nk: 010\nl: !!str 5\n1: m\n",
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
        assert_eq!(v["k"], 10);
        assert_eq!(v["l"], "5");
        assert_eq!(v["1"], "m");
        let err = config_to_json("a: 1\na: 2\n").unwrap_err();
        assert!(
            matches!(&err, YamlError::DuplicateKey { key, pos } if key == "a" && pos.line == 2),
            "{err}"
        );
        let err = config_to_json("a: 1\n---\nb: 2\n").unwrap_err();
        assert!(matches!(err, YamlError::SecondDocument { .. }), "{err}");
        assert!(config_to_json("").unwrap().is_null());
        assert_eq!(
            config_to_json("a: &x [1, 2]\nb: *x\n").unwrap()["b"],
            serde_json::json!([1, 2])
        );
    }

    #[test]
    fn unknown_alias_is_an_error() {
        let d = docs("a: *nope\n");
        assert!(matches!(
            d.last(),
            Some(Err(
                YamlError::Syntax { .. } | YamlError::UnknownAlias { .. }
            ))
        ));
    }

    #[test]
    fn config_file_errors_say_where() {
        let err = config_to_json("a: 1\na: 2\n").unwrap_err();
        assert!(matches!(err, YamlError::DuplicateKey { ref key, .. } if key == "a"));
        assert_eq!(err.pos().line, 2);
        assert!(matches!(
            config_to_json("a: 1\n---\nb: 2\n"),
            Err(YamlError::SecondDocument { .. })
        ));
        assert!(config_to_json("a: [1, 2\n").is_err());
        assert!(config_to_json(&"[".repeat(10_000)).is_err());
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert!(matches!(
            config_to_json(&bomb),
            Err(YamlError::AliasBomb { .. } | YamlError::TooManyNodes { .. })
        ));
    }
}
