/* global document, window, location, fetch, WebSocket, sessionStorage, setTimeout, setInterval, clearInterval, URLSearchParams, CSS */
// Fillwire dashboard: plain ES module, no build step. REST to order-api (this origin), live frames
// from notifier's WebSocket (ws://<host>:3001/ws unless ?ws=<url> says otherwise).

const params = new URLSearchParams(location.search);
const WS_URL =
  params.get('ws') || `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.hostname}:3001/ws`;
const POLL_MS = 2000;
const $ = (sel) => document.querySelector(sel);

const state = {
  token: sessionStorage.getItem('fillwire.token'),
  userId: null,
  accounts: [],
  mode: 'unknown',
  orders: new Map(),
  positions: new Map(),
  lastEventId: null,
  socket: null,
  retry: 0,
  reconnectTimer: null,
  pollTimer: null,
  selected: null,
};

async function api(method, path, body) {
  const headers = { authorization: `Bearer ${state.token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST' && path === '/v1/orders')
    headers['idempotency-key'] = `dash-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error(json.message ? [].concat(json.message).join('; ') : `HTTP ${res.status}`);
    err.status = res.status;
    throw err;
  }
  return json;
}

// ---- sign in ---------------------------------------------------------------------------------

async function signIn(apiKey) {
  // A session token keeps the API key out of the WebSocket URL; fall back to the key itself.
  const res = await fetch('/v1/sessions', { method: 'POST', headers: { authorization: `Bearer ${apiKey}` } });
  if (res.status === 401) throw new Error('wrong API key');
  state.token = res.ok ? (await res.json()).token : apiKey;
  sessionStorage.setItem('fillwire.token', state.token);
  await start();
}

function signOut() {
  sessionStorage.removeItem('fillwire.token');
  location.reload();
}

async function start() {
  $('#signin').hidden = true;
  $('#app').hidden = false;
  $('#signout').hidden = false;
  // A Zerodha account without today's Kite session fails the broker reads: say so, offer the login
  // and keep the screen; only a refused token (401) signs out.
  const loads = await Promise.allSettled([loadKiteSessions(), loadMode(), loadOrders(), loadPositions()]);
  const failures = loads.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  const refused = failures.find((err) => err.status === 401);
  if (refused) throw refused;
  for (const err of failures) toast(err.message, 'error');
  connect();
}

// ---- Zerodha daily login -------------------------------------------------------------------------

async function loadKiteSessions() {
  const { sessions } = await api('GET', '/v1/brokers/zerodha/session');
  // In demo mode order-api logs in to the simulator by itself: nothing to connect.
  const missing = sessions.filter((s) => !s.active && !s.demoLogin);
  const bar = $('#kite-connect');
  bar.querySelectorAll('button').forEach((b) => b.remove());
  for (const s of missing) {
    const button = document.createElement('button');
    button.textContent = `Connect Zerodha ${s.accountId}`;
    button.dataset.accountId = s.accountId;
    button.addEventListener('click', () => void connectKite(s.accountId, button));
    bar.append(button);
  }
  bar.hidden = missing.length === 0;
}

async function connectKite(accountId, button) {
  button.disabled = true;
  try {
    // As JSON: a redirect to Kite could not be followed by fetch; the browser goes there itself.
    const res = await fetch(`/v1/brokers/zerodha/login?accountId=${encodeURIComponent(accountId)}`, {
      headers: { authorization: `Bearer ${state.token}`, accept: 'application/json' },
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(json.message || `HTTP ${res.status}`);
    location.assign(json.loginUrl);
  } catch (err) {
    button.disabled = false;
    toast(`Zerodha login: ${err.message}`, 'error');
  }
}

// ---- REST state --------------------------------------------------------------------------------

async function loadMode() {
  try {
    const m = await api('GET', '/v1/me/mode');
    state.mode = m.mode;
  } catch {
    state.mode = 'unknown';
  }
  const badge = $('#mode');
  badge.dataset.mode = state.mode;
  badge.textContent =
    state.mode === 'event-driven' ? 'real-time' : state.mode === 'polling' ? 'polling' : 'mode unknown';
  clearInterval(state.pollTimer);
  // Users on polling get their updates by REST, as before the rollout.
  if (state.mode === 'polling') state.pollTimer = setInterval(() => void refresh(), POLL_MS);
}

async function refresh() {
  await Promise.all([loadOrders(), loadPositions()]).catch(() => undefined);
}

async function loadOrders() {
  const { orders } = await api('GET', '/v1/orders');
  for (const o of orders) upsertOrder(o);
}

async function loadPositions() {
  const { positions } = await api('GET', '/v1/positions');
  for (const p of positions) upsertPosition(p);
}

// ---- WebSocket ---------------------------------------------------------------------------------

function setConnection(text, stateName) {
  const badge = $('#connection');
  badge.textContent = text;
  badge.dataset.state = stateName;
}

function connect() {
  const url = new URL(WS_URL);
  url.searchParams.set('token', state.token);
  if (state.lastEventId) url.searchParams.set('lastEventId', state.lastEventId);
  const ws = new WebSocket(url);
  state.socket = ws;
  setConnection(state.retry ? 'reconnecting…' : 'connecting…', 'reconnecting');
  ws.onopen = () =>
    ws.send(
      JSON.stringify({ action: 'subscribe', channels: ['orders', 'trades', 'positions', 'notifications'] }),
    );
  ws.onmessage = (msg) => onFrame(JSON.parse(msg.data));
  ws.onclose = (ev) => {
    if (state.socket !== ws) return;
    if (ev.code === 4401) {
      setConnection('signed out', 'offline');
      signOut();
      return;
    }
    state.retry++;
    setConnection(`reconnecting (${ev.code})`, 'reconnecting');
    const delay = Math.min(500 * 2 ** Math.min(state.retry, 5), 10000);
    state.reconnectTimer = setTimeout(connect, delay);
  };
}

function onFrame(frame) {
  if (typeof frame.id === 'string' && frame.event !== 'resync') state.lastEventId = frame.id;
  switch (frame.event) {
    case 'authenticated':
      state.userId = frame.data.userId;
      state.accounts = frame.data.accounts;
      $('#user').textContent = frame.data.userId;
      fillAccounts();
      return;
    case 'subscribed':
      state.retry = 0;
      setConnection('live', 'live');
      return;
    case 'resync':
      state.lastEventId = frame.id;
      state.orders.clear();
      state.positions.clear();
      $('#orders tbody').textContent = '';
      $('#positions tbody').textContent = '';
      for (const o of frame.data.orders) upsertOrder(o);
      for (const p of frame.data.positions) upsertPosition(p);
      return;
    case 'order_update':
    case 'order_event':
      if (frame.data.order) upsertOrder(frame.data.order, true);
      if (state.selected && frame.data.order && frame.data.order.brokerOrderId === state.selected)
        void showTimeline(state.selected);
      return;
    case 'position_update':
      upsertPosition(frame.data, true);
      return;
    case 'order_notification':
      toast(frame.data.message, frame.data.level);
      return;
    case 'error':
      toast(frame.data.message, 'error');
      return;
    default:
  }
}

// ---- rendering ---------------------------------------------------------------------------------

const RANK = {
  PENDING: 0,
  OPEN: 1,
  TRIGGER_PENDING: 1,
  PARTIALLY_FILLED: 2,
  FILLED: 3,
  CANCELLED: 3,
  REJECTED: 3,
};
const OPEN_STATUSES = new Set(['PENDING', 'OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED']);

function cell(text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function fmt(n) {
  return typeof n === 'number' ? n.toFixed(2) : '';
}

function upsertOrder(order, flash = false) {
  const id = order.brokerOrderId || order.orderId;
  const known = state.orders.get(id);
  // Never let a late frame or a poll move a row backwards.
  if (
    known &&
    (RANK[known.status] > RANK[order.status] ||
      (RANK[known.status] === RANK[order.status] && known.filledQuantity > order.filledQuantity))
  )
    return;
  state.orders.set(id, order);
  let row = document.querySelector(`#orders tr[data-order-id="${CSS.escape(id)}"]`);
  if (!row) {
    row = document.createElement('tr');
    row.dataset.orderId = id;
    row.className = 'clickable';
    row.addEventListener('click', () => void showTimeline(id));
    $('#orders tbody').prepend(row);
  }
  const time = new Date(order.brokerTimestamp || Date.now()).toLocaleTimeString();
  const actions = document.createElement('td');
  if (OPEN_STATUSES.has(order.status)) {
    const cancel = document.createElement('button');
    cancel.textContent = 'Cancel';
    cancel.className = 'cancel';
    cancel.addEventListener('click', (ev) => {
      ev.stopPropagation();
      cancel.disabled = true;
      api('DELETE', `/v1/orders/${encodeURIComponent(id)}`).catch((err) => {
        cancel.disabled = false;
        toast(`cancel ${id}: ${err.message}`, 'error');
      });
    });
    actions.append(cancel);
  }
  row.replaceChildren(
    cell(time),
    cell(id),
    cell(order.accountId),
    cell(order.side),
    cell(order.symbol),
    cell(String(order.quantity)),
    cell(String(order.filledQuantity)),
    cell(fmt(order.averagePrice)),
    cell(order.status, `status status-${order.status}`),
    actions,
  );
  row.dataset.status = order.status;
  if (flash) {
    row.classList.remove('flash');
    void row.offsetWidth;
    row.classList.add('flash');
  }
}

function upsertPosition(p, flash = false) {
  const key = `${p.accountId}|${p.exchange}|${p.symbol}|${p.product}`;
  state.positions.set(key, p);
  let row = document.querySelector(`#positions tr[data-key="${CSS.escape(key)}"]`);
  if (!row) {
    row = document.createElement('tr');
    row.dataset.key = key;
    $('#positions tbody').append(row);
  }
  const pnl = (v) => cell(fmt(v ?? null), v > 0 ? 'pos' : v < 0 ? 'neg' : '');
  row.replaceChildren(
    cell(p.accountId),
    cell(p.symbol),
    cell(p.product),
    cell(String(p.netQuantity)),
    cell(fmt(p.averagePrice)),
    cell(fmt(p.lastPrice ?? null)),
    pnl(p.realizedPnl),
    pnl(p.unrealizedPnl),
  );
  if (flash) row.classList.add('flash');
}

async function showTimeline(id) {
  state.selected = id;
  try {
    const order = await api('GET', `/v1/orders/${encodeURIComponent(id)}`);
    $('#timeline-order').textContent = id;
    const rows = (order.timeline || []).map((t) => {
      const tr = document.createElement('tr');
      tr.append(
        cell(new Date(t.at).toLocaleTimeString()),
        cell(t.event),
        cell(t.channel ?? ''),
        cell(t.status ?? ''),
        cell(t.filledQuantity ?? ''),
        cell(t.latencyMs ?? ''),
        cell(t.verdict ?? ''),
      );
      return tr;
    });
    $('#timeline tbody').replaceChildren(...rows);
    $('#timeline').hidden = false;
  } catch (err) {
    toast(`timeline: ${err.message}`, 'error');
  }
}

function toast(message, level = 'info') {
  const el = document.createElement('div');
  el.className = `toast ${level}`;
  el.textContent = message;
  $('#toasts').append(el);
  setTimeout(() => el.remove(), 6000);
}

function fillAccounts() {
  const select = $('#account');
  select.replaceChildren(
    ...state.accounts.map((a) => {
      const o = document.createElement('option');
      o.textContent = a;
      return o;
    }),
  );
}

// ---- forms ---------------------------------------------------------------------------------------

$('#signin-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  $('#signin-error').textContent = '';
  signIn($('#apikey').value.trim()).catch((err) => ($('#signin-error').textContent = err.message));
});

$('#signout').addEventListener('click', signOut);

$('#order-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const f = new window.FormData(ev.target);
  const body = {
    accountId: f.get('accountId'),
    symbol: String(f.get('symbol')).trim().toUpperCase(),
    exchange: f.get('exchange'),
    side: f.get('side'),
    quantity: Number(f.get('quantity')),
    orderType: f.get('orderType'),
    product: f.get('product'),
  };
  if (f.get('price')) body.price = Number(f.get('price'));
  if (f.get('triggerPrice')) body.triggerPrice = Number(f.get('triggerPrice'));
  $('#order-error').textContent = '';
  $('#place').disabled = true;
  api('POST', '/v1/orders', body)
    .then((placed) => {
      // The placement answer is flat (orderId, status PENDING, ...); frames bring the rest.
      if (placed && placed.orderId && !state.orders.has(placed.orderId)) {
        upsertOrder(
          {
            brokerOrderId: placed.orderId,
            filledQuantity: 0,
            averagePrice: 0,
            brokerTimestamp: Date.parse(placed.placedAt),
            ...placed,
          },
          true,
        );
      }
    })
    .catch((err) => ($('#order-error').textContent = err.message))
    .finally(() => ($('#place').disabled = false));
});

if (state.token) {
  start().catch((err) => (err.status === 401 ? signOut() : toast(err.message, 'error')));
}
