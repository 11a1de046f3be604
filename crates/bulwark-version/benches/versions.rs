//! Parse and compare cost per scheme on typical versions.
//! Run: `cargo bench -p bulwark-version --bench versions`.

use std::hint::black_box;

use bulwark_version::Scheme;
use bulwark_version::osv::{CompiledRange, Event, RangeKind};
use criterion::{Criterion, criterion_group, criterion_main};

const CASES: &[(Scheme, &str, &str)] = &[
    (Scheme::Dpkg, "1:2.36.1-8+deb12u1", "1:2.36.1-8+deb12u2"),
    (Scheme::Apk, "1.36.1_p2-r5", "1.36.1_p2-r6"),
    (Scheme::Rpm, "1:3.0.7-27.el9", "1:3.0.7-28.el9_4"),
    (Scheme::Pep440, "2.31.0", "2.32.0rc1"),
    (Scheme::Npm, "4.17.21", "4.17.20"),
    (Scheme::Go, "v0.17.0", "v0.0.0-20230905200255-921286631fa9"),
    (Scheme::Maven, "2.15.2", "2.16.0-rc1"),
    (Scheme::RubyGems, "7.0.8.1", "7.0.8"),
    (Scheme::NuGet, "13.0.3", "13.0.1"),
    (Scheme::Packagist, "v5.4.3", "5.4.4-RC1"),
    (Scheme::SemVer, "1.0.188", "1.0.189"),
    (Scheme::Hackage, "2.1.3.1", "2.1.3"),
    (Scheme::Pub, "1.2.3+4", "1.2.3"),
    (Scheme::Cran, "1.4-2", "1.4.1"),
];

fn parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    for &(scheme, a, _) in CASES {
        g.bench_function(scheme.name(), |b| {
            b.iter(|| scheme.parse(black_box(a)));
        });
    }
    g.finish();
}

fn compare(c: &mut Criterion) {
    let mut g = c.benchmark_group("compare");
    for &(scheme, a, b) in CASES {
        let (Ok(x), Ok(y)) = (scheme.parse(a), scheme.parse(b)) else {
            continue;
        };
        g.bench_function(scheme.name(), |bch| {
            bch.iter(|| black_box(&x).try_cmp(black_box(&y)));
        });
    }
    g.finish();
}

fn osv(c: &mut Criterion) {
    let events = [
        Event::introduced("0"),
        Event::fixed("1:2.36.1-8+deb12u1"),
        Event::introduced("1:2.37"),
        Event::fixed("1:2.38.1-1"),
    ];
    let Ok(range) = CompiledRange::compile(Scheme::Dpkg, RangeKind::Ecosystem, &events) else {
        return;
    };
    let Ok(v) = Scheme::Dpkg.parse("1:2.36.1-8") else {
        return;
    };
    c.bench_function("osv/contains_dpkg_4_events", |b| {
        b.iter(|| range.contains(black_box(&v)));
    });
    c.bench_function("osv/compile_dpkg_4_events", |b| {
        b.iter(|| CompiledRange::compile(Scheme::Dpkg, RangeKind::Ecosystem, black_box(&events)));
    });
}

criterion_group!(benches, parse, compare, osv);
criterion_main!(benches);
