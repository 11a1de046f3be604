//! Rough CPU-time measurement of parsing and linting a large Dockerfile (robust against a busy
//! machine, unlike wall-clock benches): `cargo run --release --example prof [FILE] [RUNS]`.
//! Without FILE it lints the bench sample repeated to 1 MiB. Prints the mean CPU time per phase:
//! parse, lint of the parsed file (shell analysis, rules, findings), and both.

use std::time::Instant;

fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of /proc/self/stat (11 and 12 after the comm).
    (ticks(11) + ticks(12)) * 10.0
}

/// Mean of the samples: CPU time is counted in 10 ms ticks, so a per-run median would only
/// ever be a multiple of 10 ms; the mean over many runs is not.
#[allow(clippy::cast_precision_loss)]
fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

fn main() {
    let mut args = std::env::args().skip(1);
    let big = if let Some(path) = args.next() {
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            eprintln!("{path}: {e}");
            std::process::exit(2)
        })
    } else {
        let bench = include_str!("../benches/lint.rs");
        let sample = bench
            .split_once("r#\"")
            .and_then(|(_, rest)| rest.split_once("\"#;"))
            .map_or("", |(s, _)| s);
        let mut big = String::new();
        while big.len() < 1 << 20 {
            big.push_str(sample);
        }
        big
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(10);
    let config = bulwark_dockerfile::Config::default();
    let (mut parse, mut lint, mut all, mut wall) = (vec![], vec![], vec![], vec![]);
    let mut findings = 0;
    for _ in 0..runs {
        let (c0, w0) = (cpu_ms(), Instant::now());
        let doc = bulwark_dockerfile::parse(&big);
        let c1 = cpu_ms();
        let r = bulwark_dockerfile::lint_parsed("D", &doc, &config);
        let c2 = cpu_ms();
        drop((doc, r));
        let c3 = cpu_ms();
        let r = bulwark_dockerfile::lint("D", big.as_bytes(), &config);
        let c4 = cpu_ms();
        wall.push(w0.elapsed().as_secs_f64() * 1000.0);
        findings = r.findings.len();
        parse.push(c1 - c0);
        lint.push(c2 - c1);
        all.push(c4 - c3);
    }
    println!(
        "{} bytes, {findings} findings, mean of {runs}: parse {:.1} ms CPU, lint_parsed {:.1} ms CPU, lint {:.1} ms CPU (iteration wall {:.1} ms)",
        big.len(),
        mean(&parse),
        mean(&lint),
        mean(&all),
        mean(&wall),
    );
}
