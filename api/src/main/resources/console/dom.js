// A tiny DOM builder: h('a', {href: '/'}, 'text', child). No innerHTML anywhere: text stays text.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

export function duration(ms) {
  if (ms == null || !isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return hh > 0 ? `${hh}h ${mm}m ${ss}s` : mm > 0 ? `${mm}m ${ss}s` : `${ss}s`;
}

export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '—';
}

export function number(x, digits = 3) {
  return x === null || x === undefined ? '—' : Number(x).toFixed(digits);
}

export const TERMINAL = new Set(['SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED']);
export const STATUSES = ['QUEUED', 'RUNNING', 'CANCELLING', 'SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED'];

export function badge(status) {
  return h('span', {class: `badge s-${String(status).toLowerCase()}`, 'data-status': status}, status);
}

/**
 * How much of the work is done: the api's progress while it runs; once ended, the chunks that
 * succeeded (a cancelled or failed run's chunks are finished, not done).
 */
export function done(view) {
  if (view.status === 'SUCCEEDED') return 1;
  const c = view.chunks;
  if (TERMINAL.has(view.status) && c && c.total) return c.succeeded / c.total;
  return view.progress || 0;
}
