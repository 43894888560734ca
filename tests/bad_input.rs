//! Bad input is rejected: a non-zero exit, an error on stderr that names the file and the
//! problem, and nothing written — neither a new output folder nor a change to an old one.

mod common;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use common::{attache, seed_files, seeds, snapshot};

const OLD_TTL: &[u8] = b"# graph.ttl from an earlier build: must survive a rejected build byte for byte\n";
const OLD_DOT: &[u8] = b"digraph old { a -> b; }\n";

/// Run `attache build <inputs> --out <out> [extra]` twice — into an out dir that does not exist
/// and into one holding an earlier graph.ttl and graph.dot — and check each run is rejected with
/// every one of `expected` on stderr, prints nothing on stdout, and writes nothing.
fn assert_rejected(inputs: &[&Path], extra: &[&str], expected: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();

    // 1. The out dir does not exist yet: it must not be created (or must stay empty).
    let fresh = tmp.path().join("fresh-out");
    let stderr = run_rejected(inputs, extra, &fresh, expected);
    assert!(
        !fresh.exists() || snapshot(&fresh).is_empty(),
        "a rejected build wrote into {}: {:?}\nstderr: {stderr}",
        fresh.display(),
        snapshot(&fresh).keys().collect::<Vec<_>>()
    );

    // 2. The out dir holds an earlier build: it must be left byte-identical.
    let old = tmp.path().join("old-out");
    std::fs::create_dir(&old).unwrap();
    std::fs::write(old.join("graph.ttl"), OLD_TTL).unwrap();
    std::fs::write(old.join("graph.dot"), OLD_DOT).unwrap();
    let before = snapshot(&old);
    let stderr = run_rejected(inputs, extra, &old, expected);
    let after = snapshot(&old);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "a rejected build added or removed files in {}\nstderr: {stderr}",
        old.display()
    );
    assert_eq!(std::fs::read(old.join("graph.ttl")).unwrap(), OLD_TTL, "a rejected build changed the old graph.ttl");
    assert_eq!(std::fs::read(old.join("graph.dot")).unwrap(), OLD_DOT, "a rejected build changed the old graph.dot");
}

fn run_rejected(inputs: &[&Path], extra: &[&str], out: &Path, expected: &[&str]) -> String {
    let mut cmd = attache();
    cmd.arg("build").args(inputs).arg("--out").arg(out).args(extra);
    let output = cmd.output().expect("attache runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "expected a failure for {inputs:?}, got {}\nstdout: {stdout}", output.status);
    assert_eq!(output.status.code(), Some(1), "expected exit code 1, got {}\nstderr: {stderr}", output.status);
    for want in expected {
        assert!(stderr.contains(want), "stderr should mention {want:?}, was: {stderr}");
    }
    assert!(stdout.is_empty(), "a rejected build printed on stdout: {stdout}");
    stderr
}

/// Write `bytes` to `dir/name` and return the path.
fn file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

const GOOD: &[u8] = "General Tomer Bar, commander of the Israeli Air Force, visited Morocco.\n".as_bytes();

#[test]
fn missing_path_is_rejected_naming_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-article.txt");
    assert_rejected(&[&missing], &[], &[&shown(&missing), "no such file or folder"]);
}

#[test]
fn missing_path_next_to_a_good_one_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let good = file(tmp.path(), "good.txt", GOOD);
    let missing = tmp.path().join("missing-folder");
    assert_rejected(&[&good, &missing], &[], &[&shown(&missing), "no such file or folder"]);
}

#[test]
fn folder_without_txt_files_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("articles");
    file(&dir, "notes.md", GOOD);
    file(&dir, "sub/article.TXT.bak", GOOD);
    assert_rejected(&[&dir], &[], &["no .txt file found", &shown(&dir)]);
}

#[test]
fn empty_folder_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("nothing");
    std::fs::create_dir(&dir).unwrap();
    assert_rejected(&[&dir], &[], &["no .txt file found", &shown(&dir)]);
}

#[test]
fn empty_file_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = file(tmp.path(), "empty.txt", b"");
    assert_rejected(&[&empty], &[], &[&shown(&empty), "empty"]);
}

#[test]
fn whitespace_only_file_is_rejected_as_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let blank = file(tmp.path(), "blank.txt", b"  \n\t\r\n   \n");
    assert_rejected(&[&blank], &[], &[&shown(&blank), "empty"]);
}

#[test]
fn non_utf8_file_is_rejected_with_the_byte_offset() {
    let tmp = tempfile::tempdir().unwrap();
    let latin1 = file(tmp.path(), "latin1.txt", b"Rabat \xff\xfe");
    assert_rejected(&[&latin1], &[], &[&shown(&latin1), "UTF-8", "byte offset 6"]);
}

#[test]
fn non_utf8_offset_counts_bytes_not_characters() {
    // "Général " is 10 bytes but 8 characters; the bad byte is at byte offset 10.
    let tmp = tempfile::tempdir().unwrap();
    let mixed = file(tmp.path(), "mixed.txt", b"G\xc3\xa9n\xc3\xa9ral \xe9t\xe9");
    assert_rejected(&[&mixed], &[], &[&shown(&mixed), "UTF-8", "byte offset 10"]);
}

#[test]
fn binary_file_with_nul_bytes_is_rejected() {
    // The start of an ELF executable: valid UTF-8, but control bytes and NULs.
    let tmp = tempfile::tempdir().unwrap();
    let junk = file(tmp.path(), "program.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00");
    assert_rejected(&[&junk], &[], &[&shown(&junk), "binary"]);
}

#[test]
fn text_with_a_nul_byte_in_the_middle_is_rejected_as_binary() {
    let tmp = tempfile::tempdir().unwrap();
    let junk = file(tmp.path(), "nul.txt", b"General Tomer Bar visited\0 Morocco.\n");
    assert_rejected(&[&junk], &[], &[&shown(&junk), "binary", "byte offset 25"]);
}

#[test]
fn file_larger_than_max_file_size_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let text = "Rabat Morocco. ".repeat(20);
    let big = file(tmp.path(), "big.txt", &text.as_bytes()[..200]);
    assert_rejected(&[&big], &["--max-file-size", "100"], &[&shown(&big), "more than the limit", "200", "100"]);
}

#[test]
fn one_good_and_one_bad_file_write_nothing() {
    // The good file sorts first, so a build that wrote as it went would already have written.
    let tmp = tempfile::tempdir().unwrap();
    let good = file(tmp.path(), "a_good.txt", GOOD);
    let bad = file(tmp.path(), "b_bad.txt", b"Rabat \xff\xfe");
    assert_rejected(&[&good, &bad], &[], &[&shown(&bad), "byte offset 6"]);
    assert_rejected(&[&bad, &good], &[], &[&shown(&bad), "byte offset 6"]);
}

#[test]
fn seeds_plus_one_bad_file_in_a_folder_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("articles");
    for seed in seed_files() {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(&seed, dir.join(seed.file_name().unwrap())).unwrap();
    }
    let bad = file(&dir, "zzz_empty.txt", b"\n\n");
    assert_rejected(&[&dir], &[], &[&shown(&bad), "empty"]);
}

#[test]
fn two_files_with_the_same_name_in_different_folders_are_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let first = file(tmp.path(), "one/article.txt", GOOD);
    let second = file(tmp.path(), "two/article.txt", "Israel and Morocco signed an agreement in Rabat.\n".as_bytes());
    let one = tmp.path().join("one");
    let two = tmp.path().join("two");
    assert_rejected(&[&one, &two], &[], &[&shown(&first), &shown(&second), "same file name", "article.txt"]);
    // Also when both are found under one folder.
    assert_rejected(&[tmp.path()], &[], &["same file name", "article.txt"]);
}

#[test]
fn the_same_file_given_twice_is_not_a_duplicate() {
    // Counterpart of the test above: naming one file twice is read once, not rejected.
    let tmp = tempfile::tempdir().unwrap();
    let good = file(tmp.path(), "good.txt", GOOD);
    let out = tmp.path().join("out");
    let mut cmd = attache();
    cmd.arg("build").arg(&good).arg(&good).arg("--out").arg(&out);
    let output = cmd.output().unwrap();
    assert!(output.status.success(), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("1 document "), "{}", String::from_utf8_lossy(&output.stdout));
}

#[test]
fn file_name_with_non_ascii_characters_is_named_in_the_error() {
    let tmp = tempfile::tempdir().unwrap();
    let name: OsString = "résumé – vide.txt".into();
    let empty = tmp.path().join(&name);
    std::fs::write(&empty, b"").unwrap();
    assert_rejected(&[&empty], &[], &["résumé – vide.txt", "empty"]);
}

#[test]
fn output_folder_that_is_a_file_is_refused_with_its_cause_said_once() {
    let tmp = tempfile::tempdir().unwrap();
    let not_a_folder = file(tmp.path(), "out", b"a file, not a folder");
    let output = attache().arg("build").arg(seeds()).arg("--out").arg(&not_a_folder).output().expect("attache runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert!(stderr.contains(&shown(&not_a_folder)), "stderr should name {}: {stderr}", not_a_folder.display());
    assert!(stderr.contains("cannot write"), "{stderr}");
    // The system's reason (File exists, Not a directory …) once, not once per layer of error.
    assert_eq!(stderr.matches("(os error").count(), 1, "the cause should be said once: {stderr}");
    assert_eq!(std::fs::read(&not_a_folder).unwrap(), b"a file, not a folder");
}
