//! The keyword prefilter: one Aho-Corasick pass (SIMD Teddy over 4-byte keyword prefixes on
//! lower-cased chunks when the CPU has it) finds where each rule's keywords occur, so a rule's
//! regex runs only around its keywords.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::CompiledRule;
use crate::error::ConfigError;

/// One keyword of the prefilter: its exact bytes when case matters, and the rules it triggers.
#[derive(Debug)]
pub(super) struct Keyword {
    pub(super) exact: Option<Vec<u8>>,
    pub(super) rules: Vec<usize>,
}

/// Keyword automaton (one ASCII-case-insensitive pass for all rules) plus, per pattern, the
/// case-sensitive spelling to verify and the rules it triggers.
///
/// The scan itself uses `packed` when it could be built (SIMD Teddy over the lower-cased
/// keywords' first bytes, run on a lower-cased copy of the text in 64 KiB chunks): several times faster than
/// the automaton, whose case-insensitive search has no SIMD prefilter. Teddy reports
/// non-overlapping leftmost matches only; every keyword occurrence starts inside some reported
/// match `[s, e)` (its prefix is a candidate, and the leftmost search reports the
/// earliest-starting candidate at or after where it resumes), so the overlapping automaton
/// re-run on `s..e + max_len` finds them all.
#[derive(Debug)]
pub(super) struct Prefilter {
    pub(super) automaton: AhoCorasick,
    pub(super) keywords: Vec<Keyword>,
    pub(super) packed: Option<aho_corasick::packed::Searcher>,
    pub(super) max_len: usize,
}

/// Keyword bytes the packed prefilter looks for.
pub(super) const PACKED_PREFIX: usize = 4;

/// Bytes lower-cased and searched at a time by the packed prefilter.
pub(super) const PREFILTER_CHUNK: usize = 64 * 1024;

impl Prefilter {
    /// Calls `hit(start, end, pattern)` for every keyword occurrence, overlapping ones included.
    pub(super) fn packed_hits(
        &self,
        packed: &aho_corasick::packed::Searcher,
        content: &[u8],
        hit: &mut impl FnMut(usize, usize, usize),
    ) {
        let overlap = self.max_len.saturating_sub(1);
        let mut lower = Vec::with_capacity(content.len().min(PREFILTER_CHUNK) + overlap);
        let mut from = 0;
        while from < content.len() {
            // This chunk owns matches starting in from..own; it also sees `overlap` bytes
            // more so that a keyword starting near `own` is found whole.
            let own = from.saturating_add(PREFILTER_CHUNK).min(content.len());
            let to = own.saturating_add(overlap).min(content.len());
            lower.clear();
            lower.extend_from_slice(content.get(from..to).unwrap_or_default());
            lower.make_ascii_lowercase();
            for m in packed.find_iter(&lower) {
                let (start, end) = (from + m.start(), from + m.end());
                if start >= own {
                    break;
                }
                let region_end = end.saturating_add(self.max_len).min(content.len());
                let Some(region) = content.get(start..region_end) else {
                    continue;
                };
                for o in self.automaton.find_overlapping_iter(region) {
                    // Occurrences starting at or after `end` belong to a later match.
                    if start + o.start() < end {
                        hit(start + o.start(), start + o.end(), o.pattern().as_usize());
                    }
                }
            }
            from = own;
        }
    }
}

/// Builds the single keyword automaton. Case-sensitive keywords are searched
/// case-insensitively too (one pass over the data instead of two) and verified on hit.
pub(super) fn build_prefilter(rules: &[CompiledRule]) -> Result<Option<Prefilter>, ConfigError> {
    let mut patterns: Vec<Vec<u8>> = Vec::new();
    let mut keywords: Vec<Keyword> = Vec::new();
    for (idx, rule) in rules.iter().enumerate() {
        for (kw, cs) in &rule.keywords {
            let key = kw.as_bytes().to_ascii_lowercase();
            let exact = cs.then(|| kw.as_bytes().to_vec());
            let found = patterns
                .iter()
                .zip(keywords.iter_mut())
                .find(|(p, k)| **p == key && k.exact == exact);
            if let Some((_, k)) = found {
                if !k.rules.contains(&idx) {
                    k.rules.push(idx);
                }
            } else {
                patterns.push(key);
                keywords.push(Keyword {
                    exact,
                    rules: vec![idx],
                });
            }
        }
    }
    if patterns.is_empty() {
        return Ok(None);
    }
    let automaton = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&patterns)
        .map_err(|e| ConfigError::Keywords(e.to_string()))?;
    // Teddy only finds candidates (the automaton re-run confirms them), so it searches for
    // the keywords' first 4 bytes: fewer patterns (62 for the built-ins; Teddy's limit is 64,
    // 128 without its heuristic limits) and the same coverage argument.
    let mut prefixes: Vec<&[u8]> = patterns
        .iter()
        .map(|p| p.get(..PACKED_PREFIX).unwrap_or(p))
        .collect();
    prefixes.sort_unstable();
    prefixes.dedup();
    let packed = [true, false].into_iter().find_map(|limits| {
        aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
            .heuristic_pattern_limits(limits)
            .builder()
            .extend(&prefixes)
            .build()
    });
    let max_len = patterns.iter().map(Vec::len).max().unwrap_or(0);
    Ok(Some(Prefilter {
        automaton,
        keywords,
        packed,
        max_len,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::BUILTIN;
    use crate::scanner::Scanner;

    /// The packed (chunked, lower-cased, non-overlapping + re-run) search reports exactly the
    /// occurrences of the plain overlapping automaton, across chunk boundaries and in any case.
    #[test]
    fn packed_prefilter_finds_every_overlapping_occurrence() {
        let scanner = Scanner::builtin().unwrap();
        let pre = scanner.prefilter.as_ref().unwrap();
        let packed = pre.packed.as_ref().expect("Teddy available on this CPU");
        let words: Vec<&str> = BUILTIN
            .iter()
            .flat_map(|r| r.keywords.iter().copied())
            .chain([
                "aws_secret_access_key",
                "xoxb-ghp_",
                " ",
                "\n",
                "x",
                "sEcReT",
            ])
            .collect();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut text = Vec::new();
        while text.len() < 3 * PREFILTER_CHUNK + 1000 {
            let w = words[(next() % words.len() as u64) as usize];
            for b in w.bytes() {
                text.push(if next() % 3 == 0 {
                    b.to_ascii_uppercase()
                } else {
                    b
                });
            }
            if next() % 4 == 0 {
                text.push(b' ');
            }
        }
        let mut expected: Vec<(usize, usize, usize)> = pre
            .automaton
            .find_overlapping_iter(&text)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect();
        let mut got = Vec::new();
        pre.packed_hits(packed, &text, &mut |s, e, p| got.push((s, e, p)));
        expected.sort_unstable();
        got.sort_unstable();
        got.dedup();
        assert!(expected.len() > 1000);
        assert_eq!(got, expected);
    }
}
