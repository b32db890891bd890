// One simulation, live: status, progress, chunks, elapsed and time left, the event log, cancel,
// downloads, and the result (leaderboard, forecast metrics or climate portfolio, with a chart) once it
// has one.
import {api, ApiError} from './api.js';
import {h, clear, badge, duration, when, number, done, TERMINAL} from './dom.js';
import {EventLog} from './event-log.js';

const ENDS = {
  'simulation.succeeded': 'SUCCEEDED',
  'simulation.partial': 'PARTIAL',
  'simulation.failed': 'FAILED',
  'simulation.cancelled': 'CANCELLED',
};
const TYPES = ['simulation.queued', 'simulation.started', 'chunk.started', 'chunk.progress', 'chunk.succeeded',
  'chunk.failed', 'chunk.replayed', 'simulation.resumed', ...Object.keys(ENDS)];

export async function render(main, {params}) {
  const id = params[0];
  let view;
  try {
    view = await api(`/api/v1/simulations/${encodeURIComponent(id)}`);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 400)) {
      main.append(h('h1', {}, 'Simulation not found'),
        h('p', {id: 'not-found'}, `There is no simulation ${id} of yours.`),
        h('p', {}, h('a', {href: '/'}, 'Back to my simulations')));
      return;
    }
    throw e;
  }

  let lastId = 0;          // the newest durable event shown: older or equal ones are duplicates
  const running = new Set();
  let source = null;
  let retry = 0;
  let closed = false;
  let resultShown = false;

  const status = h('span', {id: 'status', role: 'status'});
  const connection = h('span', {id: 'connection', class: 'muted', 'aria-live': 'polite'});
  const bar = h('progress', {id: 'progress', max: 100, value: 0, 'aria-labelledby': 'progress-label'});
  const pct = h('span', {id: 'progress-text'});
  const counts = h('dl', {class: 'counts'});
  const times = h('dl', {class: 'counts'});
  const cancel = h('button', {type: 'button', id: 'cancel', class: 'danger'}, 'Cancel simulation');
  const csv = h('a', {id: 'download-csv', class: 'button secondary', href: `/api/v1/simulations/${view.id}/result.csv`, download: ''}, 'Download CSV');
  const json = h('a', {id: 'download-json', class: 'button secondary', href: `/api/v1/simulations/${view.id}/result`, download: `simulation-${view.id}.json`}, 'Download JSON');
  const actionError = h('p', {class: 'error', role: 'alert', id: 'action-error'});
  const result = h('section', {id: 'result', 'aria-labelledby': 'result-title', hidden: true});
  // A forecast fills a chart as its days come in (progress events), until the result replaces it.
  const live = h('section', {id: 'live', 'aria-labelledby': 'live-title', hidden: true},
    h('h2', {id: 'live-title'}, 'Forecasts so far'),
    h('div', {id: 'live-chart', class: 'chart', role: 'img', 'aria-label': 'actual and each agent\'s predictions by day, so far'}));
  const days = new Map(); // day -> {actual, predictions: Map(agent -> prediction)}
  const agents = new Set();
  let liveChart = null; // the chart, once its module has loaded (a promise)
  let liveDue = null;
  const log = new EventLog();

  function draw() {
    clear(status).append(badge(view.status));
    const p = Math.round(done(view) * 1000) / 10;
    bar.value = p;
    pct.textContent = `${p}%`;
    const c = view.chunks;
    const run = running.size || c.running;
    clear(counts).append(
      h('div', {}, h('dt', {}, 'Chunks done'), h('dd', {id: 'chunks-done'}, `${c.succeeded} of ${c.total}`)),
      h('div', {}, h('dt', {}, 'Running'), h('dd', {id: 'chunks-running'}, String(TERMINAL.has(view.status) ? 0 : run))),
      h('div', {}, h('dt', {}, 'Failed'), h('dd', {id: 'chunks-failed'}, String(c.failed))));
    cancel.hidden = !(view.status === 'QUEUED' || view.status === 'RUNNING');
    const hasResult = view.status === 'SUCCEEDED' || view.status === 'PARTIAL';
    csv.hidden = !hasResult;
    json.hidden = !hasResult;
    tick();
    if (hasResult && !resultShown) {
      resultShown = true;
      showResult();
    }
  }

  function tick() {
    const start = view.startedAt ? Date.parse(view.startedAt) : null;
    const end = view.finishedAt ? Date.parse(view.finishedAt) : Date.now();
    const elapsed = start ? end - start : null;
    const p = view.progress || 0;
    const left = !TERMINAL.has(view.status) && start && p > 0 ? (elapsed * (1 - p)) / p : null;
    clear(times).append(
      h('div', {}, h('dt', {}, 'Created'), h('dd', {}, when(view.createdAt))),
      h('div', {}, h('dt', {}, 'Elapsed'), h('dd', {id: 'elapsed'}, duration(elapsed))),
      h('div', {}, h('dt', {}, 'Time left'), h('dd', {id: 'eta'}, TERMINAL.has(view.status) ? '—' : left == null ? 'estimating…' : '≈ ' + duration(left))));
  }
  const clock = setInterval(tick, 1000);

  function onEvent(type, m) {
    const e = JSON.parse(m.data);
    e.type ??= type;
    if (e.id != null) {
      if (e.id <= lastId) return; // a duplicate: at-least-once delivery, or a replay after a reconnect
      lastId = e.id;
    }
    const d = e.data || {};
    switch (type) {
      case 'simulation.started': view.status = 'RUNNING'; view.startedAt ??= e.at; break;
      case 'simulation.resumed': view.status = 'RUNNING'; view.finishedAt = null; resultShown = false; break;
      case 'chunk.started': running.add(d.chunk); if (view.status === 'QUEUED') view.status = 'RUNNING'; view.startedAt ??= e.at; break;
      case 'chunk.succeeded':
        running.delete(d.chunk);
        view.chunks.succeeded = d.chunksDone;
        view.progress = d.chunkCount ? d.chunksDone / d.chunkCount : view.progress;
        break;
      case 'chunk.failed': running.delete(d.chunk); if (!d.willRetry) view.chunks.failed++; break;
      default:
        if (ENDS[type]) {
          view.status = ENDS[type];
          view.finishedAt ??= e.at;
          if (type === 'simulation.failed') view.error = d.error;
        }
    }
    if (type === 'chunk.progress' && d.day != null && d.agent != null && !resultShown) progress(d);
    if (type !== 'chunk.progress') log.add(e);
    draw();
    if (ENDS[type]) refresh();
  }

  function progress(d) {
    let day = days.get(d.day);
    if (!day) days.set(d.day, day = {actual: d.actual ?? null, predictions: new Map()});
    agents.add(d.agent);
    day.predictions.set(d.agent, d.prediction ?? null);
    // At most one redraw a second, however fast the events come.
    liveDue ??= setTimeout(drawLive, live.hidden ? 0 : 1000);
  }

  async function drawLive() {
    liveDue = null;
    if (resultShown) return;
    live.hidden = false;
    const el = live.querySelector('#live-chart');
    liveChart ??= import('./chart.js').then((m) => m.liveForecast(el));
    const chart = await liveChart;
    if (resultShown) return;
    const order = [...days.keys()].sort((a, b) => a - b);
    const byAgent = new Map([...agents].map((a) => [a, order.map((x) => days.get(x).predictions.get(a) ?? null)]));
    chart.update(order, order.map((x) => days.get(x).actual), byAgent);
    el.dataset.days = String(order.length);
  }

  /** The server's view after an end: the exact counts and times. */
  async function refresh() {
    try { view = await api(`/api/v1/simulations/${view.id}`); draw(); } catch { /* the stream's view stands */ }
  }

  function connect() {
    // EventSource resumes by itself with Last-Event-ID; after a refused reconnect (it gives up) a
    // new one resumes with ?lastEventId= from the newest event shown.
    source = new EventSource(`/api/v1/simulations/${view.id}/events${lastId ? `?lastEventId=${lastId}` : ''}`);
    source.onopen = () => { retry = 0; connection.textContent = 'live'; };
    source.onerror = () => {
      if (closed) return;
      connection.textContent = 'reconnecting…';
      if (source.readyState === EventSource.CLOSED) {
        retry = Math.min(retry + 1, 5);
        setTimeout(() => closed || connect(), 1000 * retry);
      }
    };
    source.addEventListener('snapshot', (m) => {
      const snap = JSON.parse(m.data);
      view = snap;
      running.clear();
      draw();
      if (TERMINAL.has(view.status)) end();
    });
    for (const type of TYPES) {
      source.addEventListener(type, (m) => {
        onEvent(type, m);
        if (ENDS[type]) end();
      });
    }
  }

  function end() {
    closed = true;
    source?.close();
    connection.textContent = 'ended';
  }

  cancel.addEventListener('click', async () => {
    actionError.textContent = '';
    cancel.disabled = true;
    try {
      view = await api(`/api/v1/simulations/${view.id}/cancel`, {method: 'POST'});
      draw();
    } catch (e) {
      actionError.textContent = e.message;
    } finally {
      cancel.disabled = false;
    }
  });

  async function showResult() {
    const r = await api(`/api/v1/simulations/${view.id}/result`);
    live.hidden = true;
    liveChart?.then((c) => c.stop());
    result.hidden = false;
    clear(result).append(h('h2', {id: 'result-title'}, 'Result'));
    const chart = h('div', {id: 'chart', class: 'chart', role: 'img', 'aria-label': 'result chart'});
    if (Array.isArray(r.leaderboard)) {
      result.append(leaderboard(r), chart);
    } else if (Array.isArray(r.agents)) {
      result.append(forecast(r), chart);
    } else if (Array.isArray(r.portfolio)) {
      result.append(climate(r), chart);
    } else {
      result.append(h('pre', {}, JSON.stringify(r, null, 2).slice(0, 5000)));
      return;
    }
    const {drawChart} = await import('./chart.js');
    drawChart(chart, r);
  }

  main.append(
    h('div', {class: 'title'}, h('h1', {}, view.name || `Simulation ${view.id}`), status),
    h('p', {class: 'muted'}, `${view.kind} · ${view.id} · `, connection),
    h('div', {class: 'card'},
      h('div', {class: 'progress'}, h('span', {id: 'progress-label'}, 'Progress'), bar, pct),
      counts, times,
      h('div', {class: 'toolbar'}, cancel, csv, json), actionError,
      view.error ? h('p', {class: 'error', id: 'error'}, view.error) : ''),
    live, result, log.el);
  draw();
  if (TERMINAL.has(view.status)) connection.textContent = 'ended';
  connect();
  return () => { closed = true; source?.close(); clearInterval(clock); clearTimeout(liveDue); liveChart?.then((c) => c.stop()); };
}

function leaderboard(r) {
  const top = r.leaderboard.slice(0, 20);
  const params = (p) => Object.entries(p || {}).map(([k, v]) => `${k}=${v}`).join(', ');
  return h('div', {class: 'scroll'}, h('table', {id: 'leaderboard'},
    h('caption', {}, `Leaderboard: the best ${top.length} of ${r.units} units by Sharpe`),
    h('thead', {}, h('tr', {}, ['Rank', 'Symbol', 'Parameters', 'Sharpe', 'Total return', 'Max drawdown', 'Trades']
      .map((c) => h('th', {scope: 'col'}, c)))),
    h('tbody', {}, top.map((u, i) => h('tr', {},
      h('td', {}, String(i + 1)), h('td', {}, u.symbol), h('td', {}, params(u.params)),
      h('td', {}, number(u.sharpe)), h('td', {}, number(u.totalReturn)), h('td', {}, number(u.maxDrawdown)),
      h('td', {}, String(u.trades)))))));
}

function forecast(r) {
  const row = (name, m) => h('tr', {}, h('td', {}, name), h('td', {}, number(m?.mae)), h('td', {}, number(m?.rmse)),
    h('td', {}, number(m?.mape)), h('td', {}, number(m?.directionAccuracy)));
  return h('div', {class: 'scroll'}, h('table', {id: 'leaderboard'},
    h('caption', {}, `Agents over ${r.daysRan ?? r.days} days; best: ${r.best}`),
    h('thead', {}, h('tr', {}, ['Agent', 'MAE', 'RMSE', 'MAPE', 'Direction accuracy'].map((c) => h('th', {scope: 'col'}, c)))),
    h('tbody', {}, r.agents.map((a) => row(a.name, a.metrics)), row(`ensemble (${r.ensemble})`, r.ensembleMetrics))));
}

function climate(r) {
  // Per scenario, the portfolio in its first and last year: total AAL, as a share of value, top sites.
  const ends = [];
  for (const [i, p] of r.portfolio.entries()) {
    const next = r.portfolio[i + 1];
    if (i === 0 || r.portfolio[i - 1].scenario !== p.scenario || !next || next.scenario !== p.scenario) ends.push(p);
  }
  const money = (x) => Math.round(x).toLocaleString('en');
  return h('div', {class: 'scroll'}, h('table', {id: 'portfolio'},
    h('caption', {}, `Portfolio AAL over ${r.units} units, first and last year per scenario`),
    h('thead', {}, h('tr', {}, ['Scenario', 'Year', 'Total AAL', 'AAL / value', 'Top sites (AAL)']
      .map((c) => h('th', {scope: 'col'}, c)))),
    h('tbody', {}, ends.map((p) => h('tr', {},
      h('td', {}, p.scenario), h('td', {}, String(p.year)), h('td', {}, money(p.totalAal)),
      h('td', {}, `${number(100 * p.totalAal / p.assetValue, 3)}%`),
      h('td', {}, p.topSites.slice(0, 3).map((t) => `${t.site} (${money(t.aal)})`).join(', ')))))));
}
