//! `attache build` on good input: what it prints, what it writes, and that the bytes written
//! depend only on the articles — not on the run, the argument order or the thread count.

mod common;

use std::path::Path;

use common::{att, attache, build, build_seeds, names_in, read_outputs, render_dot, seed_files, seeds, Graph, DCTERMS_IDENTIFIER, RDFS_LABEL};

#[test]
fn build_of_seeds_succeeds_prints_a_summary_and_writes_both_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let assert = attache().arg("build").arg(seeds()).arg("--out").arg(&out).assert().success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains("2 documents"), "summary should mention \"2 documents\": {stdout}");
    assert!(stdout.contains("Person"), "summary should count the classes: {stdout}");
    assert!(stdout.contains("triples"), "summary should count the triples: {stdout}");
    for name in ["graph.ttl", "graph.dot"] {
        let path = out.join(name);
        assert!(stdout.contains(&path.display().to_string()), "summary should name {}: {stdout}", path.display());
        let len = std::fs::metadata(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).len();
        assert!(len > 0, "{} is empty", path.display());
    }
    assert!(assert.get_output().stderr.is_empty(), "stderr: {}", String::from_utf8_lossy(&assert.get_output().stderr));
}

#[test]
fn out_dir_is_created_with_its_parents() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("a/b/c");
    build_seeds(&out);
    let names = names_in(&out);
    for name in ["graph.ttl", "graph.dot"] {
        assert!(names.contains(name), "{name} missing from {}: {names:?}", out.display());
    }
    assert!(names.iter().all(|n| n.starts_with("graph.")), "unexpected files in a fresh out dir: {names:?}");
}

#[test]
fn two_builds_give_identical_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let first = build_seeds(&tmp.path().join("first"));
    let second = build_seeds(&tmp.path().join("second"));
    assert!(first.0 == second.0, "graph.ttl differs between two builds of the same seeds");
    assert!(first.1 == second.1, "graph.dot differs between two builds of the same seeds");
}

#[test]
fn rebuild_over_an_earlier_build_gives_identical_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let first = build_seeds(&out);
    let second = build_seeds(&out);
    assert!(first == second, "rebuilding into the same folder changed the output");
}

#[test]
fn argument_order_does_not_change_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let from_folder = build_seeds(&tmp.path().join("folder"));
    let mut files = seed_files();
    files.reverse();
    let reversed: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    let from_files = build(&reversed, &tmp.path().join("reversed"), &[]);
    assert!(from_folder.0 == from_files.0, "graph.ttl from the seed files in reverse order differs from graph.ttl from seeds/");
    assert!(from_folder.1 == from_files.1, "graph.dot from the seed files in reverse order differs from graph.dot from seeds/");
}

#[test]
fn thread_count_does_not_change_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let one = build(&[&seeds()], &tmp.path().join("j1"), &["-j", "1"]);
    let four = build(&[&seeds()], &tmp.path().join("j4"), &["-j", "4"]);
    assert!(one.0 == four.0, "graph.ttl differs between -j 1 and -j 4");
    assert!(one.1 == four.1, "graph.dot differs between -j 1 and -j 4");
}

#[test]
fn quiet_prints_nothing_and_still_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    for flag in ["--quiet", "-q"] {
        let output = attache().arg("build").arg(seeds()).arg("--out").arg(&out).arg(flag).output().unwrap();
        assert!(output.status.success(), "stderr: {}", String::from_utf8_lossy(&output.stderr));
        assert!(output.stdout.is_empty(), "{flag} printed on stdout: {}", String::from_utf8_lossy(&output.stdout));
        assert!(output.stderr.is_empty(), "{flag} printed on stderr: {}", String::from_utf8_lossy(&output.stderr));
    }
    let (ttl, dot) = read_outputs(&out);
    assert!(!ttl.is_empty() && !dot.is_empty());
}

#[test]
fn progress_bar_stays_off_when_stderr_is_not_a_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let output = attache().arg("build").arg(seeds()).arg("--out").arg(tmp.path().join("out")).output().unwrap();
    assert!(output.status.success());
    assert!(output.stderr.is_empty(), "a piped build wrote on stderr: {}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("2 documents"));
}

/// On a terminal the build shows its progress, stage by stage, and takes the line away before
/// the summary. `script` (util-linux) runs the build with a pseudo-terminal for its stdout and
/// stderr and copies what the build drew to its own stdout.
#[cfg(target_os = "linux")]
#[test]
fn progress_line_shows_the_stages_when_stderr_is_a_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let quoted = |p: &Path| format!("'{}'", p.display().to_string().replace('\'', r"'\''"));
    let build = format!("{} build {} --out {}", quoted(Path::new(env!("CARGO_BIN_EXE_attache"))), quoted(&seeds()), quoted(&out));
    let output = std::process::Command::new("script")
        .args(["--quiet", "--return", "--command", &build, "/dev/null"])
        .output()
        .expect("script (util-linux, .ci/run installs it) runs");
    let drawn = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "build under a terminal failed: {drawn}{}", String::from_utf8_lossy(&output.stderr));
    // A line drawn faster than a terminal can show may be skipped (indicatif draws at most 20
    // a second, after a first burst): the first stages are always drawn, later ones not on a
    // fast machine.
    let extracting = drawn.find("extracting [").unwrap_or_else(|| panic!("no document count drawn: {drawn}"));
    let counted = drawn.find("2/2 documents").unwrap_or_else(|| panic!("the documents were not counted: {drawn}"));
    let resolving = drawn.find("resolving entities across 2 documents").unwrap_or_else(|| panic!("resolution not shown: {drawn}"));
    let summary = drawn.find("read 2 documents").unwrap_or_else(|| panic!("no summary: {drawn}"));
    assert!(extracting < counted && counted < resolving && resolving < summary, "drawn out of order: {drawn}");
    // The line is cleared (carriage return, erase line) before the summary is printed.
    assert!(drawn[..summary].ends_with("\r\u{1b}[2K"), "the progress line is left on the terminal: {:?}", &drawn[summary.saturating_sub(120)..summary]);
    assert!(out.join("graph.ttl").is_file() && out.join("graph.trig").is_file() && out.join("graph.dot").is_file());
}

#[test]
fn help_and_build_help_succeed_and_build_help_mentions_every_flag() {
    for args in [&["--help"][..], &["build", "--help"][..], &["help", "build"][..], &["build", "-h"][..]] {
        let output = attache().args(args).output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "attache {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
        assert!(stdout.contains("build"), "attache {args:?} should mention build: {stdout}");
        if args != ["--help"] {
            assert!(stdout.contains("--out"), "attache {args:?} should mention --out: {stdout}");
        }
    }
    let output = attache().args(["build", "--help"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    for flag in ["--out", "--max-file-size", "--quiet", "--threads"] {
        assert!(stdout.contains(flag), "build --help should mention {flag}: {stdout}");
    }
}

#[test]
fn top_level_help_mentions_out() {
    let output = attache().arg("--help").output().unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("--out"), "attache --help should mention --out (e.g. in an example): {stdout}");
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let output = attache().args(["build", "--no-such-flag"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "clap usage errors exit 2");
    assert!(String::from_utf8_lossy(&output.stderr).contains("--no-such-flag"));
}

#[test]
fn no_temporary_files_are_left_in_the_out_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("graph.ttl"), "old").unwrap();
    std::fs::write(out.join("graph.dot"), "old").unwrap();
    std::fs::write(out.join("keep.me"), "unrelated").unwrap();
    build_seeds(&out);
    build_seeds(&out);
    let names = names_in(&out);
    let leftovers: Vec<&String> = names.iter().filter(|n| n.starts_with(".attache-") || n.ends_with(".tmp")).collect();
    assert!(leftovers.is_empty(), "temporary files left in the out dir: {leftovers:?}");
    assert!(names.contains("graph.ttl") && names.contains("graph.dot") && names.contains("keep.me"), "{names:?}");
    assert_eq!(std::fs::read_to_string(out.join("keep.me")).unwrap(), "unrelated", "an unrelated file in the out dir was touched");
    assert_ne!(std::fs::read(out.join("graph.ttl")).unwrap(), b"old", "the old graph.ttl was not replaced");
}

/// File name and text full of characters that Turtle and DOT must escape.
const HOSTILE_FILE: &str = "Le \"Grand\" \\ <X> {Y}.txt";
const HOSTILE_TEXT: &str = " date 2024-01-02 General Élise D'Arc-Ñúñez, commander of the French Air Force, visited Morocco on Monday. \
She was welcomed by General Jean \"Le \\ Grand\" <X> {Y} Dupont.\n";
const HOSTILE_PERSON: &str = "Élise D'Arc-Ñúñez";

#[test]
fn hostile_characters_in_names_and_file_names_survive_turtle_and_dot() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join(HOSTILE_FILE), HOSTILE_TEXT).unwrap();
    let out = tmp.path().join("out");
    let (ttl, dot) = build(&[&input], &out, &[]);

    // Turtle: parses, and the names come back exactly.
    let g = Graph::parse(&ttl, "graph.ttl of the hostile article");
    let people: Vec<String> = g.instances(&att("Person")).iter().flat_map(|p| g.literals(p, RDFS_LABEL)).collect();
    assert!(people.iter().any(|l| l == HOSTILE_PERSON), "no att:Person labelled {HOSTILE_PERSON:?}; persons: {people:?}");
    let doc = g.document(HOSTILE_FILE);
    assert_eq!(g.literal(&doc, DCTERMS_IDENTIFIER), HOSTILE_FILE);
    for iri in g.named_nodes() {
        assert!(!iri.contains(['"', '\\', '<', '>', '{', '}', ' ']), "minted IRI with characters IRIs forbid: {iri}");
    }

    // DOT: the name is there and GraphViz renders the file without a word of complaint.
    let dot = String::from_utf8(dot).expect("graph.dot is UTF-8");
    assert!(dot.contains(HOSTILE_PERSON), "graph.dot lost the name {HOSTILE_PERSON:?}:\n{dot}");
    let svg = String::from_utf8(render_dot(&out.join("graph.dot"))).expect("SVG is UTF-8");
    assert!(svg.contains("Ñúñez"), "the rendered SVG lost the name");
}

/// 130 articles (the 50 benchmark fixtures, each under three names, and the seeds): more
/// documents than one TriG part holds, so the parts written on several threads must join up.
fn corpus_of_several_trig_parts(dir: &Path) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench").join("fixtures");
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            for copy in ["a", "b", "c"] {
                std::fs::copy(&path, dir.join(format!("{name}-{copy}.txt"))).unwrap();
            }
        }
    }
    for seed in seed_files() {
        std::fs::copy(&seed, dir.join(seed.file_name().unwrap())).unwrap();
    }
}

#[test]
fn turtle_and_trig_written_in_parts_on_many_threads_equal_one_serialiser_writing_everything() {
    use oxigraph::io::{RdfFormat, RdfSerializer};
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    corpus_of_several_trig_parts(&corpus);

    let one = tmp.path().join("j1");
    let two = tmp.path().join("j2");
    build(&[&corpus], &one, &["-j", "1"]);
    build(&[&corpus], &two, &["-j", "2"]);
    let trig_one = std::fs::read(one.join("graph.trig")).unwrap();
    assert!(trig_one == std::fs::read(two.join("graph.trig")).unwrap(), "graph.trig differs between -j 1 and -j 2");
    assert!(read_outputs(&one) == read_outputs(&two), "graph.ttl or graph.dot differs between -j 1 and -j 2");

    let extractor = attache::Extractor::builtin().unwrap();
    let (kg, documents, _) = extractor.graph(std::slice::from_ref(&corpus), attache::read::DEFAULT_MAX_FILE_SIZE).unwrap();
    assert!(documents > 2 * 64, "only {documents} documents: not several TriG parts");
    let triples = attache::export::turtle::triples(&kg);
    let mut serializer = RdfSerializer::from_format(RdfFormat::TriG);
    for (prefix, iri) in attache::vocab::PREFIXES {
        serializer = serializer.with_prefix(*prefix, *iri).unwrap();
    }
    let mut writer = serializer.for_writer(Vec::new());
    attache::export::trig::for_each_quad(&kg, &triples, &mut |q| writer.serialize_quad(q)).unwrap();
    let whole = writer.finish().unwrap();
    assert!(whole == trig_one, "graph.trig is not what one serialiser writes from every quad in order");

    // graph.ttl shares graph.trig's default graph, serialised once in parts of whole subjects.
    assert!(triples.len() > 2 * attache::export::turtle::TRIPLES_PER_PART, "only {} triples: not several Turtle parts", triples.len());
    let mut serializer = RdfSerializer::from_format(RdfFormat::Turtle);
    for (prefix, iri) in attache::vocab::PREFIXES {
        serializer = serializer.with_prefix(*prefix, *iri).unwrap();
    }
    let mut writer = serializer.for_writer(Vec::new());
    for t in triples.iter() {
        writer.serialize_triple(t).unwrap();
    }
    let whole = writer.finish().unwrap();
    let ttl_one = std::fs::read(one.join("graph.ttl")).unwrap();
    assert!(whole == ttl_one, "graph.ttl is not what one serialiser writes from every triple in order");
    let ttl_alone = tmp.path().join("ttl");
    attache().arg("build").arg(&corpus).arg("--out").arg(&ttl_alone).args(["--quiet", "--format", "ttl", "-j", "2"]).assert().success();
    assert!(std::fs::read(ttl_alone.join("graph.ttl")).unwrap() == ttl_one, "graph.ttl written alone differs from graph.ttl written with graph.trig");
}
