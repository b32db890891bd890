// Sign-in. Locally, the development issuer signs in any user name (POST /api/v1/session/development
// sets the session cookie); a deployment without that route signs in with its identity provider.
import {api, ApiError} from './api.js';
import {h} from './dom.js';

function provider(main) {
  main.append(
    h('h1', {}, 'Sign in'),
    h('p', {id: 'provider-sign-in'},
      'This SimRun signs people in with its configured identity provider (Identity Platform or ' +
      'Identity-Aware Proxy). Sign in there, then come back to this page.'));
}

export function render(main, {query, navigate, safePath, signedIn, me}) {
  const next = safePath(query.get('next'));
  if (me) {
    navigate(next, {replace: true});
    return;
  }
  if (document.documentElement.dataset.signIn !== 'development') {
    provider(main);
    return;
  }
  const error = h('p', {class: 'error', role: 'alert', id: 'sign-in-error'});
  const user = h('input', {id: 'user', name: 'user', required: true, autocomplete: 'username',
    pattern: '[A-Za-z0-9._@\\-]{1,64}', 'aria-describedby': 'user-hint sign-in-error', autofocus: true});
  const operator = h('input', {id: 'operator', name: 'operator', type: 'checkbox'});
  const button = h('button', {type: 'submit'}, 'Sign in');
  const form = h('form', {id: 'sign-in', class: 'card narrow'},
    h('div', {class: 'field'},
      h('label', {for: 'user'}, 'User name'), user,
      h('small', {id: 'user-hint', class: 'muted'}, 'Development sign-in: any name of A–Z, a–z, 0–9, . _ @ -')),
    h('div', {class: 'field check'}, operator, h('label', {for: 'operator'}, 'Sign in as an operator')),
    error, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    button.disabled = true;
    try {
      await api('/api/v1/session/development', {method: 'POST',
        body: {user: user.value.trim(), role: operator.checked ? 'operator' : undefined}});
      signedIn(await api('/api/v1/me'));
      navigate(next, {replace: true});
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        form.remove();
        provider(main);
        return;
      }
      error.textContent = err.errors?.length ? err.errors.map((x) => `${x.field}: ${x.message}`).join('; ') : err.message;
      user.setAttribute('aria-invalid', 'true');
    } finally {
      button.disabled = false;
    }
  });
  main.append(h('h1', {}, 'Sign in'), form);
}
