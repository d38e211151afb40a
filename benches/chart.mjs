// The bench figures as SVG charts, no dependencies:
//
// - loadChart: the load figures (benches/load.mjs's JSON) as bars: requests per second, p50 and
//   p99 latency per endpoint, the Rust Worker beside the JS baseline;
// - scaleChart: the scale figures (benches/scale.mjs's JSON) as lines: median time against the
//   number of calls stored (log scale), one line per operation.
//
//   node benches/chart.mjs target/bench/load.json benches/results/load.svg
//   node benches/chart.mjs --scale target/bench/scale.json benches/results/scale.svg

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';

const COLORS = { ours: '#d9480f', baseline: '#1c7ed6' };
const NAMES = { ours: 'Rust Worker (exotel-connect)', baseline: 'JS baseline Worker' };

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(value) {
  const step = 10 ** Math.floor(Math.log10(value || 1));
  return Math.ceil(value / step) * step || 1;
}

/** One panel: grouped bars of `metric` for each endpoint, at (x, y). */
function panel({ x, y, width, height, title, unit, results, metric }) {
  const endpoints = [...new Set(results.map((r) => r.what))];
  const max = niceMax(Math.max(...results.map((r) => r[metric])));
  const plotTop = y + 28;
  const plotHeight = height - 70;
  const groupWidth = width / endpoints.length;
  const barWidth = Math.min(44, (groupWidth - 30) / 2);
  const out = [`<text x="${x}" y="${y + 14}" font-weight="bold">${esc(title)}</text>`];
  for (let i = 0; i <= 4; i++) {
    const gy = plotTop + plotHeight - (plotHeight * i) / 4;
    out.push(`<line x1="${x}" x2="${x + width}" y1="${gy}" y2="${gy}" stroke="#ddd"/>`);
    out.push(`<text x="${x - 6}" y="${gy + 4}" text-anchor="end" font-size="11" fill="#555">${+((max * i) / 4).toFixed(1)}</text>`);
  }
  endpoints.forEach((endpoint, i) => {
    const gx = x + i * groupWidth + (groupWidth - 2 * barWidth - 6) / 2;
    ['ours', 'baseline'].forEach((worker, j) => {
      const r = results.find((row) => row.what === endpoint && row.worker === worker);
      if (!r) return;
      const h = (plotHeight * r[metric]) / max;
      const bx = gx + j * (barWidth + 6);
      const by = plotTop + plotHeight - h;
      out.push(`<rect x="${bx}" y="${by}" width="${barWidth}" height="${h}" fill="${COLORS[worker]}"/>`);
      const label = r[metric] >= 100 ? Math.round(r[metric]) : r[metric].toFixed(1);
      out.push(`<text x="${bx + barWidth / 2}" y="${by - 4}" text-anchor="middle" font-size="11">${label}</text>`);
    });
    out.push(
      `<text x="${x + i * groupWidth + groupWidth / 2}" y="${plotTop + plotHeight + 16}" text-anchor="middle" font-size="11">${esc(endpoint)}</text>`,
    );
  });
  out.push(`<text x="${x}" y="${plotTop + plotHeight + 34}" font-size="11" fill="#555">${esc(unit)}</text>`);
  return out.join('\n');
}

export function loadChart(load) {
  const width = 760;
  const panelHeight = 230;
  const panels = [
    { title: 'Requests per second (higher is better)', unit: 'req/s', metric: 'rps' },
    { title: 'p50 latency (lower is better)', unit: 'ms', metric: 'p50_ms' },
    { title: 'p99 latency (lower is better)', unit: 'ms', metric: 'p99_ms' },
  ];
  const height = 60 + panels.length * panelHeight;
  const body = panels.map((p, i) =>
    panel({ ...p, x: 60, y: 50 + i * panelHeight, width: width - 90, height: panelHeight, results: load.results }),
  );
  const legend = Object.entries(NAMES)
    .map(
      ([key, name], i) =>
        `<rect x="${60 + i * 260}" y="24" width="12" height="12" fill="${COLORS[key]}"/><text x="${78 + i * 260}" y="34" font-size="12">${esc(name)}</text>`,
    )
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="13">
<rect width="100%" height="100%" fill="#fff"/>
<text x="60" y="16" font-size="12" fill="#333">wrangler dev, mock Exotel, wrk ${load.connections} connections × ${load.seconds} s per bar, same machine, same run</text>
${legend}
${body.join('\n')}
</svg>
`;
}

// One colour per operation, told apart in print and by most colour-blind readers.
const LINE_COLORS = ['#d9480f', '#1c7ed6', '#2b8a3e', '#862e9c', '#e67700', '#495057', '#c2255c', '#0b7285'];

/** `1000` as `1k`. */
export const sizeLabel = (n) => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));

export function scaleChart(scale) {
  const width = 760;
  const operations = [...new Map(scale.results.map((r) => [r.op, r.what])).entries()];
  const plot = { x: 70, y: 66, width: 470, height: 300 };
  const height = plot.y + plot.height + 44 + operations.length * 18;
  const sizes = [...scale.sizes].sort((a, b) => a - b);
  const [lo, hi] = [Math.log10(sizes[0]), Math.log10(sizes[sizes.length - 1])];
  const xOf = (size) => plot.x + (hi === lo ? plot.width / 2 : ((Math.log10(size) - lo) / (hi - lo)) * plot.width);
  const max = niceMax(Math.max(...scale.results.map((r) => r.median_ms)));
  const yOf = (ms) => plot.y + plot.height - (plot.height * ms) / max;
  const out = [];
  for (let i = 0; i <= 4; i++) {
    const value = (max * i) / 4;
    out.push(`<line x1="${plot.x}" x2="${plot.x + plot.width}" y1="${yOf(value)}" y2="${yOf(value)}" stroke="#ddd"/>`);
    out.push(`<text x="${plot.x - 6}" y="${yOf(value) + 4}" text-anchor="end" font-size="11" fill="#555">${+value.toFixed(1)}</text>`);
  }
  for (let decade = Math.ceil(lo); decade <= Math.floor(hi); decade++) {
    const x = xOf(10 ** decade);
    out.push(`<line x1="${x}" x2="${x}" y1="${plot.y}" y2="${plot.y + plot.height}" stroke="#eee"/>`);
    out.push(`<text x="${x}" y="${plot.y + plot.height + 16}" text-anchor="middle" font-size="11">${sizeLabel(10 ** decade)}</text>`);
  }
  out.push(`<text x="${plot.x + plot.width / 2}" y="${plot.y + plot.height + 34}" text-anchor="middle" font-size="11" fill="#555">calls stored (log scale)</text>`);
  out.push(`<text x="${plot.x - 50}" y="${plot.y - 12}" font-size="11" fill="#555">median ms (lower is better)</text>`);
  const ends = [];
  operations.forEach(([op, what], i) => {
    const color = LINE_COLORS[i % LINE_COLORS.length];
    const points = sizes
      .map((size) => scale.results.find((r) => r.op === op && r.size === size))
      .filter(Boolean)
      .map((r) => [xOf(r.size), yOf(r.median_ms), r.median_ms]);
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of points) out.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3.5" fill="${color}"/>`);
    const [lastX, lastY, lastMs] = points[points.length - 1];
    ends.push({ x: lastX + 8, y: lastY + 4, color, text: `${lastMs.toFixed(0)} ms` });
    const ly = plot.y + plot.height + 56 + i * 18;
    out.push(`<rect x="${plot.x}" y="${ly - 10}" width="12" height="12" fill="${color}"/><text x="${plot.x + 18}" y="${ly}" font-size="12">${esc(what)}</text>`);
  });
  // Lines that end close together would print their figures over each other: keep them a line apart.
  ends.sort((a, b) => b.y - a.y);
  for (let i = 1; i < ends.length; i++) ends[i].y = Math.min(ends[i].y, ends[i - 1].y - 12);
  for (const e of ends) out.push(`<text x="${e.x.toFixed(1)}" y="${e.y.toFixed(1)}" font-size="11" fill="${e.color}">${e.text}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="13">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${plot.x}" y="16" font-size="12" fill="#333">The Worker in Miniflare (workerd, local D1), median of ${scale.samples} runs per point, same machine, same run</text>
<text x="${plot.x}" y="34" font-weight="bold">Time per request or cron run as the store grows</text>
${out.join('\n')}
</svg>
`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const scale = process.argv[2] === '--scale';
  const [input, output] = process.argv.slice(scale ? 3 : 2);
  mkdirSync(dirname(output), { recursive: true });
  const figures = JSON.parse(readFileSync(input, 'utf8'));
  writeFileSync(output, scale ? scaleChart(figures) : loadChart(figures));
}
