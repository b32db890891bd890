// Batches, for operators: each batch with its policies, a "Run now" button, and its latest runs
// (status, trigger, schedule time, why it ended); a run opens to its simulations. Runs are read
// again every few seconds while the page is shown.
import {api} from './api.js';
import {h, clear, badge, when} from './dom.js';
import {problem} from './datasets.js';

const RUNS = 10;
const EVERY_MS = 3000;

export async function render(main, {me}) {
  main.append(h('h1', {}, 'Batches'));
  if (!me.operator) {
    main.append(h('p', {id: 'not-operator'}, 'Batches are for operators.'));
    return;
  }
  const errors = h('div', {id: 'batch-errors', class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true});
  const done = h('p', {id: 'batch-done', role: 'status', class: 'muted'});
  const list = h('div', {id: 'batches'});
  const empty = h('p', {class: 'muted', id: 'no-batches', hidden: true},
    'No batches yet. Define one with PUT /api/v1/batches/{name} (see the API reference).');
  main.append(
    h('p', {class: 'muted'}, 'Named lists of simulations that Cloud Scheduler starts, or you start here.'),
    errors, done, list, empty);

  const open = new Set();     // runs whose simulations are shown
  const sections = new Map(); // batch name -> its runs' tbody

  async function runNow(name, button) {
    errors.hidden = true;
    done.textContent = '';
    button.disabled = true;
    try {
      const run = await api(`/api/v1/batches/${encodeURIComponent(name)}/runs`, {method: 'POST'});
      done.textContent = `Batch ${name}: run ${run.id} is ${run.status}${run.reason ? ' (' + run.reason + ')' : ''}.`;
      await refresh(name);
    } catch (x) {
      problem(errors, x, `Batch ${name} did not start`);
      errors.focus();
    } finally {
      button.disabled = false;
    }
  }

  function batch(b) {
    const runs = h('tbody');
    sections.set(b.name, runs);
    const button = h('button', {type: 'button', class: 'small', dataset: {run: b.name},
      'aria-label': `Run batch ${b.name} now`}, 'Run now');
    button.addEventListener('click', () => runNow(b.name, button));
    return h('section', {class: 'batch', dataset: {batch: b.name}, 'aria-labelledby': `batch-${b.name}`},
      h('h2', {id: `batch-${b.name}`}, b.name, ' ', button),
      h('dl', {class: 'counts'},
        h('div', {}, h('dt', {}, 'Simulations'), h('dd', {}, String(b.simulations.length))),
        h('div', {}, h('dt', {}, 'Overlap'), h('dd', {}, b.overlap)),
        h('div', {}, h('dt', {}, 'Deadline'), h('dd', {}, b.deadline || 'none')),
        h('div', {}, h('dt', {}, 'Fail fast first'), h('dd', {}, String(b.failFastFirst))),
        h('div', {}, h('dt', {}, 'Changed'), h('dd', {}, when(b.updatedAt)))),
      h('div', {class: 'scroll'}, h('table', {class: 'runs'},
        h('caption', {class: 'sr-only'}, `Latest runs of ${b.name}, newest first`),
        h('thead', {}, h('tr', {}, ['Run', 'Status', 'Trigger', 'Scheduled for', 'Started', 'Ended', 'Why']
          .map((c) => h('th', {scope: 'col'}, c)))),
        runs)));
  }

  async function simulations(name, run, cell) {
    const detail = await api(`/api/v1/batches/${encodeURIComponent(name)}/runs/${run.id}`);
    clear(cell).append(h('ol', {start: 0, class: 'run-simulations'},
      (detail.simulations ?? []).map((s) => h('li', {dataset: {id: s.id, status: s.status}},
        h('a', {href: `/simulations/${s.id}`}, s.name || s.kind), ' ',
        badge(s.status)))));
  }

  function runRow(name, r) {
    const toggle = h('button', {type: 'button', class: 'link', 'aria-expanded': String(open.has(r.id)),
      'aria-label': `Simulations of run ${r.id}`}, r.id.slice(0, 8));
    const rows = [h('tr', {dataset: {run: r.id, status: r.status}},
      h('td', {}, toggle),
      h('td', {}, badge(r.status)),
      h('td', {}, r.trigger),
      h('td', {}, when(r.scheduleTime)),
      h('td', {}, when(r.createdAt)),
      h('td', {}, when(r.endedAt)),
      h('td', {class: 'name'}, r.reason || ''))];
    if (open.has(r.id)) {
      const cell = h('td', {colspan: 7}, 'Loading…');
      rows.push(h('tr', {class: 'run-detail', dataset: {detail: r.id}}, cell));
      simulations(name, r, cell).catch(() => { cell.textContent = 'Could not read the run.'; });
    }
    toggle.addEventListener('click', () => {
      if (open.has(r.id)) open.delete(r.id); else open.add(r.id);
      refresh(name);
    });
    return rows;
  }

  async function refresh(name) {
    const tbody = sections.get(name);
    if (!tbody) return;
    const page = await api(`/api/v1/batches/${encodeURIComponent(name)}/runs?limit=${RUNS}`);
    const items = page.items ?? []; // an empty list is left out of the answer
    clear(tbody).append(...items.flatMap((r) => runRow(name, r)));
    if (items.length === 0) tbody.append(h('tr', {}, h('td', {colspan: 7, class: 'muted'}, 'No runs yet.')));
  }

  const batches = (await api('/api/v1/batches')).items ?? [];
  batches.forEach((b) => list.append(batch(b)));
  empty.hidden = batches.length > 0;
  await Promise.all(batches.map((b) => refresh(b.name)));
  const timer = setInterval(() => {
    for (const name of sections.keys()) refresh(name).catch(() => {});
  }, EVERY_MS);
  return () => clearInterval(timer);
}
