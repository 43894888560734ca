//! The committed out/ folder is what the current code builds from the seeds.

mod common;

use common::{build_seeds, names_in, root};

const STALE: &str = "out/ is stale: run `cargo run --release -- build` and commit out/";

#[test]
fn committed_out_files_match_a_fresh_build_of_the_seeds() {
    // graph.ttl and graph.dot, and any other file the build writes (e.g. graph.trig).
    let tmp = tempfile::tempdir().unwrap();
    build_seeds(tmp.path());
    let written = names_in(tmp.path());
    assert!(written.contains("graph.ttl") && written.contains("graph.dot"), "the build wrote {written:?}");
    for name in &written {
        let fresh = std::fs::read(tmp.path().join(name)).unwrap();
        let path = root().join("out").join(name);
        let committed = std::fs::read(&path).unwrap_or_else(|e| panic!("{STALE} ({}: {e})", path.display()));
        if committed != fresh {
            let line = committed
                .split(|&b| b == b'\n')
                .zip(fresh.split(|&b| b == b'\n'))
                .position(|(a, b)| a != b)
                .map_or_else(|| "length".to_owned(), |i| format!("line {}", i + 1));
            panic!("{STALE} (out/{name} differs from a fresh build, first at {line})");
        }
    }
}

#[test]
fn committed_graph_svg_exists_and_is_not_empty() {
    let path = root().join("out/graph.svg");
    let meta = std::fs::metadata(&path).unwrap_or_else(|e| panic!("{STALE} ({}: {e})", path.display()));
    assert!(meta.len() > 0, "{STALE} ({} is empty)", path.display());
    let svg = std::fs::read_to_string(&path).expect("out/graph.svg is UTF-8");
    assert!(svg.contains("<svg"), "out/graph.svg is not an SVG");
}
