// My datasets: upload an OHLCV CSV (a bad one's lines are listed as the api names them), list
// them newest first, delete one (409 while a simulation that has not finished reads it).
import {api, ApiError} from './api.js';
import {h, clear, when} from './dom.js';

const PAGE = 50;

/** Every dataset of mine, newest first: what the list here and the new-simulation form show. */
export async function myDatasets() {
  const all = [];
  let cursor = null;
  do {
    const q = new URLSearchParams({limit: PAGE});
    if (cursor) q.set('cursor', cursor);
    const page = await api('/api/v1/datasets?' + q);
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && all.length < 500);
  return all;
}

/** A problem as a person reads it: its title or detail, then each error the api names. */
export function problem(box, err, fallback) {
  clear(box).append(h('p', {}, err instanceof ApiError ? err.problem.detail || err.problem.title || fallback : err.message));
  if (err instanceof ApiError && err.errors.length) {
    box.append(h('ul', {}, err.errors.map((e) => h('li', {}, h('code', {}, e.field), ': ', e.message))));
  }
  box.hidden = false;
}

export async function render(main) {
  const file = h('input', {type: 'file', id: 'csv', name: 'file', accept: '.csv,text/csv', required: true,
    'aria-describedby': 'csv-help'});
  const name = h('input', {id: 'dataset-name', name: 'name', pattern: '[A-Za-z0-9._-]{1,64}', 'aria-describedby': 'name-help'});
  const upload = h('button', {type: 'submit', id: 'upload'}, 'Upload');
  const uploadErrors = h('div', {id: 'upload-errors', class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true});
  const uploaded = h('p', {id: 'uploaded', role: 'status', class: 'muted'});
  const listErrors = h('div', {id: 'list-errors', class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true});
  const body = h('tbody');
  const empty = h('p', {class: 'muted', id: 'no-datasets', hidden: true}, 'No datasets yet.');

  file.addEventListener('change', () => {
    const f = file.files[0];
    if (f && !name.value) name.value = f.name.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
  });

  function row(d) {
    const del = h('button', {type: 'button', class: 'secondary small', dataset: {delete: d.id},
      'aria-label': `Delete ${d.name}`}, 'Delete');
    del.addEventListener('click', async () => {
      listErrors.hidden = true;
      del.disabled = true;
      try {
        await api(`/api/v1/datasets/${d.id}`, {method: 'DELETE'});
        await load();
      } catch (x) {
        del.disabled = false;
        problem(listErrors, x, 'The dataset was not deleted');
        listErrors.focus();
      }
    });
    return h('tr', {dataset: {id: d.id}},
      h('td', {class: 'name'}, d.name),
      h('td', {class: 'id'}, h('code', {}, d.id)),
      h('td', {}, String(d.rows)),
      h('td', {}, `${d.firstAt.slice(0, 10)} – ${d.lastAt.slice(0, 10)}`),
      h('td', {}, when(d.createdAt)),
      h('td', {}, del));
  }

  async function load() {
    const items = await myDatasets();
    clear(body).append(...items.map(row));
    empty.hidden = items.length > 0;
  }

  const form = h('form', {id: 'upload-dataset', class: 'card', novalidate: true},
    h('h2', {}, 'Upload a CSV'),
    uploadErrors,
    h('div', {class: 'field'}, h('label', {for: 'csv'}, 'CSV file'), file,
      h('small', {id: 'csv-help', class: 'muted'}, 'A header ', h('code', {}, 'timestamp,open,high,low,close,volume'),
        ', then one bar a line, oldest first.')),
    h('div', {class: 'field'}, h('label', {for: 'dataset-name'}, 'Name'), name,
      h('small', {id: 'name-help', class: 'muted'}, 'Letters, digits, ".", "_" or "-"; the file\'s name when empty.')),
    h('div', {class: 'toolbar'}, upload), uploaded);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    uploadErrors.hidden = true;
    uploaded.textContent = '';
    const f = file.files[0];
    if (!f) {
      problem(uploadErrors, new Error('Choose a CSV file first.'));
      file.focus();
      return;
    }
    upload.disabled = true;
    try {
      const q = name.value ? '?' + new URLSearchParams({name: name.value}) : '';
      const d = await api('/api/v1/datasets' + q, {method: 'POST', body: f, headers: {'Content-Type': 'text/csv'}});
      uploaded.textContent = `Uploaded ${d.name}: ${d.rows} bars.`;
      form.reset();
      await load();
    } catch (x) {
      problem(uploadErrors, x, 'The CSV was not stored');
      uploadErrors.focus();
    } finally {
      upload.disabled = false;
    }
  });

  main.append(
    h('div', {class: 'title'}, h('h1', {}, 'Datasets'),
      h('a', {class: 'button secondary', href: '/simulations/new?example=strategy-dataset-grid.json'}, 'Use one in a simulation')),
    form,
    h('h2', {id: 'datasets-title'}, 'My datasets'),
    listErrors,
    h('div', {class: 'scroll'}, h('table', {id: 'datasets', 'aria-labelledby': 'datasets-title'},
      h('thead', {}, h('tr', {}, ['Name', 'Id', 'Bars', 'From – to', 'Uploaded', 'Actions'].map((c) => h('th', {scope: 'col'}, c)))),
      body)),
    empty);
  await load();
}
