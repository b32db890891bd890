// Start a simulation: a form built from the kind's example (every field of the request, lists and
// agent entries editable), a JSON view for power users, and the api's field errors shown beside
// the field they name (e.g. params.agents[0].url).
import {api, ApiError} from './api.js';
import {h, clear} from './dom.js';
import {myDatasets} from './datasets.js';

let examples; // the examples index, read once

// A control's label: its own name (the fieldsets around it say the rest); list entries count from 1.
const label = (path) => {
  const last = path.match(/([^.[\]]+)(?:\[(\d+)\])?$/);
  return last[2] === undefined ? last[1] : `${last[1]} #${Number(last[2]) + 1}`;
};
const slug = (path) => 'f-' + path.replace(/[^A-Za-z0-9_-]/g, '_');

function set(obj, path, value) {
  const keys = path.match(/[^.[\]]+/g);
  let o = obj;
  keys.slice(0, -1).forEach((k) => { o = o[k]; });
  o[keys[keys.length - 1]] = value;
}

function parseScalar(text, like) {
  const t = text.trim();
  if (typeof like === 'number' && t !== '' && !isNaN(Number(t))) return Number(t);
  if (like === null && t === '') return null;
  return typeof like === 'number' ? t : text; // the api names a number that is not one
}

function parseList(text, like) {
  if (text.trim() === '') return [];
  return text.split(',').map((s) => parseScalar(s, typeof like === 'number' ? 0 : ''));
}

export async function render(main, {navigate, query}) {
  examples ??= await api(`${new URL('.', import.meta.url).pathname}examples/index.json`);
  const base = new URL('.', import.meta.url).pathname;
  const kinds = [...new Set(examples.map((e) => e.kind))];
  let spec = null;
  let jsonMode = false;
  const idempotencyKey = crypto.randomUUID();
  const datasets = await myDatasets();

  const summary = h('div', {id: 'errors', class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true});
  const fields = h('div', {id: 'fields'});
  const json = h('textarea', {id: 'json', name: 'json', rows: 24, spellcheck: 'false', 'aria-describedby': 'json-error'});
  const jsonError = h('p', {id: 'json-error', class: 'error'});
  const jsonView = h('div', {class: 'field', hidden: true}, h('label', {for: 'json'}, 'The request as JSON'), json, jsonError);
  const toggle = h('button', {type: 'button', class: 'secondary', id: 'toggle-json', 'aria-pressed': 'false'}, 'Edit as JSON');
  const submit = h('button', {type: 'submit', id: 'submit'}, 'Start simulation');
  const kindSelect = h('select', {id: 'kind', name: 'kind'}, kinds.map((k) => h('option', {value: k}, k)));
  const exampleList = h('ul', {class: 'examples', id: 'examples'});

  async function useExample(file) {
    spec = await api(`${base}examples/${file}`);
    kindSelect.value = spec.kind;
    showExamples();
    draw();
  }

  function showExamples() {
    clear(exampleList).append(...examples.filter((e) => e.kind === kindSelect.value).map((e) =>
      h('li', {}, h('button', {type: 'button', class: 'link', dataset: {example: e.file},
        onclick: () => useExample(e.file)}, e.name || e.file))));
  }

  kindSelect.addEventListener('change', () => {
    const first = examples.find((e) => e.kind === kindSelect.value);
    if (first) useExample(first.file);
  });

  function control(path, value) {
    const id = slug(path);
    const err = h('span', {class: 'error', id: id + '-error', dataset: {errorFor: path}});
    if (typeof value === 'boolean') {
      const input = h('input', {type: 'checkbox', id, name: path, checked: value, 'aria-describedby': err.id});
      input.addEventListener('change', () => set(spec, path, input.checked));
      return h('div', {class: 'field check'}, input, h('label', {for: id}, label(path)), err);
    }
    const isList = Array.isArray(value);
    const like = isList ? value[0] : value;
    const input = h('input', {id, name: path, value: isList ? value.join(', ') : value ?? '',
      inputmode: typeof like === 'number' ? 'decimal' : undefined, 'aria-describedby': err.id});
    input.addEventListener('input', () => set(spec, path, isList ? parseList(input.value, like) : parseScalar(input.value, like)));
    if (/\.dataset$/.test(path) && typeof value === 'string') return datasetControl(path, value, err);
    if (path === 'priority') {
      const select = h('select', {id, name: path, 'aria-describedby': err.id},
        ['interactive', 'batch'].map((p) => h('option', {value: p, selected: p === value}, p)));
      select.addEventListener('change', () => set(spec, path, select.value));
      return h('div', {class: 'field'}, h('label', {for: id}, label(path)), select, err);
    }
    return h('div', {class: 'field'},
      h('label', {for: id}, label(path), isList ? h('small', {class: 'muted'}, ' (comma-separated)') : ''), input, err);
  }

  /** A dataset field: one of mine, by name, or what the spec names already (e.g. an example's file:). */
  function datasetControl(path, value, err) {
    const id = slug(path);
    const known = datasets.some((d) => d.id === value);
    const select = h('select', {id, name: path, 'aria-describedby': err.id},
      known || !value ? '' : h('option', {value, selected: true}, value),
      datasets.map((d) => h('option', {value: d.id, selected: d.id === value}, `${d.name} (${d.rows} bars)`)));
    select.addEventListener('change', () => set(spec, path, select.value));
    return h('div', {class: 'field'}, h('label', {for: id}, label(path)), select,
      h('small', {class: 'muted'}, datasets.length ? '' : 'You have no datasets yet. ',
        h('a', {href: '/datasets'}, 'Upload a CSV')), err);
  }

  function group(path, value) {
    if (Array.isArray(value) && value.some((v) => v && typeof v === 'object')) {
      const box = h('fieldset', {dataset: {path}}, h('legend', {}, label(path)),
        h('span', {class: 'error', dataset: {errorFor: path}}));
      value.forEach((item, i) => {
        const p = `${path}[${i}]`;
        const entry = group(p, item);
        entry.append(h('button', {type: 'button', class: 'secondary small', onclick: () => { value.splice(i, 1); draw(); }},
          `Remove ${label(p)}`));
        box.append(entry);
      });
      box.append(h('button', {type: 'button', class: 'secondary small', onclick: () => {
        value.push(structuredClone(value[value.length - 1] ?? {})); draw();
      }}, `Add to ${label(path)}`));
      return box;
    }
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const box = h('fieldset', {dataset: {path}}, h('legend', {}, label(path)),
        h('span', {class: 'error', dataset: {errorFor: path}}));
      for (const [k, v] of Object.entries(value)) box.append(group(`${path}.${k}`, v));
      return box;
    }
    return control(path, value);
  }

  function draw() {
    clear(fields);
    clearErrors();
    for (const [k, v] of Object.entries(spec)) {
      if (k !== 'kind') fields.append(group(k, v));
    }
    json.value = JSON.stringify(spec, null, 2);
  }

  function clearErrors() {
    summary.hidden = true;
    clear(summary);
    main.querySelectorAll('[data-error-for]').forEach((e) => { e.textContent = ''; });
    main.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  }

  /** The error's place: the field it names, else the nearest enclosing one shown. */
  function placeOf(field) {
    let p = field;
    while (p) {
      const slot = [...main.querySelectorAll('[data-error-for]')].find((e) => e.dataset.errorFor === p);
      if (slot) return slot;
      const shorter = p.replace(/(\[\d+\]|\.[^.[\]]+)$/, '');
      p = shorter === p ? '' : shorter;
    }
    return null;
  }

  function showErrors(err) {
    clear(summary).append(h('p', {}, err.problem.title || 'The simulation was not started'),
      err.problem.detail && err.errors.length === 0 ? h('p', {}, err.problem.detail) : '');
    const list = h('ul');
    let firstField = null;
    for (const e of err.errors) {
      const slot = jsonMode ? null : placeOf(e.field) || placeOf('params.' + e.field);
      if (slot) {
        slot.textContent = (slot.textContent ? slot.textContent + '; ' : '') + e.message;
        const input = document.getElementById(slug(slot.dataset.errorFor));
        if (input) { input.setAttribute('aria-invalid', 'true'); firstField ??= input; }
      }
      list.append(h('li', {}, h('code', {}, e.field), ': ', e.message));
    }
    summary.append(list);
    summary.hidden = false;
    (firstField || summary).focus();
  }

  toggle.addEventListener('click', () => {
    if (!jsonMode) {
      json.value = JSON.stringify(spec, null, 2);
    } else {
      try { spec = JSON.parse(json.value); jsonError.textContent = ''; } catch (e) { jsonError.textContent = 'Not JSON: ' + e.message; return; }
      kindSelect.value = spec.kind;
      draw();
    }
    jsonMode = !jsonMode;
    fields.hidden = jsonMode;
    jsonView.hidden = !jsonMode;
    toggle.setAttribute('aria-pressed', String(jsonMode));
    toggle.textContent = jsonMode ? 'Edit as a form' : 'Edit as JSON';
  });

  const form = h('form', {id: 'new-simulation', novalidate: true},
    summary,
    h('div', {class: 'field'}, h('label', {for: 'kind'}, 'Kind'), kindSelect),
    h('section', {class: 'card', 'aria-labelledby': 'examples-title'},
      h('h2', {id: 'examples-title'}, 'Start from an example'), exampleList),
    h('div', {class: 'toolbar'}, toggle),
    fields, jsonView,
    h('div', {class: 'toolbar'}, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors();
    let body = spec;
    if (jsonMode) {
      try { body = JSON.parse(json.value); } catch (x) { jsonError.textContent = 'Not JSON: ' + x.message; return; }
    }
    submit.disabled = true;
    try {
      const created = await api('/api/v1/simulations', {method: 'POST', body, headers: {'Idempotency-Key': idempotencyKey}});
      navigate(`/simulations/${created.id}`);
    } catch (x) {
      if (x instanceof ApiError) showErrors(x);
      else { clear(summary).append(h('p', {}, x.message)); summary.hidden = false; }
    } finally {
      submit.disabled = false;
    }
  });
  main.append(h('h1', {}, 'New simulation'), form);
  // The demo backtest unless the address names another example.
  const wanted = examples.find((e) => e.file === query.get('example'))
    || examples.find((e) => e.file === 'strategy-backtest.json') || examples[0];
  await useExample(wanted.file);
}
