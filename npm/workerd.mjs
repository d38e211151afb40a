// Cloudflare Workers entry of exotel-connect (the `workerd` export condition). Wrangler's
// bundler turns a `.wasm` import into a compiled `WebAssembly.Module`; Workers forbid compiling
// wasm from bytes at run time, so this is the one way in. Ready on import, like the Node entry.
import wasm from "./exotel_connect_bg.wasm";
import { initSync } from "./exotel_connect.js";

initSync({ module: wasm });

export * from "./exotel_connect.js";
export { default } from "./exotel_connect.js";
