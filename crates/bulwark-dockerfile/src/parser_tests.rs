use crate::ast::{Args, Kind, Node, Port};
use crate::{parse, parse_bytes};

fn kinds(src: &str) -> Vec<Kind> {
    parse(src).instructions().map(|i| i.kind.clone()).collect()
}

#[test]
fn lines_and_continuations() {
    let doc = parse(
        "FROM alpine:3.19 AS base\n\n# comment\nRUN apk add \\\n    # inner comment\n\n    curl \\\n    git\nUSER app\n",
    );
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    let ins: Vec<_> = doc.instructions().collect();
    assert_eq!(ins.len(), 3);
    assert_eq!(ins[1].span.start_line, 4);
    assert_eq!(ins[1].span.end_line, 8);
    assert_eq!(ins[1].text, "apk add     curl     git");
    assert_eq!(ins[2].line(), 9);
    assert!(matches!(&doc.nodes[1], Node::Comment(c) if c.line == 3 && c.text == " comment"));
}

#[test]
fn escape_directive_backtick() {
    let doc = parse(
        "# escape=`\nFROM mcr.microsoft.com/windows:ltsc2022\nRUN dir `\n  c:\\\nWORKDIR c:\\app\n",
    );
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    assert_eq!(doc.escape, '`');
    assert_eq!(doc.directive("escape"), Some("`"));
    let ins: Vec<_> = doc.instructions().collect();
    assert_eq!(ins[1].text, "dir   c:\\");
    assert_eq!(ins[2].line(), 5);
}

#[test]
fn directives_stop_at_first_other_line() {
    let doc = parse("# syntax=docker/dockerfile:1.7\n# check=skip=all\n\n# escape=`\nFROM x\n");
    assert_eq!(doc.directive("syntax"), Some("docker/dockerfile:1.7"));
    assert_eq!(doc.directive("check"), Some("skip=all"));
    assert_eq!(doc.escape, '\\');
}

#[test]
fn exec_and_shell_forms() {
    let k = kinds(
        "FROM x\nCMD [\"a\", \"b c\"]\nENTRYPOINT run me\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN [\"broken\"\n",
    );
    assert_eq!(k[1], Kind::Cmd(Args::Exec(vec!["a".into(), "b c".into()])));
    assert_eq!(k[2], Kind::Entrypoint(Args::Shell("run me".into())));
    assert!(matches!(&k[3], Kind::Shell(Args::Exec(v)) if v.len() == 4));
    assert!(matches!(&k[4], Kind::Run(r) if r.args == Args::Shell("[\"broken\"".into())));
}

#[test]
fn heredocs() {
    let src = "FROM x\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\nCOPY <<-\"A\" /a <<B /b\n\thello\n\tA\nworld\nB\nRUN cat <<'X' > /f && echo ok\n$HOME\nX\nUSER u\n";
    let doc = parse(src);
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    let ins: Vec<_> = doc.instructions().collect();
    assert_eq!(ins[1].heredocs.len(), 1);
    assert_eq!(
        ins[1].heredocs[0].body,
        "apt-get update\napt-get install -y curl\n"
    );
    assert_eq!(ins[1].span.end_line, 5);
    assert_eq!(ins[2].heredocs.len(), 2);
    assert_eq!(ins[2].heredocs[0].body, "hello\n");
    assert!(ins[2].heredocs[0].strip_tabs && ins[2].heredocs[0].quoted);
    assert_eq!(ins[2].heredocs[1].body, "world\n");
    assert_eq!(ins[3].heredocs[0].body, "$HOME\n");
    assert_eq!(ins[4].line(), 14);
}

#[test]
fn unterminated_heredoc_is_an_error() {
    let doc = parse("FROM x\nRUN <<EOF\necho\n");
    assert_eq!(doc.errors.len(), 1);
    assert_eq!(doc.errors[0].line, 2);
}

#[test]
#[allow(clippy::many_single_char_names)]
fn flags_and_from() {
    let doc = parse(
        "FROM --platform=$BUILDPLATFORM gcr.io/proj/img:1.2@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa AS build\nRUN --mount=type=cache,target=/root/.cache --network=none --security=insecure make\nCOPY --from=build --chown=1:1 --chmod=644 --link a b /dst/\nADD --checksum=sha256:x https://e/x.tgz /x\n",
    );
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    let k: Vec<_> = doc.instructions().map(|i| i.kind.clone()).collect();
    let Kind::From(f) = &k[0] else { panic!() };
    assert_eq!(f.platform.as_deref(), Some("$BUILDPLATFORM"));
    assert_eq!(f.image.registry.as_deref(), Some("gcr.io"));
    assert_eq!(f.image.name, "proj/img");
    assert_eq!(f.image.tag.as_deref(), Some("1.2"));
    assert_eq!(
        f.image.digest.as_deref(),
        Some("sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
    );
    assert_eq!(f.alias.as_deref(), Some("build"));
    let Kind::Run(r) = &k[1] else { panic!() };
    assert_eq!(r.mounts[0].kind, "cache");
    assert_eq!(r.mounts[0].target.as_deref(), Some("/root/.cache"));
    assert_eq!(r.network.as_deref(), Some("none"));
    assert_eq!(r.security.as_deref(), Some("insecure"));
    let Kind::Copy(c) = &k[2] else { panic!() };
    assert_eq!(c.sources, ["a", "b"]);
    assert_eq!(c.dest, "/dst/");
    assert_eq!(c.from.as_deref(), Some("build"));
    assert!(c.link);
    let Kind::Add(a) = &k[3] else { panic!() };
    assert_eq!(a.checksum.as_deref(), Some("sha256:x"));
}

#[test]
fn image_refs() {
    use crate::ast::ImageRef;
    let r = ImageRef::parse("localhost:5000/a/b:t");
    assert_eq!(
        (r.registry.as_deref(), r.name.as_str(), r.tag.as_deref()),
        (Some("localhost:5000"), "a/b", Some("t"))
    );
    let r = ImageRef::parse("ubuntu");
    assert_eq!((r.registry, r.name.as_str(), r.tag), (None, "ubuntu", None));
    let r = ImageRef::parse("library/ubuntu@sha256:1");
    assert_eq!(
        (r.name.as_str(), r.tag, r.digest.as_deref()),
        ("library/ubuntu", None, Some("sha256:1"))
    );
}

#[test]
fn env_label_arg_expose() {
    let k = kinds(
        "FROM x\nENV A=1 B=\"two words\" C='$x'\nENV LEGACY value with spaces\nLABEL \"com.x\"=\"y\" empty=\"\"\nARG V=1 W\nEXPOSE 80 443/tcp 8000-8010 $PORT 70000\n",
    );
    assert_eq!(
        k[1],
        Kind::Env(vec![
            ("A".into(), "1".into()),
            ("B".into(), "two words".into()),
            ("C".into(), "$x".into())
        ])
    );
    assert_eq!(
        k[2],
        Kind::Env(vec![("LEGACY".into(), "value with spaces".into())])
    );
    assert_eq!(
        k[3],
        Kind::Label(vec![
            ("com.x".into(), "y".into()),
            ("empty".into(), String::new())
        ])
    );
    assert_eq!(
        k[4],
        Kind::Arg(vec![("V".into(), Some("1".into())), ("W".into(), None)])
    );
    assert_eq!(
        k[5],
        Kind::Expose(vec![
            Port::Number(80),
            Port::Number(443),
            Port::Range(8000, 8010),
            Port::Other("$PORT".into()),
            Port::Number(70000)
        ])
    );
}

#[test]
fn onbuild_and_healthcheck() {
    let k = kinds(
        "FROM x\nONBUILD RUN make\nHEALTHCHECK --interval=5s CMD curl -f http://x/ || exit 1\nHEALTHCHECK NONE\n",
    );
    assert!(matches!(&k[1], Kind::Onbuild(i) if matches!(i.kind, Kind::Run(_))));
    assert!(
        matches!(&k[2], Kind::Healthcheck(Some(Args::Shell(s))) if s == "curl -f http://x/ || exit 1")
    );
    assert_eq!(k[3], Kind::Healthcheck(None));
}

#[test]
fn errors_have_positions_and_never_panic() {
    let doc = parse("FROM x\n  BOGUS thing\n");
    assert_eq!(doc.errors[0].line, 2);
    assert_eq!(doc.errors[0].column, 3);
    assert!(!parse("FROM\n").errors.is_empty());
    assert!(!parse("FROM a b\n").errors.is_empty());
    assert!(!parse_bytes(b"FROM x\nRUN \xff\xfe\n").errors.is_empty());
    assert_eq!(parse_bytes(b"FROM x\nRUN \xff\n").errors[0].line, 2);
    assert!(!parse_bytes(b"\x00\x01binary").errors.is_empty());
    assert!(parse("").errors.is_empty());
    assert!(
        parse("\u{feff}FROM x\r\nRUN a \\\r\n b\r\n")
            .errors
            .is_empty()
    );
    let deep = "ONBUILD ".repeat(10_000) + "RUN x";
    assert!(!parse(&deep).errors.is_empty());
}

#[test]
fn from_images_resolve_global_args() {
    let doc = parse("ARG BASE=debian\nARG TAG=12\nFROM ${BASE}:${TAG:-11} AS b\nFROM $BASE\n");
    let froms: Vec<_> = doc
        .instructions()
        .filter_map(|i| match &i.kind {
            Kind::From(f) => f.resolved.clone(),
            _ => None,
        })
        .collect();
    assert_eq!(froms[0].name, "debian");
    assert_eq!(froms[0].tag.as_deref(), Some("12"));
    assert_eq!(froms[1].name, "debian");
}

#[test]
fn substitution_forms() {
    use crate::vars::expand;
    let look = |n: &str| match n {
        "A" => Some("1"),
        "E" => Some(""),
        _ => None,
    };
    assert_eq!(
        expand(
            "$A-${A}-${B:-d}-${E:-d}-${E-d}-${A:+x}-${B:+x}-\\$A",
            '\\',
            look
        )
        .unwrap(),
        "1-1-d-d--x--$A"
    );
    assert!(expand("plain", '\\', look).is_none());
}

mod prop {
    use super::*;
    use proptest::prelude::*;
    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1500))]
        #[test]
        fn never_panics_bytes(b in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = parse_bytes(&b);
        }
        #[test]
        fn never_panics_dockerish(s in "((FROM|RUN|COPY|ONBUILD|ENV|LABEL|ARG|# escape=`|#|HEALTHCHECK|EXPOSE)[ a-z0-9=\"'`\\\\<>\\-\\[\\],$]{0,30}\n?){0,12}") {
            let doc = parse(&s);
            for i in doc.instructions() {
                prop_assert!(i.span.start_line >= 1 && i.span.end_line >= i.span.start_line);
            }
        }
    }
}

#[test]
fn arithmetic_shift_is_not_a_heredoc() {
    let doc = parse("FROM x\nRUN echo $((1<<2))\nUSER u\n");
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    assert_eq!(doc.instructions().count(), 3);
}

#[test]
fn image_tags_with_variable_defaults() {
    use crate::ast::ImageRef;
    let r = ImageRef::parse("node:${NODE_VERSION:-20}-alpine");
    assert_eq!(
        (r.name.as_str(), r.tag.as_deref()),
        ("node", Some("${NODE_VERSION:-20}-alpine"))
    );
    let r = ImageRef::parse("${REGISTRY}/app:${TAG:-latest}");
    assert_eq!(
        (r.name.as_str(), r.tag.as_deref()),
        ("${REGISTRY}/app", Some("${TAG:-latest}"))
    );
}

#[test]
fn stage_scoped_variables() {
    use crate::vars::scopes;
    let doc = parse(
        "ARG V=1\nARG G=g\nFROM a\nRUN x\nARG V\nENV E=${V}-e\nRUN y\nFROM b\nRUN z\nARG N=${E:-none}\nRUN w\n",
    );
    let s = scopes(&doc);
    // index = node index (no comments here): 0 ARG, 1 ARG, 2 FROM, 3 RUN, 4 ARG, 5 ENV, 6 RUN,
    // 7 FROM, 8 RUN, 9 ARG, 10 RUN
    assert_eq!(s[2].get("V"), Some("1"));
    assert_eq!(
        s[3].get("V"),
        None,
        "global ARGs are not visible in a stage until re-declared"
    );
    assert_eq!(s[6].get("V"), Some("1"));
    assert_eq!(s[6].get("E"), Some("1-e"));
    assert_eq!(s[8].get("E"), None, "ENV does not leak into the next stage");
    assert_eq!(s[10].get("N"), Some("none"));
    assert_eq!(s[6].expand("$E/${G:-x}", '\\').as_deref(), Some("1-e/x"));
}
