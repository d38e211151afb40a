//! The fuzz targets' properties on the stable toolchain, so what fuzzing found stays fixed.
//!
//! Every input kept under `tests/fixtures/fuzz/<target>/` (crashes found by `make fuzz` and
//! fixed since, and seeds worth keeping) goes through its target's property, and every other
//! fixture through all of them. The properties are the fuzz targets' own (the test-support
//! crate), so an input is checked exactly as the fuzzer checked it. (The Worker's target,
//! `worker_create_body`, is replayed by a unit test in the Worker crate.)

use std::fs;
use std::path::{Path, PathBuf};

use exotel_connect_test_support::fuzz_properties as properties;

type Property = fn(&[u8]);

/// Each fuzz target of the core and its property.
const TARGETS: [(&str, Property); 8] = [
    ("call_json", properties::call_json),
    ("call_xml", properties::call_xml),
    ("error_body", properties::error_body),
    ("callback_urlencoded", properties::callback_urlencoded),
    ("callback_multipart", properties::callback_multipart),
    ("callback_json", properties::callback_json),
    ("callback_sniffed", properties::callback_sniffed),
    ("phone", properties::phone),
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The files of a folder, sorted, as (name, bytes).
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_file())
        .map(|path| {
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (name, fs::read(&path).expect("readable"))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn kept_fuzz_inputs_still_pass() {
    let mut replayed = 0;
    for entry in fs::read_dir(fixtures().join("fuzz")).expect("tests/fixtures/fuzz") {
        let dir = entry.expect("directory entry").path();
        let target = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if target == "worker_create_body" {
            continue;
        }
        let property = TARGETS
            .iter()
            .find(|(name, _)| *name == target)
            .unwrap_or_else(|| panic!("tests/fixtures/fuzz/{target}: no such fuzz target"))
            .1;
        for (name, body) in files(&dir) {
            eprintln!("replaying fuzz/{target}/{name}");
            property(&body);
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no kept input under tests/fixtures/fuzz/");
}

#[test]
fn every_fixture_passes_every_property() {
    for dir in ["calls", "errors", "malformed", "callbacks", "whitelist"] {
        for (name, body) in files(&fixtures().join(dir)) {
            for (target, property) in TARGETS {
                eprintln!("{target} on {dir}/{name}");
                property(&body);
            }
        }
    }
}
