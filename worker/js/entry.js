// The Worker's entry module: what workerd calls for each request and each cron run.
// scripts/build-worker.sh bundles it in place of worker-build's own shim, with the
// wasm-bindgen glue worker-build generates (./index.js, beside it at bundle time).
//
// It keeps what worker-build's shim is for: after a wasm trap (a panic is one, under
// immediate-abort) the instance's memory may be half-written, so the next call starts a fresh
// instance first. It leaves out the rest of that shim: a class the runtime constructs for every
// request, wrapped in a Proxy whose property reads wrap each method in another Proxy (about
// 50 µs of every request in workerd here), and the `start` export offered as an RPC method.
import * as wasm from './index.js';

Error.stackTraceLimit = 100;

const state = wasm.__worker_init_state();

/** A fresh wasm instance when the last one trapped. */
function recoverFromTrap() {
  if (state.criticalError) {
    console.log('Reinitializing Wasm application');
    wasm.__wbg_reset_state();
    state.criticalError = false;
    state.instanceId++;
  }
}

function noteTrap(error) {
  if (error instanceof WebAssembly.RuntimeError) {
    console.error('Critical', error);
    state.criticalError = true;
  }
}

// A trap in the async part of a handler surfaces here, not in the call below: as an uncaught
// error, or as the rejection of the promise reaction that ran it (./microtask.js).
addEventListener('error', (event) => noteTrap(event.error));
addEventListener('unhandledrejection', (event) => noteTrap(event.reason));

function call(handler, event, env, ctx) {
  recoverFromTrap();
  try {
    return handler(event, env, ctx);
  } catch (error) {
    noteTrap(error);
    throw error;
  }
}

export default {
  fetch: (request, env, ctx) => call(wasm.fetch, request, env, ctx),
  scheduled: (event, env, ctx) => call(wasm.scheduled, event, env, ctx),
};
