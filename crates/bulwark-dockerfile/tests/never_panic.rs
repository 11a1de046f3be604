//! The fuzz targets' bodies as property tests (cargo-fuzz needs nightly, which is not available
//! everywhere): arbitrary bytes and Dockerfile-shaped text never make `lint` panic, and every
//! finding points inside the file.

use bulwark_dockerfile::{Config, LabelType, Level, lint};
use proptest::prelude::*;

fn all_rules() -> Config {
    let mut config = Config::default();
    for code in ["DL1001", "DL3057"] {
        config.overrides.insert(code.into(), Level::Info);
    }
    config.trusted_registries.insert("docker.io".into());
    config
        .label_schema
        .insert("version".into(), LabelType::Semver);
    config.label_schema.insert("url".into(), LabelType::Url);
    config.strict_labels = true;
    config
}

fn check(data: &[u8]) -> Result<(), TestCaseError> {
    let result = lint("fuzz", data, &all_rules());
    let lines = data.split(|&b| b == b'\n').count() as u32;
    for f in &result.findings {
        let line = f.location.line.unwrap_or(1);
        prop_assert!(
            line >= 1 && line <= lines.max(1),
            "line {line} of {lines}: {f:?}"
        );
    }
    Ok(())
}

const PIECES: &[&str] = &[
    "FROM debian:12 AS b\n",
    "FROM b\n",
    "FROM --platform=$X ${IMG}\n",
    "RUN apt-get update && apt-get install -y x \\\n",
    "  # c\n",
    "RUN <<EOF\ncurl x | sh\nEOF\n",
    "RUN <<-'A' cat\n\tx\n\tA\n",
    "ONBUILD RUN pip install y\n",
    "ONBUILD ONBUILD\n",
    "COPY --from=b / /\n",
    "COPY <<EOF /x\nhi\n",
    "ADD http://x/y.tgz .\n",
    "ENV A=1 B=${A}\n",
    "ARG T=\"q\n",
    "LABEL version=\"\" url=x\n",
    "USER root\n",
    "SHELL [\"pwsh\",\n",
    "CMD [\"a\"\n",
    "EXPOSE 99999 1-2 $P\n",
    "HEALTHCHECK NONE\n",
    "HEALTHCHECK --x CMD\n",
    "# hadolint ignore=DL3008,\n",
    "# escape=`\n",
    "WORKDIR `\n",
    "\\\n",
    "RUN echo $(( 1 + $(date) )) `id` \"$(x \"y\")\" ${a:-$(b)}\n",
    "RUN case x in a) b;; esac; f() { g; }\n",
    "\u{feff}",
    "\r\n",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..400)) {
        check(&data)?;
    }

    #[test]
    fn dockerfile_shaped(idx in proptest::collection::vec(0..PIECES.len(), 0..24)) {
        let text: String = idx.iter().map(|&i| PIECES[i]).collect();
        check(text.as_bytes())?;
    }
}

#[test]
fn pathological_inputs_are_bounded() {
    let long_line = format!("FROM a:1\nRUN {}\n", "x ".repeat(5_000_000));
    assert!(
        lint("big", long_line.as_bytes(), &Config::default())
            .findings
            .len()
            < 10
    );
    let many_continuations = format!("FROM a:1\nRUN {}echo\n", "a \\\n".repeat(200_000));
    let _ = lint("big", many_continuations.as_bytes(), &Config::default());
    let nested = format!(
        "FROM a:1\nRUN {}{}\n",
        "$(".repeat(20_000),
        ")".repeat(20_000)
    );
    let _ = lint("big", nested.as_bytes(), &Config::default());
    let heredocs = format!("FROM a:1\nRUN {}\n", "<<E ".repeat(10_000));
    let r = lint("big", heredocs.as_bytes(), &Config::default());
    assert_eq!(r.findings[0].code, "DL1000");
    // An empty file is one clear DL1000 finding (see `empty_file_is_one_dl1000`).
    let empty = lint("empty", b"", &Config::default());
    assert_eq!(empty.findings.len(), 1);
    assert_eq!(empty.findings[0].code, "DL1000");
}
