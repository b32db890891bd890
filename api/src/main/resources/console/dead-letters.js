// Dead letters: chunks that failed for good. Everyone sees their own; an operator sees everyone's,
// with the owner shown. Read the failure, replay the chunk (202: it runs again) or discard it;
// a refusal (409: already resolved, the chunk succeeded since, the simulation was cancelled) is shown.
import {api} from './api.js';
import {h, clear, when} from './dom.js';
import {problem} from './datasets.js';

const STATUSES = ['OPEN', 'REPLAYED', 'DISCARDED'];
const PAGE = 50;

export async function render(main, {me, query, navigate}) {
  const operator = !!me.operator;
  const root = operator ? '/api/v1/admin/dead-letters' : '/api/v1/dead-letters';
  const status = STATUSES.includes(query.get('status')) ? query.get('status') : '';
  const body = h('tbody');
  const empty = h('p', {class: 'muted', id: 'no-dead-letters', hidden: true}, 'No dead letters.');
  const errors = h('div', {id: 'dead-letter-errors', class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true});
  const done = h('p', {id: 'dead-letter-done', role: 'status', class: 'muted'});
  const more = h('button', {type: 'button', class: 'secondary', hidden: true}, 'Show older');
  let cursor = null;

  const select = h('select', {id: 'dl-status', name: 'status'},
    h('option', {value: ''}, 'All'),
    STATUSES.map((s) => h('option', {value: s, selected: s === status}, s)));
  select.addEventListener('change', () => {
    navigate('/dead-letters' + (select.value ? '?status=' + select.value : ''), {replace: true});
  });

  async function act(letter, action, button) {
    errors.hidden = true;
    done.textContent = '';
    button.disabled = true;
    try {
      const after = await api(`${root}/${letter.id}/${action}`, {method: 'POST'});
      done.textContent = action === 'replay'
        ? `Chunk ${after.chunk} of ${after.simulationId} runs again.`
        : `Chunk ${after.chunk} of ${after.simulationId} stays failed; the letter is discarded.`;
      put(after);
    } catch (x) {
      button.disabled = false;
      problem(errors, x, `The dead letter was not ${action === 'replay' ? 'replayed' : 'discarded'}`);
      errors.focus();
    }
  }

  const rows = new Map();
  function row(d) {
    const open = d.status === 'OPEN';
    const replay = h('button', {type: 'button', class: 'small', dataset: {replay: d.id},
      'aria-label': `Replay chunk ${d.chunk} of ${d.simulationId}`}, 'Replay');
    const discard = h('button', {type: 'button', class: 'secondary small', dataset: {discard: d.id},
      'aria-label': `Discard the dead letter of chunk ${d.chunk} of ${d.simulationId}`}, 'Discard');
    replay.addEventListener('click', () => act(d, 'replay', replay));
    discard.addEventListener('click', () => act(d, 'discard', discard));
    const failure = h('details', {class: 'failure'},
      h('summary', {}, d.permanent ? 'Permanent failure' : `Failed ${d.attempts} time${d.attempts === 1 ? '' : 's'}`),
      h('pre', {}, d.error),
      h('dl', {class: 'counts'},
        h('div', {}, h('dt', {}, 'First failure'), h('dd', {}, when(d.firstFailureAt))),
        h('div', {}, h('dt', {}, 'Last failure'), h('dd', {}, when(d.lastFailureAt))),
        h('div', {}, h('dt', {}, 'Generation'), h('dd', {}, String(d.generation))),
        h('div', {}, h('dt', {}, 'Resolved'), h('dd', {}, when(d.resolvedAt)))));
    return h('tr', {dataset: {id: d.id, status: d.status}},
      // Another owner's simulation is theirs alone: an operator sees its letter, not its page.
      h('td', {class: 'name'}, !operator || d.owner === me.owner
        ? h('a', {href: `/simulations/${d.simulationId}`}, d.simulationId)
        : h('span', {title: 'Another owner\'s simulation'}, d.simulationId), ` chunk ${d.chunk}`),
      operator ? h('td', {class: 'owner'}, d.owner) : '',
      h('td', {}, h('span', {class: 'badge', dataset: {status: d.status}}, d.status)),
      h('td', {class: 'name'}, failure),
      h('td', {}, when(d.createdAt)),
      h('td', {}, open ? [replay, ' ', discard] : '—'));
  }

  function put(d) {
    const tr = row(d);
    const old = rows.get(d.id);
    if (old) old.replaceWith(tr); else body.append(tr);
    rows.set(d.id, tr);
    empty.hidden = rows.size > 0;
  }

  async function load() {
    const q = new URLSearchParams({limit: PAGE});
    if (status) q.set('status', status);
    if (cursor) q.set('cursor', cursor);
    const page = await api(`${root}?${q}`);
    page.items.forEach(put);
    cursor = page.nextCursor;
    more.hidden = !cursor;
    empty.hidden = rows.size > 0;
  }
  more.addEventListener('click', load);

  const columns = ['Chunk', ...(operator ? ['Owner'] : []), 'Status', 'Failure', 'Dead since', 'Actions'];
  main.append(
    h('h1', {}, 'Dead letters'),
    h('p', {class: 'muted', id: 'scope'}, operator ? 'Everyone\'s, as an operator.' : 'The chunks of my simulations that failed for good.'),
    h('form', {class: 'filters', role: 'search', 'aria-label': 'Filter dead letters'},
      h('div', {class: 'field inline'}, h('label', {for: 'dl-status'}, 'Status'), select)),
    errors, done,
    h('div', {class: 'scroll'}, h('table', {id: 'dead-letters'},
      h('caption', {class: 'sr-only'}, 'Dead letters, newest first'),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', {scope: 'col'}, c)))),
      body)),
    empty, more);
  await load();
}
