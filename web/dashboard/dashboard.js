// mockpay's dashboard. Everything it shows comes from the control API
// (/_mockpay/…) and its live feed (/_mockpay/events). Everything that came
// from a request is put on the page as text (textContent, Element.append
// with strings, SVG <text>), never parsed as HTML.
'use strict';

const TOKEN_KEY = 'mockpay.token';
// The live feed cannot send headers (EventSource): the token rides in this
// cookie, limited to the feed's path and to same-site requests. The server
// accepts it there only.
const TOKEN_COOKIE = 'mockpay_token';
const EVENTS_PATH = '/_mockpay/events';

const S = {
  token: sessionStorage.getItem(TOKEN_KEY) || '',
  triggers: JSON.parse(document.body.dataset.triggers || '{}'),
  payments: new Map(), // tenant|id → record
  flash: new Map(), // tenant|id → until (ms)
  merchants: [],
  story: null, // {provider, merchant, id, tenant, data, callbacks}
  raw: null,
  es: [], // one EventSource, or one per merchant for a multi-merchant token
  // scope: the merchant keys a token made for several merchants covers;
  // every list is then read per merchant (the API wants one named).
  scope: null,
  started: false,
};

// ---- small helpers --------------------------------------------------------

const $ = (sel, root = document) => root.querySelector(sel);

// el builds an element; strings among kids become text nodes.
function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids.flat()) {
    if (kid != null && kid !== false) e.append(kid);
  }
  return e;
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v != null) e.setAttribute(k, String(v));
  }
  if (text != null) e.textContent = text;
  return e;
}

function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

function pad(n, w = 2) { return String(n).padStart(w, '0'); }

// when formats a virtual time: "2026-11-30 10:00:05".
function when(t) {
  const d = new Date(t);
  if (isNaN(d)) return '';
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function span(ms) {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? ` ${s % 60}s` : ''}`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${s % 3600 >= 60 ? ` ${Math.floor((s % 3600) / 60)}m` : ''}`;
  return `${Math.floor(s / 86400)}d${s % 86400 >= 3600 ? ` ${Math.floor((s % 86400) / 3600)}h` : ''}`;
}

// goDuration reads a Go duration ("1h0m0s", "1.5s", "300ms") as
// milliseconds, or null.
function goDuration(text) {
  const units = { h: 3600e3, m: 60e3, s: 1e3, ms: 1, us: 1e-3, 'µs': 1e-3, ns: 1e-6 };
  const parts = String(text).match(/(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g);
  if (!parts || parts.join('') !== String(text)) return text === '0s' ? 0 : null;
  return parts.reduce((sum, p) => {
    const [, n, u] = p.match(/^(\d+(?:\.\d+)?)(.*)$/);
    return sum + Number(n) * units[u];
  }, 0);
}

function minor(amount, currency) {
  if (amount == null) return '';
  return `${(amount / 100).toFixed(2)} ${currency || ''}`.trim();
}

function pretty(v) {
  if (v == null || v === '') return '';
  if (typeof v === 'string') {
    try { return JSON.stringify(JSON.parse(v), null, 2); } catch { return v; }
  }
  return JSON.stringify(v, null, 2);
}

// sq quotes a value for a POSIX shell.
function sq(s) { return `'${String(s).replace(/'/g, `'\\''`)}'`; }

function statusClass(st) {
  const s = String(st || '').toLowerCase();
  if (['success', 'settled', 'approved', 'subscribed', 'delivered', 'sandbox'].includes(s)) return 'ok';
  if (['failure', 'error', 'failed', 'rejected', 'declined', 'expired', 'cancelled', 'canceled', 'reversed', 'chargeback', 'refunded', 'voided'].includes(s)) return 'bad';
  return 'wait';
}

function notice(text, bad) {
  const n = $('#notice');
  n.textContent = text;
  n.className = 'notice' + (bad ? ' bad' : '');
  n.hidden = false;
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => { n.hidden = true; }, 6000);
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const t = el('textarea', {}, text);
    document.body.append(t);
    t.select();
    document.execCommand('copy');
    t.remove();
  }
  if (button) {
    const was = button.textContent;
    button.textContent = 'copied';
    setTimeout(() => { button.textContent = was; }, 1200);
  }
}

function copyButton(text, label = 'copy') {
  const b = el('button', { type: 'button', class: 'small secondary copy' }, label);
  b.addEventListener('click', () => copy(text, b));
  return b;
}

// ---- the control API ------------------------------------------------------

class APIError extends Error {
  constructor(status, data) {
    super((data && data.error) || `HTTP ${status}`);
    this.status = status;
    this.data = data;
  }
}

async function api(method, path, body) {
  const headers = {};
  if (S.token) headers.Authorization = 'Bearer ' + S.token;
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { error: text }; }
  if (res.status === 401) {
    askToken(data && data.error);
    throw new APIError(401, data);
  }
  if (!res.ok) throw new APIError(res.status, data);
  return data;
}

function q(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) u.set(k, v);
  const s = u.toString();
  return s ? '?' + s : '';
}

// ---- the token ------------------------------------------------------------

function setToken(token) {
  S.token = token;
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    document.cookie = `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=${EVENTS_PATH}; SameSite=Strict`;
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
    document.cookie = `${TOKEN_COOKIE}=; Path=${EVENTS_PATH}; SameSite=Strict; Max-Age=0`;
  }
  $('#forget').hidden = !token;
}

function askToken(why) {
  for (const es of S.es) es.close();
  S.es = [];
  $('#app').hidden = true;
  $('#login').hidden = false;
  if (why && S.token) $('#login-why').textContent = 'The token was refused: ' + why;
  $('#login-token').focus();
}

// ---- live feed ------------------------------------------------------------

function setLive(on, text) {
  const l = $('#live');
  l.className = 'live ' + (on ? 'on' : 'off');
  l.textContent = text || (on ? 'live' : 'reconnecting…');
}

function connect() {
  for (const es of S.es) es.close();
  S.es = (S.scope || ['']).map((key) => listen(key ? `${EVENTS_PATH}?merchant=${encodeURIComponent(key)}` : EVENTS_PATH));
}

function listen(url) {
  const es = new EventSource(url);
  // On every (re)connection the lists are read again: whatever happened
  // while the feed was down is in them.
  es.onopen = () => { setLive(true); refresh(); };
  es.onerror = () => {
    setLive(false);
    // EventSource retries by itself, except after an HTTP error answer.
    if (es.readyState === EventSource.CLOSED && S.es.includes(es)) setTimeout(() => { if (S.es.includes(es)) connect(); }, 3000);
  };
  es.addEventListener('payment', (e) => onPayment(JSON.parse(e.data)));
  es.addEventListener('callback', (e) => onCallback(JSON.parse(e.data)));
  es.addEventListener('clock', (e) => onClock(JSON.parse(e.data)));
  es.addEventListener('reset', () => refresh());
  es.addEventListener('resync', () => refresh());
  return es;
}

// gather reads a list endpoint once, or once per merchant of S.scope, and
// joins the field's arrays.
async function gather(path, field) {
  const sep = path.includes('?') ? '&' : '?';
  const paths = S.scope ? S.scope.map((k) => `${path}${sep}merchant=${encodeURIComponent(k)}`) : [path];
  const out = await Promise.all(paths.map((p) => api('GET', p)));
  return out.flatMap((d) => (d && d[field]) || []);
}

const keyOf = (r) => `${r.tenant}|${r.id}`;

// journalSoon re-reads the journal while it is shown, at most every 500 ms.
function journalSoon() {
  if (location.hash !== '#journal' || journalSoon.timer) return;
  journalSoon.timer = setTimeout(() => {
    journalSoon.timer = null;
    loadJournal().catch((err) => notice(err.message, true));
  }, 500);
}

// A burst of events redraws once: the list at the next frame, the story
// at most every 300 ms.
function renderSoon() {
  if (renderSoon.pending) return;
  renderSoon.pending = true;
  requestAnimationFrame(() => { renderSoon.pending = false; renderPayments(); });
}

function storySoon() {
  if (storySoon.timer) return;
  storySoon.timer = setTimeout(() => { storySoon.timer = null; loadStory(); }, 300);
}

function onPayment(rec) {
  journalSoon();
  S.payments.set(keyOf(rec), rec);
  S.flash.set(keyOf(rec), Date.now() + 2500);
  renderSoon();
  if (S.story && S.story.tenant === rec.tenant && S.story.id === rec.id) storySoon();
}

function onCallback(cb) {
  if (!S.story || S.story.tenant !== cb.tenant) return;
  const labels = cb.labels || {};
  if (labels.payment_id === S.story.id || labels.reference_id === S.story.id || labels.idempotency_key === S.story.id) storySoon();
}

function onClock(ev) {
  if (S.story && S.story.tenant === ev.tenant) storySoon();
}

// ---- payments -------------------------------------------------------------

async function loadPayments() {
  let list;
  try {
    list = await gather('/_mockpay/payments?limit=1000', 'payments');
  } catch (err) {
    // A token made for several merchants must name one per request.
    const m = !S.scope && err.status === 400 && err.message.match(/covers merchants (.+): name one/);
    if (!m) throw err;
    S.scope = m[1].split(' and ');
    list = await gather('/_mockpay/payments?limit=1000', 'payments');
  }
  S.payments = new Map();
  for (const r of list) S.payments.set(keyOf(r), r);
  renderPayments();
}

function describe(r) {
  const p = r.payment || {};
  return p.description || '';
}

function fillSelect(select, values) {
  const keep = select.value;
  const have = new Set([...select.options].map((o) => o.value));
  for (const v of [...values].sort()) {
    if (!have.has(v)) select.append(el('option', { value: v }, v));
  }
  select.value = keep;
}

function renderPayments() {
  const all = [...S.payments.values()];
  fillSelect($('#f-merchant'), new Set([...all.map((r) => r.merchant), ...S.merchants.map((m) => m.merchant)]));
  fillSelect($('#f-status'), new Set(all.map((r) => r.status)));
  const fm = $('#f-merchant').value, fp = $('#f-provider').value, fs = $('#f-status').value;
  const text = $('#f-text').value.trim().toLowerCase();
  const rows = all
    .filter((r) => (!fm || r.merchant === fm) && (!fp || r.provider === fp) && (!fs || r.status === fs))
    .filter((r) => !text || [r.id, r.order_id, r.merchant, r.status, r.provider, describe(r)].some((v) => String(v || '').toLowerCase().includes(text)))
    .sort((a, b) => (b.created_at || '').localeCompare(a.created_at || '') || (b.updated_at || '').localeCompare(a.updated_at || ''));
  const body = clear($('#payments tbody'));
  const now = Date.now();
  for (const r of rows) {
    const k = keyOf(r);
    const flashing = (S.flash.get(k) || 0) > now;
    const href = `#payment/${encodeURIComponent(r.provider)}/${encodeURIComponent(r.merchant)}/${encodeURIComponent(r.id)}`;
    const tr = el('tr', { class: flashing ? 'flash' : null, 'data-id': r.id, 'data-key': k },
      el('td', { class: 'nowrap', title: 'updated ' + when(r.updated_at) }, when(r.created_at)),
      el('td', {}, r.provider),
      el('td', { class: 'mono' }, r.merchant),
      el('td', { class: 'mono' }, el('a', { href }, r.id)),
      el('td', { class: 'mono' }, r.order_id),
      el('td', { class: 'num nowrap' }, minor(r.amount, r.currency)),
      el('td', {}, el('span', { class: 'badge ' + statusClass(r.status) }, r.status)),
      el('td', { class: 'desc' }, describe(r)));
    tr.addEventListener('click', (e) => { if (e.target.tagName !== 'A') location.hash = href; });
    body.append(tr);
  }
  $('#payments-empty').hidden = rows.length > 0;
  const next = Math.min(...[...S.flash.values()].filter((t) => t > now));
  clearTimeout(renderPayments.fade);
  if (isFinite(next)) renderPayments.fade = setTimeout(renderPayments, next - now + 20);
  for (const [k, t] of S.flash) if (t <= now) S.flash.delete(k);
}

// ---- one payment's story --------------------------------------------------

async function openStory(provider, merchant, id) {
  S.story = { provider, merchant, id, tenant: `${provider}:${merchant}` };
  S.raw = null;
  clear($('#story')).append(el('p', { class: 'hint' }, 'loading…'));
  await loadStory();
}

async function loadStory() {
  const st = S.story;
  if (!st) return;
  const scope = { merchant: st.merchant, provider: st.provider };
  const label = st.provider === 'liquido' ? 'reference_id' : 'payment_id';
  try {
    const [pay, cbs, clk, merchant] = await Promise.all([
      api('GET', `/_mockpay/payments/${encodeURIComponent(st.id)}${q(scope)}`),
      api('GET', `/_mockpay/callbacks${q({ ...scope, [label]: st.id })}`),
      api('GET', `/_mockpay/clock${q(scope)}`),
      // Its retry policy, for the schedule ahead; not essential.
      api('GET', `/_mockpay/merchants/${encodeURIComponent(st.merchant)}${q(scope)}`).catch(() => null),
    ]);
    if (S.story !== st) return;
    const m = merchant && (merchant.merchants || [])[0];
    st.backoff = m && m.callbacks && Array.isArray(m.callbacks.backoff) ? m.callbacks.backoff.map(goDuration) : null;
    st.data = pay;
    st.callbacks = cbs.callbacks || [];
    st.clock = (clk.clocks || [])[0];
    renderStory();
  } catch (err) {
    if (S.story === st) clear($('#story')).append(el('p', { class: 'error' }, err.message));
  }
}

function renderStory() {
  const st = S.story;
  const p = st.data.payment;
  const root = clear($('#story'));
  root.append(
    el('div', { class: 'story-head' },
      el('h1', {}, `${p.provider} payment `, el('span', { class: 'mono' }, p.id)),
      el('span', { class: 'badge big ' + statusClass(p.status), id: 'story-status' }, p.status)),
    el('dl', { class: 'facts' },
      el('dt', {}, 'Merchant'), el('dd', { class: 'mono' }, p.merchant),
      el('dt', {}, 'Order'), el('dd', { class: 'mono' }, p.order_id),
      el('dt', {}, 'Amount'), el('dd', {}, minor(p.amount, p.currency)),
      el('dt', {}, 'Description'), el('dd', {}, describe(p)),
      el('dt', {}, 'Merchant clock'), el('dd', {}, st.clock ? `${when(st.clock.now)} (${st.clock.pending_timers} timers pending)` : '')),
    actions(st),
    el('h2', {}, 'Story'),
    el('p', { class: 'hint' }, 'Each mark is one thing that happened, on the merchant\'s virtual clock. Click one for its raw bodies (card numbers masked).'),
    el('div', { id: 'timeline', class: 'timeline' }),
    el('pre', { id: 'raw', class: 'raw', hidden: true }),
    el('h2', {}, 'Callbacks'),
    callbackTable(st));
  drawTimeline(st);
  if (S.raw) showRaw(S.raw.title, S.raw.value);
}

function actions(st) {
  const box = el('div', { class: 'actions panel' });
  const amount = el('input', { type: 'text', id: 'trigger-amount', placeholder: 'amount (empty: all)', inputmode: 'decimal', class: 'small-input' });
  const triggers = (S.triggers[st.provider] || []).map((ev) =>
    el('button', { type: 'button', class: 'small', 'data-trigger': ev, onclick: () => trigger(st, ev, amount.value.trim()) }, ev.replace('_', ' ')));
  box.append(
    el('div', { class: 'action-row' }, el('strong', {}, 'Trigger'), ...triggers, amount),
    el('div', { class: 'action-row' }, el('strong', {}, 'Clock'), ...clockButtons({ merchant: st.merchant, provider: st.provider })));
  return box;
}

function clockButtons(scope) {
  const steps = [['+1 min', { duration: '1m' }], ['+1 h', { duration: '1h' }], ['+1 day', { duration: '24h' }], ['next due', { to: 'next' }]];
  return steps.map(([label, body]) => el('button', {
    type: 'button', class: 'small secondary', 'data-clock': body.duration || body.to,
    onclick: async (e) => {
      e.target.disabled = true;
      try {
        const out = await api('POST', '/_mockpay/clock/advance', { ...body, ...scope });
        const c = (out.clocks || [])[0];
        notice(`clock ${c ? 'of ' + c.merchant + ' now ' + when(c.now) : 'moved'}${out.settled === false ? ' (some callbacks still in flight)' : ''}`);
      } catch (err) {
        notice(err.message, true);
      } finally {
        e.target.disabled = false;
      }
    },
  }, label));
}

async function trigger(st, event, amount) {
  const body = { event, merchant: st.merchant, provider: st.provider };
  if (amount) body.amount = Number(amount);
  try {
    const out = await api('POST', `/_mockpay/payments/${encodeURIComponent(st.id)}/trigger`, body);
    notice(`${event}: the payment is now ${out.status}`);
  } catch (err) {
    notice(`${event}: ${err.message}${err.data && err.data.status ? ' (status ' + err.data.status + ')' : ''}`, true);
  }
  loadStory();
}

function callbackTable(st) {
  if (!st.callbacks.length) return el('p', { class: 'hint' }, 'No callbacks for this payment.');
  const rows = st.callbacks.map((cb) => {
    const last = cb.attempts[cb.attempts.length - 1];
    const next = cb.next_attempt_at ? `next attempt ${when(cb.next_attempt_at)}` : '';
    return el('tr', { 'data-callback': cb.id },
      el('td', { class: 'mono' }, cb.id),
      el('td', {}, (cb.labels && (cb.labels.status || cb.labels.event)) || ''),
      el('td', {}, el('span', { class: 'badge ' + statusClass(cb.status) }, cb.status)),
      el('td', {}, `${cb.attempts.length} of ${cb.max_attempts}`, last ? ` · last ${last.response_status || 'no answer'}` : '', next ? ` · ${next}` : ''),
      el('td', { class: 'url' }, cb.url),
      el('td', {}, el('button', {
        type: 'button', class: 'small secondary',
        onclick: async (e) => {
          e.target.disabled = true;
          try {
            const out = await api('POST', `/_mockpay/callbacks/${encodeURIComponent(cb.id)}/redeliver${q({ merchant: st.merchant, provider: st.provider })}`);
            const a = out.attempts[out.attempts.length - 1];
            notice(`redelivered ${cb.id}: ${a && a.response_status ? 'HTTP ' + a.response_status : (a && a.error) || 'sent'}`);
          } catch (err) {
            notice(err.message, true);
          }
          loadStory();
        },
      }, 'Redeliver')));
  });
  return el('div', { class: 'scroll' }, el('table', { class: 'grid', id: 'callbacks' },
    el('thead', {}, el('tr', {}, ...['Callback', 'Reports', 'Delivery', 'Attempts', 'URL', ''].map((h) => el('th', {}, h)))),
    el('tbody', {}, rows)));
}

// marks turns the timeline (and the retry schedule ahead) into rows.
function marks(st) {
  const out = [];
  const cbByID = new Map(st.callbacks.map((c) => [c.id, c]));
  for (const ev of st.data.timeline || []) {
    switch (ev.kind) {
      case 'status':
        out.push({ kind: 'status', cls: statusClass(ev.status), at: ev.at, title: `status → ${ev.status}`, sub: '', raw: ev });
        break;
      case 'request': {
        const r = ev.request;
        const what = r.action && r.action !== r.route ? r.action : r.path;
        out.push({
          kind: 'request', cls: r.error ? 'bad' : 'req', at: ev.at,
          title: `${r.method} ${what} → ${r.status}${r.error_code ? ' ' + r.error_code : ''}`,
          sub: `${r.path} · ${r.duration_ms} ms`,
          raw: { request: r.request_data || r.request_body, response: r.response_body, entry: r },
        });
        break;
      }
      case 'callback_attempt': {
        const a = ev.callback;
        const cb = cbByID.get(a.id);
        const full = cb && cb.attempts.find((x) => x.number === a.number);
        out.push({
          kind: 'callback', cls: a.delivered ? 'ok' : 'bad', at: ev.at,
          title: `callback ${a.id} attempt #${a.number}${a.redelivery ? ' (redelivery)' : ''} → ${a.response_status ? 'HTTP ' + a.response_status : 'no answer'}`,
          sub: a.error ? a.error : `${a.url} · ${Math.round(a.duration_ms)} ms`,
          raw: full ? { request: full.request_body, response: full.response_body, attempt: full } : a,
        });
        break;
      }
      case 'clock':
        out.push({
          kind: 'clock', cls: 'clock', at: ev.at,
          title: `clock ${ev.clock.kind === 'set' ? 'set' : 'advanced'} +${span(new Date(ev.clock.to) - new Date(ev.clock.from))}`,
          sub: `to ${when(ev.clock.to)}`, raw: ev.clock,
        });
        break;
    }
  }
  // What caused each status change: the API request just before it, a
  // clock move spanning it, or neither (a trigger from the control plane,
  // which is not journaled, or a change scheduled on the virtual clock).
  const ms = (t) => new Date(t).getTime();
  for (const [i, m] of out.entries()) {
    if (m.kind !== 'status') continue;
    const at = ms(m.at);
    const req = out.slice(0, i).reverse().find((x) => x.kind === 'request');
    const move = (st.data.timeline || []).find((ev) => ev.kind === 'clock' && ms(ev.clock.from) < at && at <= ms(ev.clock.to));
    if (req && at - ms(req.at) < 2000) m.sub = `caused by ${req.title}`;
    else if (move) m.sub = 'as the clock moved';
    else m.sub = 'no API request: a trigger, or a change scheduled on the clock';
  }
  // The schedule ahead: each pending callback's next attempt and, from the
  // merchant's retry policy (delays before attempts 2, 3, … counted from
  // the start of the one before), the ones that follow should it fail.
  const now = st.clock ? new Date(st.clock.now).getTime() : null;
  const inT = (t) => (now ? ` (in ${span(t - now)})` : '');
  for (const cb of st.callbacks) {
    if (cb.status !== 'pending' || !cb.next_attempt_at) continue;
    // Attempt numbers count redeliveries; the policy counts its own tries.
    const n = cb.attempts.filter((a) => !a.redelivery).length + 1;
    const num = cb.attempts.length + 1;
    let t = new Date(cb.next_attempt_at).getTime();
    const plan = st.backoff && st.backoff.length + 1 === cb.max_attempts && st.backoff.every((d) => d != null);
    out.push({
      kind: 'ahead', cls: 'ahead', at: cb.next_attempt_at,
      title: `next: callback ${cb.id} attempt #${num}${inT(t)}`,
      sub: n >= cb.max_attempts ? 'the last attempt the retry policy allows'
        : plan ? `try ${n} of ${cb.max_attempts}; the retries below follow if it fails` : `then up to ${cb.max_attempts - n} more by the retry policy`,
      raw: cb,
    });
    for (let k = n; plan && k < cb.max_attempts; k++) {
      t += st.backoff[k - 1];
      out.push({
        kind: 'ahead', cls: 'ahead later', at: new Date(t).toISOString(),
        title: `then attempt #${num + k - n + 1}${inT(t)}`,
        sub: `if the one before fails · ${span(st.backoff[k - 1])} after it`, raw: cb,
      });
    }
  }
  return out;
}

function drawTimeline(st) {
  const box = $('#timeline');
  clear(box);
  const rows = marks(st);
  if (!rows.length) { box.append(el('p', { class: 'hint' }, 'Nothing recorded yet.')); return; }
  const width = Math.max(box.clientWidth || 600, 300);
  const narrow = width < 560;
  const railX = narrow ? 18 : 150;
  const textX = railX + 22;
  const rowH = narrow ? 58 : 46;
  const top = 20;
  const height = top + rows.length * rowH + 10;
  const chars = Math.floor((width - textX - 8) / 7.8);
  const cut = (s) => (s.length > chars ? s.slice(0, Math.max(chars - 1, 8)) + '…' : s);
  const pic = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'payment timeline', class: 'tl' });
  pic.append(svg('line', { x1: railX, y1: top - 8, x2: railX, y2: height - 8, class: 'rail' }));
  rows.forEach((m, i) => {
    const y = top + i * rowH + 8;
    const g = svg('g', { class: `mark ${m.kind} ${m.cls}`, tabindex: 0, 'data-kind': m.kind });
    // The whole row is the click target, not just its ink.
    g.append(svg('rect', { x: 0, y: y - rowH / 2, width, height: rowH, class: 'hit' }));
    if (m.kind === 'clock') {
      // A jump of the clock: the rail breaks into a zigzag.
      g.append(svg('polyline', { points: `${railX},${y - 12} ${railX - 7},${y - 6} ${railX + 7},${y} ${railX - 7},${y + 6} ${railX},${y + 12}`, class: 'jump' }));
    } else if (m.kind === 'request') {
      g.append(svg('rect', { x: railX - 6, y: y - 6, width: 12, height: 12, rx: 2, class: 'dot' }));
    } else if (m.kind === 'callback') {
      g.append(svg('polygon', { points: `${railX},${y - 8} ${railX + 8},${y} ${railX},${y + 8} ${railX - 8},${y}`, class: 'dot' }));
    } else {
      g.append(svg('circle', { cx: railX, cy: y, r: m.kind === 'ahead' ? 6 : 7, class: 'dot' }));
    }
    const t = when(m.at);
    if (narrow) {
      g.append(svg('text', { x: textX, y: y - 8, class: 'time' }, t));
      g.append(svg('text', { x: textX, y: y + 8, class: 'title' }, cut(m.title)));
      g.append(svg('text', { x: textX, y: y + 23, class: 'sub' }, cut(m.sub)));
    } else {
      g.append(svg('text', { x: railX - 16, y: y + 4, class: 'time', 'text-anchor': 'end' }, t.slice(5)));
      g.append(svg('text', { x: textX, y: y + 2, class: 'title' }, cut(m.title)));
      g.append(svg('text', { x: textX, y: y + 18, class: 'sub' }, cut(m.sub)));
    }
    g.append(svg('title', {}, `${m.title}\n${m.sub}`));
    const open = () => showRaw(m.title, m.raw);
    g.addEventListener('click', open);
    g.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(); } });
    pic.append(g);
  });
  box.append(pic);
}

function showRaw(title, value) {
  S.raw = { title, value };
  const pre = $('#raw');
  if (!pre) return;
  let text = '';
  if (value && (value.request !== undefined || value.response !== undefined)) {
    text = `${title}\n\n— request —\n${pretty(value.request)}\n\n— answer —\n${pretty(value.response)}`;
  } else {
    text = `${title}\n\n${pretty(value)}`;
  }
  pre.textContent = text;
  pre.hidden = false;
}

// ---- merchants ------------------------------------------------------------

// isMerchantToken tells the merchant tokens POST /_mockpay/merchants hands
// out ("mpt_…") from an admin token, to skip what they may not read.
const isMerchantToken = () => S.token.startsWith('mpt_');

async function loadMerchants() {
  try {
    if (isMerchantToken()) throw new APIError(403, { error: 'a merchant token lists its own merchants' });
    const data = await api('GET', '/_mockpay/merchants?limit=1000');
    S.merchants = data.merchants || [];
  } catch (err) {
    // A merchant token may not list every merchant (403): show its own,
    // named by its clocks.
    if (err.status !== 403) throw err;
    const clocks = await gather('/_mockpay/clock', 'clocks');
    const own = await Promise.all(clocks.map((c) =>
      api('GET', `/_mockpay/merchants/${encodeURIComponent(c.merchant)}${q({ provider: c.provider, merchant: c.merchant })}`).catch(() => null)));
    S.merchants = own.flatMap((d) => (d && d.merchants) || []);
  }
}

function liqpayRecipe(m) {
  const base = location.origin;
  return [
    `API_URL=${base}/api/request`,
    `PUBLIC_KEY=${sq(m.public_key)}`,
    `PRIVATE_KEY=${sq(m.private_key)}`,
    `JSON='{"public_key":"'$PUBLIC_KEY'","version":"3","action":"pay","amount":"1","currency":"UAH","description":"test","order_id":"order-'$(date +%s%N)'","card":"4242424242424242","card_exp_month":"12","card_exp_year":"30","card_cvv":"123"}'`,
    `DATA=$(printf '%s' "$JSON" | base64 -w0)`,
    `SIGNATURE=$(printf '%s' "$PRIVATE_KEY$DATA$PRIVATE_KEY" | openssl dgst -binary -sha1 | base64)`,
    `curl -s -XPOST "$API_URL" --data-urlencode data="$DATA" --data-urlencode signature="$SIGNATURE"`,
  ].join('\n');
}

function liquidoRecipe(m) {
  const base = location.origin;
  return [
    `BASE=${base}`,
    `TOKEN=$(curl -s -XPOST $BASE/oauth2/token -d grant_type=client_credentials -d client_id=${sq(m.client_id)} -d client_secret=${sq(m.client_secret)} | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
    `curl -s -H "Authorization: Bearer $TOKEN" -H ${sq('x-api-key: ' + m.api_key)} -H "Content-Type: application/json" $BASE/v1/payments/charges/card -d '{`,
    `  "idempotencyKey": "order-'$(date +%s%N)'", "amount": 5000, "currency": "BRL", "country": "BR",`,
    `  "paymentMethod": "CREDIT_CARD", "paymentFlow": "DIRECT",`,
    `  "payer": {"name": "Maria Silva", "email": "maria@example.com", "document": {"documentId": "12345678909", "type": "CPF"}},`,
    `  "card": {"cardHolderName": "Maria Silva", "cardNumber": "4242424242424242", "expirationMonth": "06", "expirationYear": "2029", "cvc": "123"}}'`,
  ].join('\n');
}

function keyRow(name, value) {
  if (!value) return null;
  return el('div', { class: 'key' }, el('span', { class: 'key-name' }, name), el('code', {}, value), copyButton(value));
}

function merchantCard(m) {
  const recipe = m.provider === 'liqpay' ? liqpayRecipe(m) : liquidoRecipe(m);
  const reset = el('button', {
    type: 'button', class: 'small secondary',
    onclick: async () => {
      if (!confirm(`Reset ${m.merchant}? Its payments, callbacks, journal and clock are forgotten.`)) return;
      try {
        await api('POST', `/_mockpay/reset${q({ merchant: m.merchant, provider: m.provider })}`);
        notice(`${m.merchant} reset`);
        refresh();
      } catch (err) { notice(err.message, true); }
    },
  }, 'Reset merchant');
  return el('article', { class: 'panel merchant', 'data-merchant': m.merchant },
    el('h2', {}, `${m.provider} `, el('span', { class: 'mono' }, m.merchant), el('span', { class: 'tag' }, m.source)),
    keyRow('public_key', m.public_key), keyRow('private_key', m.private_key),
    keyRow('client_id', m.client_id), keyRow('client_secret', m.client_secret), keyRow('api_key', m.api_key),
    keyRow('server_url', m.server_url), keyRow('callback_url', m.callback_url),
    el('div', { class: 'recipe-head' }, el('strong', {}, m.provider === 'liqpay' ? 'A signed payment (bash)' : 'Token, then a card charge (bash)'), copyButton(recipe, 'copy curl')),
    el('pre', { class: 'recipe', 'data-provider': m.provider }, recipe),
    el('div', { class: 'action-row' }, el('strong', {}, 'Clock'), ...clockButtons({ merchant: m.merchant, provider: m.provider }), reset));
}

function renderMerchants() {
  const list = clear($('#merchant-list'));
  if (!S.merchants.length) list.append(el('p', { class: 'hint' }, 'No merchants to show (a merchant token sees only its payments).'));
  for (const m of S.merchants) list.append(merchantCard(m));
}

async function createMerchant(e) {
  e.preventDefault();
  const body = {};
  if ($('#cm-liqpay').checked) body.liqpay = { server_url: $('#cm-server-url').value.trim() };
  if ($('#cm-liquido').checked) body.liquido = { callback_url: $('#cm-callback-url').value.trim() };
  const out = clear($('#created'));
  try {
    const made = await api('POST', '/_mockpay/merchants', body);
    out.append(el('div', { class: 'panel made' },
      el('p', {}, 'Created. The merchant token below is shown once: it sees only these merchants.'),
      keyRow('token', made.token)));
    await loadMerchants();
    renderMerchants();
  } catch (err) {
    out.append(el('p', { class: 'error' }, err.message));
  }
}

// ---- receiver audit -------------------------------------------------------

// auditReceiver runs POST /_mockpay/audit and shows each case: what the
// receiver did, and what a safe one does.
async function auditReceiver(e) {
  e.preventDefault();
  const body = { provider: $('#au-provider').value, url: $('#au-url').value.trim() };
  const merchant = $('#au-merchant').value.trim();
  const order = $('#au-order').value.trim();
  if (merchant) body.merchant = merchant;
  if (order) body.order = order;
  const out = clear($('#audit-result'));
  const button = $('#audit-receiver button[type=submit]');
  button.disabled = true;
  out.append(el('p', { class: 'hint' }, 'Sending callbacks…'));
  try {
    const rep = await api('POST', '/_mockpay/audit', body);
    clear(out).append(
      el('p', { class: rep.failed ? 'error' : 'hint' }, `${rep.passed} passed, ${rep.failed} failed`),
      el('div', { class: 'scroll' }, el('table', { class: 'grid audit' },
        el('thead', {}, el('tr', {}, ['Result', 'Kind', 'Case', 'What it did', 'A safe receiver'].map((h) => el('th', {}, h)))),
        el('tbody', {}, rep.results.map((r) => el('tr', { class: r.passed ? 'pass' : 'fail', 'data-case': r.id },
          el('td', {}, r.passed ? 'PASS' : 'FAIL'), el('td', {}, r.kind), el('td', { title: r.title }, r.id),
          el('td', {}, r.did), el('td', {}, r.safe)))))));
  } catch (err) {
    clear(out).append(el('p', { class: 'error' }, err.message));
  } finally {
    button.disabled = false;
  }
}

// ---- scenarios ------------------------------------------------------------

async function loadScenarios(problems) {
  const data = await api('GET', '/_mockpay/scenarios');
  const list = clear($('#scenario-list'));
  const byFile = new Map();
  for (const p of problems || []) {
    if (!byFile.has(p.file)) byFile.set(p.file, []);
    byFile.get(p.file).push(p);
  }
  for (const set of data.sets || []) {
    // A set loaded from a file is named by its path; others (the built-in
    // defaults, sets uploaded through the API) by their name.
    const file = set.source === 'file' ? set.name : '';
    const errs = (file && byFile.get(file)) || [];
    byFile.delete(file);
    list.append(el('article', { class: 'panel scenario-set', 'data-set': set.name },
      el('h2', {}, el('span', { class: 'mono' }, set.name), el('span', { class: 'tag' }, set.source),
        set.merchant ? el('span', { class: 'tag' }, 'merchant ' + set.merchant) : null),
      errs.length ? problemList(errs) : null,
      el('ul', { class: 'scenarios' }, (set.scenarios || []).map((s) =>
        el('li', {}, el('span', { class: 'mono' }, file ? `${file}:${s.line}` : `line ${s.line}`), ' ', el('strong', {}, s.name),
          ` (${s.provider})`, s.description ? ` — ${s.description}` : '',
          s.used ? ` · matched ${Object.values(s.used).reduce((a, b) => a + b, 0)}×` : '')))));
  }
  // Problems in files that no longer load at all.
  const box = clear($('#scenario-errors'));
  for (const [file, errs] of byFile) box.append(el('article', { class: 'panel' }, el('h2', { class: 'mono' }, file), problemList(errs)));
}

function problemList(errs) {
  return el('ul', { class: 'problems' }, errs.map((p) =>
    el('li', { class: 'error' }, el('span', { class: 'mono' }, p.line ? `${p.file}:${p.line}:${p.column}` : p.file), ' ', p.msg)));
}

// parseProblems reads "file:line:column: message" lines (reload's 422).
function parseProblems(text) {
  return String(text || '').split('\n').filter(Boolean).map((line) => {
    const m = line.match(/^(.*?):(\d+):(\d+): (.*)$/);
    return m ? { file: m[1], line: m[2], column: m[3], msg: m[4] } : { file: '', line: '', column: '', msg: line };
  });
}

async function reloadScenarios() {
  try {
    const out = await api('POST', '/_mockpay/scenarios/reload');
    notice(`scenario files re-read${out.changed && out.changed.length ? ': ' + out.changed.join(', ') : ''}`);
    await loadScenarios([]);
  } catch (err) {
    if (err.status !== 422) { notice(err.message, true); return; }
    notice('a scenario file does not load; the last good version stays', true);
    await loadScenarios(parseProblems(err.data.error));
  }
}

// ---- journal --------------------------------------------------------------

async function loadJournal() {
  // Newest first within each group; ids sort in arrival order.
  const newest = (a, b) => b.id.localeCompare(a.id);
  const [bad, all] = await Promise.all([
    gather('/_mockpay/journal?problems=1&limit=200', 'entries'),
    gather('/_mockpay/journal?limit=200', 'entries'),
  ]);
  const seen = new Set();
  const rows = [];
  for (const e of [...bad.sort(newest), ...all.sort(newest)]) {
    if (!seen.has(e.id)) { seen.add(e.id); rows.push(e); }
  }
  const body = clear($('#journal tbody'));
  for (const e of rows) {
    const problem = e.unmatched ? 'no route' : e.error ? (e.error_code || 'error') : '';
    const tr = el('tr', { class: problem ? 'problem' : null },
      el('td', { class: 'nowrap' }, when(e.at)),
      el('td', { class: 'mono' }, e.merchant || ''),
      el('td', { class: 'mono' }, `${e.method} ${e.path}${e.action && e.action !== e.route ? ' (' + e.action + ')' : ''}`),
      el('td', {}, String(e.status)),
      el('td', {}, problem ? el('span', { class: 'badge bad' }, problem) : ''));
    tr.addEventListener('click', () => {
      const pre = $('#journal-raw');
      pre.textContent = `${e.method} ${e.path}${e.query ? '?' + e.query : ''} → ${e.status}\n\n— request —\n${pretty(e.request_data || e.request_body)}\n\n— answer —\n${pretty(e.response_body)}`;
      pre.hidden = false;
    });
    body.append(tr);
  }
}

// ---- views ----------------------------------------------------------------

function show(view) {
  for (const s of document.querySelectorAll('.view')) s.hidden = s.id !== 'view-' + view;
  for (const a of document.querySelectorAll('.tabs a')) a.classList.toggle('on', a.dataset.view === view || (view === 'story' && a.dataset.view === 'payments'));
}

async function route() {
  const h = decodeURIComponent(location.hash.slice(1));
  const parts = location.hash.slice(1).split('/').map(decodeURIComponent);
  try {
    if (parts[0] === 'payment' && parts.length === 4) {
      show('story');
      await openStory(parts[1], parts[2], parts[3]);
      return;
    }
    S.story = null;
    switch (h) {
      case 'merchants': show('merchants'); await loadMerchants(); renderMerchants(); break;
      case 'scenarios': show('scenarios'); await loadScenarios([]); break;
      case 'journal': show('journal'); await loadJournal(); break;
      default: show('payments'); renderPayments();
    }
  } catch (err) {
    if (err.status !== 401) notice(err.message, true);
  }
}

async function refresh() {
  try {
    await Promise.all([loadPayments(), loadMerchants()]);
    renderPayments();
    if (S.story) await loadStory();
    else if (location.hash === '#merchants') renderMerchants();
    else if (location.hash === '#journal') await loadJournal();
  } catch (err) {
    if (err.status !== 401) notice(err.message, true);
  }
}

async function start() {
  $('#login').hidden = true;
  $('#app').hidden = false;
  try {
    await loadPayments();
  } catch (err) {
    if (err.status !== 401) notice(err.message, true);
    return;
  }
  connect();
  await route();
}

document.addEventListener('DOMContentLoaded', () => {
  setToken(S.token);
  $('#login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    S.scope = null;
    setToken($('#login-token').value.trim());
    $('#login-token').value = '';
    start();
  });
  $('#forget').addEventListener('click', () => { setToken(''); location.reload(); });
  for (const id of ['#f-merchant', '#f-provider', '#f-status']) $(id).addEventListener('change', renderPayments);
  $('#f-text').addEventListener('input', renderPayments);
  $('#create-merchant').addEventListener('submit', createMerchant);
  $('#audit-receiver').addEventListener('submit', auditReceiver);
  $('#reload').addEventListener('click', reloadScenarios);
  window.addEventListener('hashchange', route);
  let resized;
  window.addEventListener('resize', () => {
    clearTimeout(resized);
    resized = setTimeout(() => { if (S.story && S.story.data) drawTimeline(S.story); }, 150);
  });
  start();
});
