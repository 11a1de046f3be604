//! Rough CPU-time measurement of parse and lint on a 1 MB Dockerfile (robust against a busy
//! machine, unlike wall-clock benches): `cargo run --release --example prof`.

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

fn main() {
    let bench = include_str!("../benches/lint.rs");
    let sample = bench
        .split_once("r#\"")
        .and_then(|(_, rest)| rest.split_once("\"#;"))
        .map_or("", |(s, _)| s);
    let mut big = String::new();
    while big.len() < 1 << 20 {
        big.push_str(sample);
    }
    let config = bulwark_dockerfile::Config::default();
    let runs = 10;
    let (c0, w0) = (cpu_ms(), Instant::now());
    for _ in 0..runs {
        std::hint::black_box(bulwark_dockerfile::parse(&big));
    }
    let (c1, w1) = (cpu_ms(), Instant::now());
    for _ in 0..runs {
        std::hint::black_box(bulwark_dockerfile::lint("D", big.as_bytes(), &config));
    }
    let (c2, w2) = (cpu_ms(), Instant::now());
    println!(
        "1 MiB: parse {:.1} ms CPU ({:.1} ms wall), lint {:.1} ms CPU ({:.1} ms wall) per run",
        (c1 - c0) / f64::from(runs),
        (w1 - w0).as_secs_f64() * 1000.0 / f64::from(runs),
        (c2 - c1) / f64::from(runs),
        (w2 - w1).as_secs_f64() * 1000.0 / f64::from(runs),
    );
}
