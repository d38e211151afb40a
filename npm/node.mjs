// Node.js (ESM) entry of exotel-connect: the wasm beside this file is read and compiled
// synchronously on import, so every function is ready without `await init()` (the default
// export still exists, and resolves at once, so code written for browsers runs unchanged).
import { readFileSync } from "node:fs";
import { initSync } from "./exotel_connect.js";

initSync({ module: readFileSync(new URL("./exotel_connect_bg.wasm", import.meta.url)) });

export * from "./exotel_connect.js";
export { default } from "./exotel_connect.js";
