// My simulations, newest first, filtered by status (by the api) and kind (here), kept live by the
// owner stream /api/v1/events.
import {api} from './api.js';
import {h, clear, badge, when, done, STATUSES, TERMINAL} from './dom.js';

const KINDS = ['strategy-backtest', 'forecast-backtest', 'climate-risk'];
const PAGE = 50;

const STATUS_OF = {
  'simulation.started': 'RUNNING',
  'simulation.resumed': 'RUNNING',
  'simulation.succeeded': 'SUCCEEDED',
  'simulation.partial': 'PARTIAL',
  'simulation.failed': 'FAILED',
  'simulation.cancelled': 'CANCELLED',
};

export async function render(main, {query, navigate}) {
  const status = STATUSES.includes(query.get('status')) ? query.get('status') : '';
  const kind = query.get('kind') || '';
  const rows = new Map(); // simulation id -> {view, tr}
  const body = h('tbody');
  const empty = h('p', {class: 'muted', id: 'empty', hidden: true}, 'No simulations yet. ',
    h('a', {href: '/simulations/new'}, 'Start one'), '.');
  const more = h('button', {type: 'button', class: 'secondary', hidden: true}, 'Show older');
  const live = h('span', {class: 'muted', id: 'live', 'aria-live': 'polite'}, 'connecting…');
  let cursor = null;

  function filterControl(id, label, value, options) {
    const select = h('select', {id, name: id},
      h('option', {value: ''}, 'All'),
      options.map((o) => h('option', {value: o, selected: o === value}, o)));
    select.addEventListener('change', () => {
      const q = new URLSearchParams(location.search);
      if (select.value) q.set(id, select.value); else q.delete(id);
      navigate('/' + (q.toString() ? '?' + q : ''), {replace: true});
    });
    return h('div', {class: 'field inline'}, h('label', {for: id}, label), select);
  }

  const matches = (v) => (!status || v.status === status) && (!kind || v.kind === kind);

  function row(v) {
    const pct = Math.round(done(v) * 100);
    return h('tr', {dataset: {id: v.id, status: v.status}},
      h('td', {class: 'name'}, h('a', {href: `/simulations/${v.id}`}, v.name || v.id)),
      h('td', {}, v.kind),
      h('td', {}, badge(v.status)),
      h('td', {}, h('progress', {max: 100, value: pct, 'aria-label': `progress of ${v.name || v.id}`}), ` ${pct}%`),
      h('td', {}, when(v.createdAt)));
  }

  function put(v, {top = false} = {}) {
    const old = rows.get(v.id);
    if (!matches(v)) {
      if (old) { old.tr.remove(); rows.delete(v.id); }
      return;
    }
    const tr = row(v);
    if (old) old.tr.replaceWith(tr);
    else if (top) body.prepend(tr);
    else body.append(tr);
    rows.set(v.id, {view: v, tr});
    empty.hidden = rows.size > 0;
  }

  async function load() {
    const q = new URLSearchParams({limit: PAGE});
    if (status) q.set('status', status);
    if (cursor) q.set('cursor', cursor);
    const page = await api('/api/v1/simulations?' + q);
    page.items.forEach((v) => put(v));
    cursor = page.nextCursor;
    more.hidden = !cursor;
    empty.hidden = rows.size > 0;
  }
  more.addEventListener('click', load);

  main.append(
    h('div', {class: 'title'}, h('h1', {}, 'My simulations'), h('a', {class: 'button', href: '/simulations/new'}, 'New simulation')),
    h('form', {class: 'filters', role: 'search', 'aria-label': 'Filter simulations'},
      filterControl('status', 'Status', status, STATUSES), filterControl('kind', 'Kind', kind, KINDS), live),
    h('div', {class: 'scroll'}, h('table', {id: 'simulations'},
      h('caption', {class: 'sr-only'}, 'My simulations, newest first'),
      h('thead', {}, h('tr', {}, ['Name', 'Kind', 'Status', 'Progress', 'Created'].map((c) => h('th', {scope: 'col'}, c)))),
      body)),
    empty, more);
  await load();

  // Live: every event of my simulations. A new one is read once and put on top; known ones change
  // in place. The owner stream does not replay: the list above was read before it opened.
  const events = new EventSource('/api/v1/events');
  events.onopen = () => { live.textContent = 'live'; };
  events.onerror = () => { live.textContent = events.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting…'; };
  const fetching = new Set();
  const on = (type, f) => events.addEventListener(type, (m) => f(JSON.parse(m.data)));
  on('simulation.queued', async (e) => {
    if (rows.has(e.simulationId) || fetching.has(e.simulationId)) return;
    fetching.add(e.simulationId);
    try { put(await api(`/api/v1/simulations/${e.simulationId}`), {top: true}); } finally { fetching.delete(e.simulationId); }
  });
  for (const [type, s] of Object.entries(STATUS_OF)) {
    on(type, (e) => {
      const known = rows.get(e.simulationId);
      if (known && !(TERMINAL.has(known.view.status) && s === 'RUNNING' && type === 'simulation.started')) {
        put({...known.view, status: s, progress: s === 'SUCCEEDED' ? 1 : known.view.progress});
      }
    });
  }
  on('chunk.succeeded', (e) => {
    const known = rows.get(e.simulationId);
    if (known && e.data.chunkCount) {
      put({...known.view, status: TERMINAL.has(known.view.status) ? known.view.status : 'RUNNING',
        progress: Math.max(known.view.progress || 0, e.data.chunksDone / e.data.chunkCount)});
    }
  });
  return () => events.close();
}
