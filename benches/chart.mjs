// The load figures (benches/load.mjs's JSON) as an SVG bar chart: requests per second, p50 and
// p99 latency per endpoint, the Rust Worker beside the JS baseline. No dependencies.
//
//   node benches/chart.mjs target/bench/load.json benches/results/load.svg

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

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [input, output] = process.argv.slice(2);
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, loadChart(JSON.parse(readFileSync(input, 'utf8'))));
}
