//! Deterministic synthetic OSV records for benchmarks and the million-record import run.
//! Not test data for correctness: it only has the *shape* of osv.dev records (several
//! ecosystems, aliases, CVSS vectors, 1–3 affected packages, multi-event ranges, version
//! lists) so import, open and match costs are representative.

/// A small xorshift PRNG so generation is reproducible without a dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// Seeded generator (seed 0 is replaced by a constant).
    pub fn new(seed: u64) -> Self {
        Rng(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// `(ecosystem, version style)` used by the generator.
pub const ECOSYSTEMS: [&str; 6] = [
    "PyPI",
    "npm",
    "Go",
    "Debian:12",
    "Alpine:v3.20",
    "crates.io",
];

/// Version string for ecosystem `eco` from three numbers.
pub fn version(eco: &str, a: u64, b: u64, c: u64) -> String {
    match eco {
        "Debian:12" => format!("{a}.{b}.{c}-1"),
        "Alpine:v3.20" => format!("{a}.{b}.{c}-r0"),
        _ => format!("{a}.{b}.{c}"),
    }
}

/// Package name `i` of ecosystem `eco`.
pub fn package(eco: &str, i: u64) -> String {
    match eco {
        "Go" => format!("github.com/org{}/mod{i}", i % 97),
        "npm" if i.is_multiple_of(5) => format!("@scope{}/pkg{i}", i % 13),
        _ => format!("pkg{i}"),
    }
}

/// Record number `n` as OSV JSON; `packages` is the number of distinct packages per ecosystem.
pub fn record(rng: &mut Rng, n: u64, packages: u64) -> String {
    let eco = ECOSYSTEMS[(rng.below(ECOSYSTEMS.len() as u64)) as usize];
    let naff = 1 + rng.below(3);
    let mut affected = Vec::new();
    for _ in 0..naff {
        let p = package(eco, rng.below(packages));
        let (a, b) = (rng.below(5), rng.below(20));
        let intro = if rng.below(3) == 0 {
            "0".to_owned()
        } else {
            version(eco, a, b, 0)
        };
        let fixed = version(eco, a, b, 1 + rng.below(30));
        let second = if rng.below(4) == 0 {
            format!(
                r#",{{"introduced":"{}"}},{{"fixed":"{}"}}"#,
                version(eco, a + 1, 0, 0),
                version(eco, a + 1, 0, 1 + rng.below(9))
            )
        } else {
            String::new()
        };
        let versions: Vec<String> = (0..rng.below(8))
            .map(|k| format!("\"{}\"", version(eco, a, b, k)))
            .collect();
        affected.push(format!(
            r#"{{"package":{{"ecosystem":"{eco}","name":"{p}"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"{intro}"}},{{"fixed":"{fixed}"}}{second}]}}],"versions":[{}],"ecosystem_specific":{{"urgency":"medium"}}}}"#,
            versions.join(",")
        ));
    }
    format!(
        r#"{{"schema_version":"1.7.0","id":"SYN-{n}","modified":"2024-05-01T00:00:00Z","published":"2024-04-01T00:00:00Z","aliases":["CVE-2024-{n}","GHSA-{n:04x}-syn"],"summary":"Synthetic vulnerability number {n} in a generated package","details":"Generated for benchmarks. Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.","severity":[{{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}],"affected":[{}],"database_specific":{{"severity":"HIGH"}}}}"#,
        affected.join(",")
    )
}
