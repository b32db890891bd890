// The console's router: one HTML shell at every page; each page is a module loaded when first shown.
import {api, ApiError} from './api.js';
import {h, clear} from './dom.js';

const routes = [
  [/^\/$/, () => import('./list.js')],
  [/^\/sign-in$/, () => import('./sign-in.js')],
  [/^\/simulations\/new$/, () => import('./new.js')],
  [/^\/simulations\/([^/]+)$/, () => import('./simulation.js')],
  [/^\/datasets$/, () => import('./datasets.js')],
  [/^\/dead-letters$/, () => import('./dead-letters.js')],
  [/^\/batches$/, () => import('./batches.js')],
];

let me;          // who is signed in: undefined = not asked yet, null = nobody
let leave = null; // the current page's clean-up (closes its event streams)
let first = true;

export function navigate(path, {replace = false} = {}) {
  history[replace ? 'replaceState' : 'pushState'](null, '', path);
  render();
}

/** Only paths of this site: a `next` parameter never sends anyone elsewhere. */
export function safePath(p) {
  return typeof p === 'string' && p.startsWith('/') && !p.startsWith('//') && !p.startsWith('/\\') ? p : '/';
}

document.addEventListener('click', (e) => {
  const a = e.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download') || e.defaultPrevented) return;
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const url = new URL(a.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', render);

function showNav() {
  const nav = clear(document.getElementById('nav'));
  if (!me) return;
  nav.append(
    h('a', {href: '/'}, 'My simulations'),
    h('a', {href: '/simulations/new'}, 'New simulation'),
    h('a', {href: '/datasets'}, 'Datasets'),
    h('a', {href: '/dead-letters'}, 'Dead letters'),
    ...(me.operator ? [h('a', {href: '/batches'}, 'Batches')] : []),
    h('span', {class: 'who', title: me.owner}, me.email || me.owner, me.operator ? ' (operator)' : ''),
    h('button', {type: 'button', class: 'link', id: 'sign-out', onclick: signOut}, 'Sign out'));
}

async function signOut() {
  await api('/api/v1/session', {method: 'DELETE'});
  me = null;
  navigate('/sign-in', {replace: true});
}

async function whoAmI() {
  try {
    return await api('/api/v1/me');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

async function render() {
  if (leave) {
    leave();
    leave = null;
  }
  const main = document.getElementById('main');
  const path = location.pathname;
  try {
    if (me === undefined || (me === null && path !== '/sign-in')) me = await whoAmI();
    if (!me && path !== '/sign-in') {
      navigate('/sign-in?next=' + encodeURIComponent(path + location.search), {replace: true});
      return;
    }
    showNav();
    const route = routes.find(([re]) => re.test(path));
    if (!route) {
      clear(main).append(h('h1', {}, 'Page not found'), h('p', {}, h('a', {href: '/'}, 'Back to my simulations')));
      return;
    }
    const page = await route[1]();
    const ctx = {
      me,
      params: path.match(route[0]).slice(1).map(decodeURIComponent),
      query: new URLSearchParams(location.search),
      navigate,
      safePath,
      signedIn(who) { me = who; showNav(); },
    };
    clear(main);
    leave = (await page.render(main, ctx)) || null;
    document.title = (main.querySelector('h1')?.textContent || 'SimRun') + ' · SimRun';
    if (!first) main.focus();
    first = false;
  } catch (e) {
    clear(main).append(h('h1', {}, 'Something went wrong'), h('p', {role: 'alert'}, e.message));
  }
}

render();
