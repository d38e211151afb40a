// The operator's dashboard (docs/http-api.md, "Operator's dashboard"): sign-in, the list of
// calls with filters, search and paging, a chart of calls per day, revealing a number,
// "Call back now" and the CSV export. No framework and no build step; every request goes to
// this Worker's /api/admin/*, signed in by the HttpOnly session cookie (or Cloudflare Access).

const CHARTED = [
  ['answered', 'Answered'],
  ['missed', 'Missed'],
  ['failed', 'Failed'],
  ['scheduled', 'Scheduled'],
];
const CATEGORY_WORDS = {
  answered: 'Answered', missed: 'Missed', failed: 'Failed', scheduled: 'Scheduled',
  'in-progress': 'In progress', canceled: 'Canceled',
};
const PAGE = 25;
/** Why Exotel refused a call, in the operator's words (worker/src/upstream/reason.rs). */
const REFUSALS = {
  dnd: 'The number is on the DND (NDNC) registry: the visitor was shown how to give a missed call',
  credentials: "Exotel did not accept the account's credentials",
  plan_limit: "The Exotel plan's limit is reached",
  not_found: 'Exotel did not recognise the account, flow or ExoPhone',
  invalid_request: 'Exotel found the request invalid',
};

const $ = (id) => document.getElementById(id);
const state = { zone: undefined, offset: 0, filters: new URLSearchParams(), via: null };

/** An element with attributes and children (strings become text: nothing is parsed as HTML). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : value);
  }
  el.append(...children.flat().filter((c) => c != null && c !== false));
  return el;
}

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  el.append(...children);
  return el;
}

function announce(text) {
  // Emptied first, so the same words twice are still read out.
  const region = $('announce');
  region.textContent = '';
  requestAnimationFrame(() => { region.textContent = text; });
}

class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code;
    this.retryAfter = body?.error?.retryAfter;
  }
}

async function api(path, { method = 'GET', json } = {}) {
  const init = { method, credentials: 'same-origin', headers: {} };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(path, init);
  const body = await res.json().catch(() => null);
  if (res.status === 401 && !path.endsWith('/session')) {
    showSignIn('Your session has ended. Please sign in again.');
  }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

function when(iso, options = { dateStyle: 'medium', timeStyle: 'short' }) {
  if (!iso) return '';
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone: state.zone }).format(new Date(iso));
  } catch {
    return iso;
  }
}

function duration(seconds) {
  if (seconds == null) return '';
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m ? `${m} min ${s} s` : `${s} s`;
}

// ---- signing in and out --------------------------------------------------------------------

function showSignIn(message = '') {
  $('dashboard').hidden = true;
  $('sign-out').hidden = true;
  $('who').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message;
  $('token').focus();
}

function showDashboard(session) {
  state.via = session.via;
  $('sign-in').hidden = true;
  $('dashboard').hidden = false;
  $('who').hidden = false;
  $('who').textContent = session.via === 'access' ? `Signed in as ${session.who} (Cloudflare Access)`
    : session.via === 'token' ? 'Signed in with the admin token' : 'Signed in';
  $('sign-out').hidden = session.via !== 'session';
}

async function signIn(event) {
  event.preventDefault();
  const input = $('token');
  const error = $('sign-in-error');
  error.textContent = '';
  if (!input.value.trim()) {
    error.textContent = 'Enter the admin token.';
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  try {
    const session = await api('/api/admin/session', { method: 'POST', json: { token: input.value } });
    input.value = '';
    input.removeAttribute('aria-invalid');
    showDashboard(session);
    await refresh();
    $('main').focus();
  } catch (e) {
    input.setAttribute('aria-invalid', 'true');
    error.textContent = e.status === 401 ? 'That is not the admin token.'
      : e.status === 429 ? `Too many failed attempts. Try again in ${Math.ceil((e.retryAfter || 60) / 60)} minutes.`
        : `Could not sign in: ${e.message}`;
    input.focus();
  }
}

async function signOut() {
  try {
    await api('/api/admin/session', { method: 'DELETE' });
  } finally {
    $('calls').replaceChildren();
    showSignIn();
    announce('Signed out.');
  }
}

// ---- the list ------------------------------------------------------------------------------

function readFilters() {
  const form = new FormData($('filters'));
  const params = new URLSearchParams();
  for (const name of ['status', 'from', 'to', 'q']) {
    const value = String(form.get(name) ?? '').trim();
    if (value) params.set(name, value);
  }
  return params;
}

function leadDetails(call) {
  const lead = call.lead ?? {};
  const rows = [];
  const add = (term, value) => {
    if (value != null && value !== '') rows.push(h('dt', {}, term), h('dd', {}, String(value)));
  };
  add('Name', call.leadName);
  add('Note', lead.note);
  add('Page', lead.page);
  add('Referrer', lead.referrer);
  if (lead.utm) {
    add('Campaign', Object.entries(lead.utm).map(([k, v]) => `${k}: ${v}`).join(', '));
  }
  if (lead.consent) add('Consent', lead.consent.given ? `Given${lead.consent.text ? ` (“${lead.consent.text}”)` : ''}` : 'Not given');
  add('Request', `${call.requestId ?? call.id}, attempt ${call.attempt}`);
  add('Outcome', [call.outcome, call.failure].filter(Boolean).join(', '));
  add('Why', REFUSALS[call.reason] ?? call.reason);
  if (call.whitelist) add('DND whitelist', call.whitelist === 'requested' ? 'Asked Exotel to whitelist the number (the visitor gets an SMS to approve)' : 'Exotel did not accept the whitelist request');
  if (call.scheduledFor) add('Due', when(call.scheduledFor));
  return rows.length ? h('dl', { class: 'lead' }, rows) : null;
}

function eventLog(call) {
  if (!call.events?.length) return h('p', { class: 'help' }, 'No events logged yet.');
  return h('ol', { class: 'events' }, call.events.map((e) => h('li', {},
    h('time', { datetime: e.receivedAt }, when(e.receivedAt, { dateStyle: 'short', timeStyle: 'medium' })),
    ` ${e.source}: ${e.status}${e.applied ? '' : ' (not applied)'}`,
    e.detail ? h('code', {}, ` ${JSON.stringify(e.detail)}`) : null)));
}

function callItem(call) {
  const name = call.leadName || 'No name given';
  const phone = h('span', { class: 'phone', 'data-role': 'phone' }, call.phone);
  const status = h('span', { class: `badge ${call.category}` }, CATEGORY_WORDS[call.category] ?? call.category);
  const actions = h('div', { class: 'actions' });
  if (call.masked) {
    actions.append(h('span', { class: 'help' }, 'Number masked after the retention period: it can no longer be shown.'));
  } else {
    const reveal = h('button', { type: 'button', class: 'quiet', 'aria-label': `Show the full number of ${name}` }, 'Show number');
    reveal.addEventListener('click', async () => {
      reveal.disabled = true;
      try {
        const body = await api(`/api/admin/calls/${encodeURIComponent(call.id)}/reveal`, { method: 'POST' });
        phone.textContent = body.phone;
        phone.classList.add('revealed');
        reveal.remove();
        announce(`Number of ${name}: ${body.phone.split('').join(' ')}. This was logged.`);
      } catch (e) {
        reveal.disabled = false;
        announce(`Could not show the number: ${e.message}`);
      }
    });
    actions.append(reveal);
  }
  if (call.canCallBack) {
    const back = h('button', { type: 'button', 'aria-label': `Call ${name} back now` }, 'Call back now');
    back.addEventListener('click', async () => {
      back.disabled = true;
      try {
        const body = await api(`/api/admin/calls/${encodeURIComponent(call.id)}/call-back`, { method: 'POST' });
        const placed = body.call;
        announce(placed.category === 'scheduled'
          ? `Call back to ${name} scheduled for ${when(placed.scheduledFor)}.`
          : placed.category === 'in-progress' ? `Calling ${name} back now.`
            : `Call back to ${name} not placed: ${placed.outcome}.`);
        await loadCalls({ keepAnnouncement: true });
        // The button is gone with the old list: keyboard users go on from the list's heading.
        $('list-title').focus();
      } catch (e) {
        back.disabled = false;
        announce(`Could not call back: ${e.message}`);
      }
    });
    actions.append(back);
  }
  return h('li', { class: 'call', 'data-id': call.id, 'data-category': call.category },
    h('div', { class: 'call-head' },
      h('h3', {}, name),
      status),
    h('p', { class: 'meta' },
      phone,
      h('span', {}, h('time', { datetime: call.createdAt }, when(call.createdAt))),
      h('span', {}, `Attempt ${call.attempt}`),
      call.duration != null ? h('span', {}, `Talked ${duration(call.duration)}`) : null),
    actions,
    h('details', {},
      h('summary', {}, 'Details and event log'),
      leadDetails(call),
      h('h4', {}, 'Event log'),
      eventLog(call)));
}

async function loadCalls({ append = false, keepAnnouncement = false } = {}) {
  if (!append) state.offset = 0;
  const params = new URLSearchParams(state.filters);
  params.set('limit', PAGE);
  params.set('offset', state.offset);
  const body = await api(`/api/admin/calls?${params}`);
  const list = $('calls');
  const items = body.calls.map(callItem);
  if (append) list.append(...items);
  else list.replaceChildren(...items);
  state.offset += body.calls.length;
  const more = $('more');
  more.hidden = body.nextOffset == null;
  const b = body.budgets;
  $('budgets').textContent = `Budget: ${b.perHour.used} of ${b.perHour.max} calls this hour, ${b.perDay.used} of ${b.perDay.max} today${b.paused ? ' — calls are paused until it frees' : ''}.`
    + (body.warnings.length ? ` Warning: ${body.warnings.join(' ')}` : '');
  if (!keepAnnouncement) {
    announce(body.total === 0 ? 'No calls match these filters.'
      : `Showing ${state.offset} of ${body.total} ${body.total === 1 ? 'call' : 'calls'}.`);
  }
}

// ---- the chart -----------------------------------------------------------------------------

function drawChart(stats) {
  const days = stats.days;
  const totals = days.map((d) => CHARTED.reduce((sum, [key]) => sum + d[key], 0));
  const max = Math.max(1, ...totals);
  const width = 640;
  const height = 220;
  const left = 28;
  const bottom = 24;
  const plot = height - bottom - 8;
  const step = (width - left) / Math.max(1, days.length);
  const bar = Math.max(2, step * 0.7);
  const all = totals.reduce((a, b) => a + b, 0);
  const summary = CHARTED.map(([key, word]) => `${word.toLowerCase()} ${days.reduce((s, d) => s + d[key], 0)}`).join(', ');
  const title = `Calls per day from ${stats.from} to ${stats.to} (${stats.zone})`;
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'chart-svg-title chart-svg-desc',
    class: 'bars',
  },
  svg('title', { id: 'chart-svg-title' }, title),
  svg('desc', { id: 'chart-svg-desc' }, `${all} calls in all: ${summary}. The table below the chart has each day.`));
  chart.append(svg('line', { x1: left, x2: width, y1: plot + 8, y2: plot + 8, class: 'axis' }));
  chart.append(svg('text', { x: 0, y: 16, class: 'tick' }, String(max)));
  chart.append(svg('text', { x: 0, y: plot + 8, class: 'tick' }, '0'));
  days.forEach((day, i) => {
    let y = plot + 8;
    const x = left + i * step + (step - bar) / 2;
    for (const [key, word] of CHARTED) {
      const count = day[key];
      if (!count) continue;
      const barHeight = (count / max) * plot;
      y -= barHeight;
      chart.append(svg('rect', {
        x: x.toFixed(1), y: y.toFixed(1), width: bar.toFixed(1), height: barHeight.toFixed(1),
        class: `seg ${key}`, 'data-date': day.date, 'data-category': key, 'data-count': count,
      }, svg('title', {}, `${day.date}: ${count} ${word.toLowerCase()}`)));
    }
  });
  // A date under the first, middle and last bar.
  for (const i of [...new Set([0, Math.floor((days.length - 1) / 2), days.length - 1])]) {
    if (days[i]) {
      chart.append(svg('text', { x: (left + i * step + step / 2).toFixed(1), y: height - 6, class: 'tick', 'text-anchor': 'middle' },
        days[i].date.slice(5)));
    }
  }
  const legend = h('ul', { class: 'legend', 'aria-hidden': 'true' },
    CHARTED.map(([key, word]) => h('li', {}, h('span', { class: `swatch ${key}` }), word)));
  $('chart').replaceChildren(chart, legend);

  $('chart-table').replaceChildren(
    h('caption', {}, title),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Day'), CHARTED.map(([, word]) => h('th', { scope: 'col' }, word)))),
    h('tbody', {}, days.map((d) => h('tr', {}, h('th', { scope: 'row' }, d.date), CHARTED.map(([key]) => h('td', {}, String(d[key])))))));
}

async function loadChart() {
  const params = new URLSearchParams(state.filters);
  const stats = await api(`/api/admin/stats?${params}`);
  state.zone = stats.zone;
  drawChart(stats);
}

async function refresh() {
  $('calls').setAttribute('aria-busy', 'true');
  state.filters = readFilters();
  $('csv').href = `/api/admin/calls.csv${state.filters.size ? `?${state.filters}` : ''}`;
  try {
    // The chart first: it tells the list which zone its times are in.
    await loadChart();
    await loadCalls();
  } catch (e) {
    if (e.status !== 401) announce(`Could not load the calls: ${e.message}`);
  } finally {
    $('calls').setAttribute('aria-busy', 'false');
  }
}

async function start() {
  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', signOut);
  $('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    refresh();
  });
  $('filters').addEventListener('reset', () => setTimeout(refresh));
  $('more').addEventListener('click', async () => {
    const before = $('calls').children.length;
    await loadCalls({ append: true });
    // Focus moves to the first call just added, so keyboard users carry on from there.
    $('calls').children[before]?.querySelector('summary')?.focus();
  });
  try {
    const session = await api('/api/admin/session');
    if (session.signedIn) {
      showDashboard(session);
      await refresh();
    } else {
      showSignIn();
    }
  } catch (e) {
    showSignIn(e.code === 'not_found' ? 'The dashboard is off: this Worker has no ADMIN_TOKEN.'
      : e.status === 429 ? `Too many failed sign-ins from this network. Try again in ${Math.ceil((e.retryAfter || 60) / 60)} minutes.`
        : `Could not reach the service: ${e.message}`);
  }
}

start();
