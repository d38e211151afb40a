//! Work compiled apart from its caller.
//!
//! V8 compiles a wasm function whole the first time it runs, and an awaited `async fn` is
//! usually inlined into its caller's state machine: every branch of a handler, common or rare,
//! would be compiled before a cold start's first request is answered. A boxed future is polled
//! through a pointer, so its code stays a function of its own, compiled when first called.

use std::future::Future;
use std::pin::Pin;

/// `work` as a boxed future of its own: for a handler, and for the rarer branches of the work
/// a first request does (a call Exotel did not place), so they are compiled only when taken.
pub fn apart<'a, T>(work: impl Future<Output = T> + 'a) -> Pin<Box<dyn Future<Output = T> + 'a>> {
    Box::pin(work)
}
