//! Layer-walking throughput on a synthetic layer (plain, gzip, zstd), metadata only and with
//! a visitor that wants a handful of files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;

use bulwark_oci::{
    EntryMeta, LayerContext, LayerVisitor, MetadataOnly, WalkOptions, WantedFile, walk_layer_stream,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn synthetic_tar() -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut seed = 7u64;
    for i in 0..4000 {
        let len = 500 + (i * 37) % 6000;
        let data: Vec<u8> = (0..len)
            .map(|_| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                b"abcdefgh ijklmnop\n"[(seed >> 59) as usize % 18]
            })
            .collect();
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(
            &mut h,
            format!("usr/lib/pkg{}/file{i}.txt", i % 50),
            &data[..],
        )
        .unwrap();
    }
    b.into_inner().unwrap()
}

struct Few(usize);
impl LayerVisitor for Few {
    fn wants(&self, path: &str, _: &EntryMeta) -> bool {
        path.ends_with("file7.txt") || path.ends_with("file3999.txt")
    }
    fn visit(&mut self, f: &WantedFile<'_>) {
        self.0 += f.data.len();
    }
}

fn bench(c: &mut Criterion) {
    let tar = synthetic_tar();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar).unwrap();
    let gz = gz.finish().unwrap();
    let zst =
        ruzstd::encoding::compress_to_vec(&tar[..], ruzstd::encoding::CompressionLevel::Fastest);
    let ctx = LayerContext {
        image: "bench".into(),
        layer: "bench".into(),
        index: 0,
        cache_key: "bench".into(),
        diff_id: None,
    };
    let opts = WalkOptions::default();
    let mut g = c.benchmark_group("walk_layer");
    g.throughput(Throughput::Bytes(tar.len() as u64));
    g.sample_size(20);
    for (name, blob) in [("plain", &tar), ("gzip", &gz), ("zstd", &zst)] {
        g.bench_function(format!("{name}/metadata"), |b| {
            b.iter(|| walk_layer_stream(&blob[..], &ctx, &mut MetadataOnly, &opts).unwrap());
        });
        g.bench_function(format!("{name}/few_files"), |b| {
            b.iter(|| walk_layer_stream(&blob[..], &ctx, &mut Few(0), &opts).unwrap());
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
