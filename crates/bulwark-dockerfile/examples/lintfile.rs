//! Lints the files given on the command line and prints `path:line code severity message`
//! (a debugging aid until the CLI exists): `cargo run --example lintfile -- Dockerfile`.

fn main() {
    let config = bulwark_dockerfile::Config::default();
    for path in std::env::args().skip(1) {
        let Ok(bytes) = std::fs::read(&path) else {
            eprintln!("{path}: cannot read");
            continue;
        };
        let result = bulwark_dockerfile::lint(&path, &bytes, &config);
        for f in &result.findings {
            println!(
                "{path}:{} {} {} {}",
                f.location.line.unwrap_or(0),
                f.code,
                f.severity,
                f.message
            );
        }
        for s in &result.suppressed {
            println!(
                "{path}:{} {} suppressed ({})",
                s.finding.location.line.unwrap_or(0),
                s.finding.code,
                s.reason
            );
        }
    }
}
