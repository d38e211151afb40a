// Reads tests/fixtures/ into the plain data `checks()` takes: the golden requests and every
// response, error, malformed, callback and whitelist fixture with the expectation the Rust
// tests pin (tests/requests.rs, tests/fixtures.rs), so both sides are held to the same answers.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = `${ROOT}tests/fixtures/`;

const json = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** The fixtures of one folder as { name, bytes, contentType }, sidecar `.content-type` files applied. */
function folder(dir) {
  return readdirSync(`${FIXTURES}${dir}`)
    .filter((name) => !name.endsWith('.content-type'))
    .sort()
    .map((name) => {
      const sidecar = `${FIXTURES}${dir}/${name}.content-type`;
      return {
        name,
        bytes: [...readFileSync(`${FIXTURES}${dir}/${name}`)],
        contentType: existsSync(sidecar) ? readFileSync(sidecar, 'utf8').trim() : undefined,
      };
    });
}

function withExpectation(list, expectations, key) {
  return list.map((f) => {
    const expected = expectations[key(f.name)];
    if (expected === undefined) throw new Error(`no expectation for ${key(f.name)}: the Rust fixture tests would fail too`);
    return { ...f, expected };
  });
}

export function loadFixtures() {
  const errors = json(`${FIXTURES}expected-errors.json`);
  return {
    requests: readdirSync(`${FIXTURES}requests`).filter((n) => n.endsWith('.json')).sort()
      .map((name) => ({ name, ...json(`${FIXTURES}requests/${name}`) })),
    calls: withExpectation(folder('calls'), json(`${FIXTURES}expected-calls.json`), (n) => n),
    callbacks: withExpectation(folder('callbacks'), json(`${FIXTURES}expected-callbacks.json`), (n) => n),
    errors: withExpectation(folder('errors'), errors, (n) => `errors/${n}`)
      .map(({ expected, ...f }) => ({ ...f, ...expected })),
    malformed: withExpectation(folder('malformed'), errors, (n) => `malformed/${n}`)
      .map(({ expected, ...f }) => ({ ...f, ...expected })),
    whitelist: withExpectation(folder('whitelist'), json(`${FIXTURES}expected-whitelist.json`), (n) => n),
  };
}
