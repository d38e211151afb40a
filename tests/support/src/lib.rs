//! Rust helpers that the core's tests and the fuzz targets (fuzz/) share.
//!
//! - [`fuzz_properties`]: what each fuzz target checks, also replayed on stable by
//!   tests/fuzz_regressions.rs for every kept input.
//! - [`json_members`]: a JSON object's members in order, repeated keys included, for comparing
//!   the core's JSON reader with serde_json.

pub mod fuzz_properties;
pub mod json_members;
