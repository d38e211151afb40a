//! Running statements and reading rows, on the D1 binding's own JavaScript API.
//!
//! workers-rs hands rows over through serde (`serde-wasm-bindgen` and a derived `Deserialize`
//! per row type), which is about a tenth of the Worker's wasm, all of it compiled on a cold
//! start. Here a row stays the JavaScript object D1 made and each column is read when asked
//! for, by name, with an error naming the column when it holds the wrong type.

use worker::js_sys::{Array, Object, Promise, Reflect};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::worker_sys::{D1Database as DatabaseSys, D1Result as ResultSys};
use worker::{D1Database, D1PreparedStatement};

/// What a statement gave back: its rows (for a `SELECT` or `RETURNING`) and how many rows it
/// changed.
pub struct Outcome(ResultSys);

impl Outcome {
    /// Whether the statement changed any row.
    pub fn changed(&self) -> bool {
        self.changes() > 0
    }

    /// How many rows the statement changed (`meta.changes`; 0 when D1 leaves it out).
    pub fn changes(&self) -> u64 {
        self.0
            .meta()
            .ok()
            .and_then(|meta| Reflect::get(&meta, &JsValue::from_str("changes")).ok())
            .and_then(|changes| changes.as_f64())
            .filter(|n| *n >= 0.0)
            .map_or(0, |n| n as u64)
    }

    /// The rows, each read into a `T`.
    pub fn rows<T: FromRow>(&self) -> worker::Result<Vec<T>> {
        let Some(rows) = self.0.results()? else {
            return Ok(Vec::new());
        };
        rows.iter()
            .map(|row| T::from_row(&Row::new(row)?))
            .collect()
    }

    /// The first row, read into a `T`.
    pub fn first<T: FromRow>(&self) -> worker::Result<Option<T>> {
        let Some(rows) = self.0.results()? else {
            return Ok(None);
        };
        if rows.length() == 0 {
            return Ok(None);
        }
        T::from_row(&Row::new(rows.get(0))?).map(Some)
    }
}

/// Running a prepared statement, its rows read without serde.
pub(crate) trait Run {
    /// Runs the statement.
    async fn execute(self) -> worker::Result<Outcome>;
    /// Runs the statement and reads its rows.
    async fn rows<T: FromRow>(self) -> worker::Result<Vec<T>>;
    /// Runs the statement and reads its first row, if any.
    async fn first_row<T: FromRow>(self) -> worker::Result<Option<T>>;
}

impl Run for D1PreparedStatement {
    async fn execute(self) -> worker::Result<Outcome> {
        let result = settle(self.inner().all()).await?;
        Ok(Outcome(result.unchecked_into()))
    }

    async fn rows<T: FromRow>(self) -> worker::Result<Vec<T>> {
        self.execute().await?.rows()
    }

    async fn first_row<T: FromRow>(self) -> worker::Result<Option<T>> {
        let row = settle(self.inner().first(None)).await?;
        if row.is_null_or_undefined() {
            return Ok(None);
        }
        T::from_row(&Row::new(row)?).map(Some)
    }
}

/// Runs statements as one batch: one round trip, and one transaction (a failing statement
/// rolls the whole batch back). One [`Outcome`] per statement, in order.
pub async fn batch(
    db: &D1Database,
    statements: Vec<D1PreparedStatement>,
) -> worker::Result<Vec<Outcome>> {
    let list: Array = statements
        .iter()
        .map(|s| JsValue::from(s.inner()))
        .collect();
    let database: &DatabaseSys = db.as_ref().unchecked_ref();
    let results: Array = settle(database.batch(list)).await?.unchecked_into();
    Ok(results
        .iter()
        .map(|result| Outcome(result.unchecked_into()))
        .collect())
}

async fn settle(promise: Result<Promise, JsValue>) -> worker::Result<JsValue> {
    Ok(JsFuture::from(promise?).await?)
}

/// Reads a row type out of a [`Row`], column by column.
pub trait FromRow: Sized {
    /// The row's columns, or an error naming the first one that is missing or mistyped.
    fn from_row(row: &Row) -> worker::Result<Self>;
}

/// One row, as the object D1 made of it (column name to value).
pub struct Row(Object);

impl Row {
    fn new(value: JsValue) -> worker::Result<Row> {
        value
            .dyn_into::<Object>()
            .map(Row)
            .map_err(|_| worker::Error::RustError("D1 gave a row that is not an object".into()))
    }

    fn value(&self, column: &str) -> JsValue {
        Reflect::get(&self.0, &JsValue::from_str(column)).unwrap_or(JsValue::UNDEFINED)
    }

    /// A `TEXT` column that may be `NULL`.
    pub fn optional_text(&self, column: &str) -> worker::Result<Option<String>> {
        let value = self.value(column);
        if value.is_null_or_undefined() {
            return Ok(None);
        }
        value
            .as_string()
            .map(Some)
            .ok_or_else(|| mistyped(column, "text"))
    }

    /// A `TEXT` column.
    pub fn text(&self, column: &str) -> worker::Result<String> {
        self.optional_text(column)?
            .ok_or_else(|| mistyped(column, "text"))
    }

    /// An `INTEGER` column that may be `NULL`, as a `T` it fits in. D1 gives integers as
    /// JavaScript numbers, exact up to 2^53: Unix ms, counts and durations are far below that.
    pub fn optional_number<T: TryFrom<i64>>(&self, column: &str) -> worker::Result<Option<T>> {
        let value = self.value(column);
        if value.is_null_or_undefined() {
            return Ok(None);
        }
        value
            .as_f64()
            .filter(|n| n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_992.0)
            .and_then(|n| T::try_from(n as i64).ok())
            .map(Some)
            .ok_or_else(|| mistyped(column, "an integer in range"))
    }

    /// An `INTEGER` column, as a `T` it fits in.
    pub fn number<T: TryFrom<i64>>(&self, column: &str) -> worker::Result<T> {
        self.optional_number(column)?
            .ok_or_else(|| mistyped(column, "an integer"))
    }
}

/// A `SELECT COUNT(*) AS n ...` row.
pub struct Count {
    /// The count.
    pub n: u64,
}

impl FromRow for Count {
    fn from_row(row: &Row) -> worker::Result<Self> {
        Ok(Count {
            n: row.number("n")?,
        })
    }
}

fn mistyped(column: &str, expected: &str) -> worker::Error {
    worker::Error::RustError(format!("D1 column `{column}` is not {expected}"))
}
