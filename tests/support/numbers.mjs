// Indian mobile numbers no other test in the run has used, so the per-number limits never
// couple two tests: `prefix` (two digits) keeps each suite's numbers apart, the clock keeps
// runs apart, and a counter keeps calls within a run apart.
//
//   const freshNumber = numberSource('97');
//   const { typed, e164, masked } = freshNumber();   // '97…', '+9197…', '+91******1234'

export function numberSource(prefix) {
  let next = 0;
  return () => {
    next += 1;
    const local = `${prefix}${String(Date.now() % 1e6).padStart(6, '0')}${String(next).padStart(2, '0')}`;
    return { typed: local, e164: `+91${local}`, masked: `+91******${local.slice(-4)}` };
  };
}
