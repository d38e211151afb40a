// The `queueMicrotask` the wasm-bindgen glue calls to run the wasm's futures, put in place of
// the runtime's at bundle time (esbuild's `--inject`, scripts/worker-esbuild.sh): every step of
// an awaited future is queued with it. A reaction to a settled promise runs the callback from
// the same microtask queue, in the same order, and workerd's own queueMicrotask cost about 2-3%
// of the workerd CPU of a `GET /api/calls/{id}` more (paired runs of 3,000 requests). It is
// what js-sys itself falls back to where a runtime has no queueMicrotask.
//
// What the callback throws (a wasm trap) rejects the promise the reaction makes, which nothing
// handles: entry.js watches `unhandledrejection` for it as it watches uncaught errors.
export function queueMicrotask(callback) {
  Promise.resolve().then(callback);
}
