//! Replays every committed corpus file in `fuzz/corpus/<target>/` through the entry point of its
//! target, on stable: a regression caught by fuzzing stays caught without nightly. Fails when a
//! target has no corpus directory (or an empty one), or a directory names no target.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus")
}

#[test]
fn every_corpus_file_replays() {
    let root = corpus_root();
    let mut total = 0usize;
    for (target, entry, _dict) in authv_fuzz::TARGETS {
        let dir = root.join(target);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("target `{target}` has no corpus directory {}: {e}", dir.display()))
            .map(|e| e.expect("corpus entry").path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "target `{target}` has an empty corpus directory {}", dir.display());
        for file in &files {
            let data = std::fs::read(file).expect("corpus file");
            // A panic here names the file through the hook below.
            let result = std::panic::catch_unwind(|| entry(&data));
            assert!(result.is_ok(), "target `{target}` failed on {}", file.display());
        }
        println!("corpus replay: {target:>16}: {:>4} files", files.len());
        total += files.len();
    }
    println!("corpus replay: {:>16}: {total:>4} files", "total");
}

#[test]
fn no_stray_corpus_directories() {
    for e in std::fs::read_dir(corpus_root()).expect("fuzz/corpus") {
        let e = e.expect("entry");
        let name = e.file_name().to_string_lossy().into_owned();
        assert!(authv_fuzz::TARGETS.iter().any(|(t, _, _)| *t == name), "fuzz/corpus/{name} belongs to no target");
    }
}

#[test]
fn every_target_has_a_fuzz_target_file_and_dictionary() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    for (target, _, dict) in authv_fuzz::TARGETS {
        let src = std::fs::read_to_string(fuzz.join("fuzz_targets").join(format!("{target}.rs")))
            .unwrap_or_else(|e| panic!("fuzz/fuzz_targets/{target}.rs: {e}"));
        assert!(
            src.contains(&format!("authv_fuzz::{target}(data)")),
            "fuzz/fuzz_targets/{target}.rs calls another entry point"
        );
        assert!(src.contains(&format!("//! dict: {dict}\n")), "fuzz/fuzz_targets/{target}.rs names another dictionary");
        assert!(fuzz.join("dicts").join(dict).is_file(), "fuzz/dicts/{dict} is missing");
    }
}
