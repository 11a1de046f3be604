use super::*;

fn names(script: &str) -> Vec<String> {
    parse_shell(script)
        .commands
        .into_iter()
        .map(|c| c.name)
        .collect()
}

fn args(script: &str, idx: usize) -> Vec<String> {
    parse_shell(script)
        .commands
        .get(idx)
        .map(|c| c.arguments.iter().map(|a| a.arg.clone()).collect())
        .unwrap_or_default()
}

#[test]
fn splits_on_operators() {
    assert_eq!(
        names("apt-get update && apt-get install -y foo || echo fail; ls | wc -l & true"),
        ["apt-get", "apt-get", "echo", "ls", "wc", "true"]
    );
    assert_eq!(parse_shell("a | b |& c || d").pipes.len(), 2);
    assert!(!parse_shell("a || b").has_pipes());
}

#[test]
fn quotes_and_expansions_are_simplified_like_hadolint() {
    assert_eq!(
        args(
            r#"echo "a b" 'c d' e\ f $HOME ${X:-y} "$(date)" `id` $((1+2)) $1 $@"#,
            0
        ),
        [
            "a b", "c d", "e f", "${HOME}", "${X:-y}", "${date}", "${VAR}", "${VAR}", "${1}",
            "${@}"
        ]
    );
    assert_eq!(args(r#"echo "x${Y}z" pre$V"#, 0), ["x${Y}z", "pre${V}"]);
    // `$(...)`: the words of each single simple command, concatenated; pipelines and lists
    // render as nothing (Hadolint's `simplify`).
    assert_eq!(
        args(
            "echo $(cat /pkgs.txt) $(a x; b y) $(a | b) $(a && b; c) $(X=1 d >/o e)",
            0
        ),
        ["${cat/pkgs.txt}", "${axby}", "${}", "${c}", "${de}"]
    );
}

#[test]
fn nested_commands_follow_their_parent() {
    assert_eq!(
        names("echo $(curl -s x | sh) `wget y`"),
        ["echo", "curl", "sh", "wget"]
    );
    assert!(parse_shell("echo $(a | b)").has_pipes());
    assert_eq!(names("(cd /x && make) ; { ls; }"), ["cd", "make", "ls"]);
    assert_eq!(names("diff <(sort a) b"), ["diff", "sort"]);
}

#[test]
fn assignments_redirections_and_keywords() {
    assert_eq!(
        names("FOO=bar BAZ=\"q\" make install >/dev/null 2>&1"),
        ["make"]
    );
    assert_eq!(args("make install > log 2>&1 < in", 0), ["install"]);
    assert_eq!(names("X=1"), Vec::<String>::new());
    assert_eq!(names("arr=(a b c) && ls"), ["ls"]);
    assert_eq!(
        names("if [ -f x ]; then rm x; elif true; then :; else echo; fi"),
        ["rm", "true", ":", "echo"]
    );
    // `[ ... ]` is a condition, not a command named `[` (ShellCheck's `T_Condition`).
    assert_eq!(names("[ -f /x ] && rm /x"), ["rm"]);
    // A block left open is a syntax error, as for ShellCheck: no commands.
    for bad in ["if a; then b", "while a; do b", "{ a;"] {
        let p = parse_shell(bad);
        assert!(p.error.is_some() && p.commands.is_empty(), "{bad}");
    }
    // A keyword that closes nothing stops the parse; the commands before it remain.
    assert_eq!(names("a x if y; then b; fi"), ["a"]);
    assert_eq!(names("a; done; b"), ["a"]);
    assert_eq!(
        names("for a in b; do c; done; while d; do e; done; case x in y) z;; esac"),
        ["c", "d", "e", "z"]
    );
    // `command`, `exec`, `builtin`, `busybox` and `coproc` run the command that follows
    // (ShellCheck's `getCommandName`); the arguments stay every word after the prefix.
    assert_eq!(
        names("command apt-get update; exec -a x make; command -v ls; coproc yum install"),
        ["apt-get", "make", "command", "yum"]
    );
    assert_eq!(args("exec apt-get update", 0), ["apt-get", "update"]);
    assert_eq!(names("for i in a b c; do echo $i; done"), ["echo"]);
    assert_eq!(
        names("while read l; do echo \"$l\"; done < f"),
        ["read", "echo"]
    );
    assert_eq!(
        names("case \"$x\" in a|b) echo ab ;; *) exit 1 ;; esac; ls"),
        ["echo", "exit", "ls"]
    );
    assert_eq!(names("[[ -n $x ]] && echo y"), ["echo"]);
    assert_eq!(
        names("f() { echo hi; }; function g { ls; }"),
        ["echo", "ls"]
    );
    assert_eq!(names("! grep -q x f"), ["grep"]);
    assert_eq!(names("(( i++ )) ; echo"), ["echo"]);
}

#[test]
fn comments_continuations_and_heredocs() {
    assert_eq!(names("ls # rm -rf /\necho"), ["ls", "echo"]);
    assert_eq!(
        args("apt-get install \\\n  foo \\\n  bar", 0),
        ["install", "foo", "bar"]
    );
    assert_eq!(
        names("cat <<EOF > /f\nrm -rf /\nEOF\necho done"),
        ["cat", "echo"]
    );
    assert_eq!(names("cat <<-'X'\n\trm\n\tX\nls"), ["cat", "ls"]);
}

#[test]
fn non_literal_command_names_are_skipped() {
    assert_eq!(names("$CC -o x x.c && \"gcc\" y.c"), ["gcc"]);
}

#[test]
fn syntax_errors_yield_no_commands() {
    for bad in [
        "echo 'oops",
        "echo \"oops",
        "echo $(oops",
        "echo `x",
        "echo ${x",
    ] {
        let p = parse_shell(bad);
        assert!(p.error.is_some(), "{bad}");
        assert!(p.commands.is_empty(), "{bad}");
    }
}

#[test]
fn flags_like_hadolint() {
    let p = parse_shell("apt-get install -yq --no-install-recommends -t buster foo=1 - --");
    let c = &p.commands[0];
    let flags: Vec<&str> = c.flags.iter().map(|f| f.arg.as_str()).collect();
    assert_eq!(flags, ["y", "q", "no-install-recommends", "t"]);
    assert!(c.has_flag("y") && c.has_any_flag(&["x", "q"]) && !c.has_flag("z"));
    assert_eq!(c.args_no_flags(), ["install", "buster", "foo=1", "-", "--"]);
    assert_eq!(
        c.drop_flag_arg(&["t"]).args_no_flags(),
        ["install", "foo=1", "-", "--"]
    );
    assert_eq!(c.flag_args("t"), ["buster"]);
    // A flag written with its value takes no argument.
    let p = parse_shell("apt-get install --target-release=buster foo -qq");
    assert_eq!(
        p.commands[0]
            .drop_flag_arg(&["target-release"])
            .args_no_flags(),
        ["install", "foo"]
    );
    assert_eq!(p.commands[0].count_flag("q"), 2);
    assert!(c.has_args("apt-get", &["install"]) && !c.has_args("apt", &["install"]));
    assert!(c.has_prefix_arg("apt-get", "foo="));
}

#[test]
fn pip_install_detection() {
    let p = parse_shell("pip3 install x; python3 -m pip install y; python -m venv v");
    let v: Vec<bool> = p.commands.iter().map(Command::is_pip_install).collect();
    assert_eq!(v, [true, true, false]);
}

#[test]
fn wrappers_are_visible_and_unwrappable() {
    let p = parse_shell("sudo -u root env A=1 apt-get install -y curl");
    assert_eq!(p.commands[0].name, "sudo");
    let chain: Vec<String> = p.commands[0]
        .with_wrapped()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(chain, ["sudo", "env", "apt-get"]);
    let inner = p.commands_unwrapped().pop().unwrap();
    assert_eq!(inner.args(), ["install", "-y", "curl"]);
    let x = parse_shell("find . | xargs -n1 rm -f");
    assert_eq!(x.commands[1].unwrapped().unwrap().name, "rm");
    assert!(parse_shell("ls").commands[0].unwrapped().is_none());
}

#[test]
fn positions_are_byte_offsets() {
    let p = parse_shell("a && bb x");
    assert_eq!(p.commands[1].offset, 5);
    assert_eq!(p.commands[1].arguments[0].offset, 8);
    let q = parse_shell("echo $(ls)");
    assert_eq!(q.commands[1].offset, 7);
}

#[test]
fn find_index_and_basename() {
    let p = parse_shell("zypper in -y x && zypper clean");
    assert_eq!(
        p.find_command_index(|c| c.has_args("zypper", &["clean"])),
        Some(1)
    );
    assert_eq!(shell_basename("/bin/bash"), "bash");
}

#[test]
fn deep_nesting_and_large_input_are_bounded() {
    let deep = "$(".repeat(5000) + &")".repeat(5000);
    let _ = parse_shell(&format!("echo {deep}"));
    let long = "a ".repeat(500_000);
    assert_eq!(parse_shell(&long).commands.len(), 1);
    let redirs = "x >f ".repeat(100_000);
    assert_eq!(parse_shell(&redirs).commands.len(), 1);
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn never_panics(s in "\\PC{0,200}") {
            let _ = parse_shell(&s);
        }

        #[test]
        fn never_panics_shellish(s in "[a-z $(){}`'\"\\\\|&;<>#=\n-]{0,120}") {
            let p = parse_shell(&s);
            for c in &p.commands {
                prop_assert!(c.offset <= s.len());
            }
        }
    }
}
