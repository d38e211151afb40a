//! The call store in D1: every SQL statement the Worker runs is under this module, by table.
//! The schema and the meaning of each column are in migrations/.
//!
//! - [`calls`]: calls and their event log (`calls`, `call_events`);
//! - [`limits`]: the sliding-window rate limits and call budgets (`rate_events`), and the one
//!   batch that admits a call against all of them while storing it;
//! - [`outbox`]: notifications waiting to be delivered (`outbox`);
//! - [`retention`]: masking and deleting old calls;
//! - [`admin`]: what the operator's view reads;
//! - [`d1`]: running statements and batches, and reading their rows column by column.

pub mod admin;
pub mod calls;
pub mod d1;
pub mod limits;
pub mod outbox;
pub mod retention;

use worker::wasm_bindgen::JsValue;
use worker::{D1Database, Env};

/// The D1 binding's name in wrangler.toml.
const BINDING: &str = "DB";

/// The database.
pub fn database(env: &Env) -> worker::Result<D1Database> {
    env.d1(BINDING)
}

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

fn optional_text(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from_str)
}

// D1 takes numbers as JS numbers; Unix ms, counts and durations are far below 2^53.
fn number(value: u64) -> JsValue {
    JsValue::from_f64(value as f64)
}

fn optional_number(value: Option<u64>) -> JsValue {
    value.map_or(JsValue::NULL, number)
}
