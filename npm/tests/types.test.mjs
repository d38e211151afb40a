// The shipped declarations type-check a real consumer's code under `strict`: every option and
// result has its type, misuse is a compile error (`@ts-expect-error` lines must error), and
// `import` and `require` both find their declarations through package.json's `exports`.
// Needs TypeScript: the workspace's devDependency (`npm ci` installs it), or TSC=/path/to/tsc.
// Without one the test fails rather than skips, so a run that never type-checked cannot pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './support/fixtures.mjs';
import { consumerDir } from './support/consumer.mjs';

/** The TypeScript compiler: TSC, or the workspace's devDependency; `undefined` if neither. */
function findTsc() {
  if (process.env.TSC) return process.env.TSC;
  try {
    const pkg = createRequire(`${ROOT}package.json`).resolve('typescript/package.json');
    return join(pkg, '..', 'bin', 'tsc');
  } catch {
    return undefined;
  }
}

const USAGE = `
import init, {
  connect, connectRequest, connectTwoNumbersRequest, callDetailsRequest, parseCall, parseResponse,
  parseStatusCallback, normalizePhone, isExotelConnectError,
  customerWhitelistRequest, whitelistDetailsRequest, parseWhitelist,
  type Call, type ConnectOptions, type HttpRequest, type StatusCallback, type ErrorCode,
  type WhitelistDetails, type WhitelistStatus,
} from "exotel-connect";

await init();
const options: ConnectOptions = {
  accountSid: "acme", apiKey: "k", apiToken: "t", region: "mumbai",
  from: "098765 43210", callerId: "080 4711 2400", appId: "926", timeLimit: 600,
};
const request: HttpRequest = connectRequest(options);
const method: "GET" | "POST" = request.method;
const body: string | null = request.body;
const call: Call = parseCall(new Uint8Array(0), "application/json");
const duration: number | null = call.duration;
const price: string | null = call.price;
const status: string = call.status;
const legs = call.details?.legs.map((leg) => leg.onCallDuration);
const callback: StatusCallback = parseStatusCallback("CallSid=a&Status=busy", null);
const eventType: string | undefined = callback.eventType;
const e164: string = normalizePhone("9876543210", "IN");
const viaFetch: Promise<Call> = connect({ ...options, fetch, signal: AbortSignal.timeout(1000) });
parseResponse(200, new ArrayBuffer(0));
const { appId, ...account } = options;
connectTwoNumbersRequest({ ...account, to: "x", record: true, statusCallbackEvents: ["terminal"] });
callDetailsRequest({ accountSid: "a", apiKey: "k", apiToken: "t", baseUrl: "http://127.0.0.1:9", callSid: "s", details: true });
const whitelist: HttpRequest = customerWhitelistRequest({ ...account, virtualNumber: "08047112400", numbers: ["9876543210"] });
whitelistDetailsRequest({ ...account, number: "9876543210" });
const details: WhitelistDetails = parseWhitelist(200, "{}", "application/json");
const dnd: WhitelistStatus = details.status;
const kind: string | null = details.type;
const expiry: number | "never" | null = details.expiry;
try {
  normalizePhone("x");
} catch (e) {
  if (isExotelConnectError(e)) {
    const code: ErrorCode = e.code;
    const field: string | undefined = e.field;
    const httpStatus: number | undefined = e.status;
    console.log(code, field, httpStatus, e.message);
  }
}
// @ts-expect-error: region is "singapore" | "mumbai"
connectRequest({ ...options, region: "tokyo" });
// @ts-expect-error: timeLimit is a number
connectRequest({ ...options, timeLimit: "600" });
// @ts-expect-error: no such option
connectRequest({ ...options, callerID: "x" });
// @ts-expect-error: from is required
connectRequest({ accountSid: "a", apiKey: "k", apiToken: "t", callerId: "x", appId: "1" });
// @ts-expect-error: a body is text or bytes
parseCall(42);
// @ts-expect-error: statusCallbackEvents are "terminal" | "answered"
connectTwoNumbersRequest({ ...account, to: "x", statusCallbackEvents: ["ringing"] });
// @ts-expect-error: numbers are an array
customerWhitelistRequest({ ...account, virtualNumber: "08047112400", numbers: "9876543210" });
// @ts-expect-error: a status is one of three
const wrongStatus: WhitelistStatus = "Greylist";
console.log(appId, method, body, duration, price, status, legs, eventType, e164, viaFetch, whitelist, dnd, kind, expiry, wrongStatus);
`;

const USAGE_CJS = `
import exotel = require("exotel-connect");
const request: exotel.HttpRequest = exotel.connectRequest({
  accountSid: "acme", apiKey: "k", apiToken: "t", region: "singapore",
  from: "9876543210", callerId: "08047112400", flowUrl: "http://my.exotel.com/acme/exoml/start_voice/926",
});
const e164: string = exotel.normalizePhone("9876543210");
// @ts-expect-error: the CommonJS build needs no init
exotel.initSync;
console.log(request.url, e164);
`;

test('the declarations type-check a strict consumer (ESM and CommonJS)', () => {
  const tsc = findTsc();
  assert.ok(tsc && existsSync(tsc), `no TypeScript compiler${tsc ? ` at ${tsc}` : ''}: run \`npm ci\` in ${ROOT} (typescript is a devDependency) or set TSC=/path/to/tsc`);
  const dir = consumerDir();
  writeFileSync(join(dir, 'usage.mts'), USAGE);
  writeFileSync(join(dir, 'usage-cjs.cts'), USAGE_CJS);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext',
      lib: ['es2022', 'dom'], types: [], skipLibCheck: false, noUnusedLocals: false,
    },
    files: ['usage.mts', 'usage-cjs.cts'],
  }));
  try {
    execFileSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    assert.fail(`tsc found errors:\n${e.stdout}${e.stderr}`);
  }
});
