// Sign-in. With Identity Platform's web API key configured, email and password through Google's
// Identity Toolkit REST API, no SDK (decision 0032). Locally, the development issuer signs in any
// user name (POST /api/v1/session/development sets the session cookie). Without either, the
// identity provider in front of SimRun (IAP) signs people in.
import {api, ApiError} from './api.js';
import {h} from './dom.js';

function provider(main) {
  main.append(
    h('h1', {}, 'Sign in'),
    h('p', {id: 'provider-sign-in'},
      'This SimRun signs people in with its configured identity provider (Identity Platform or ' +
      'Identity-Aware Proxy). Sign in there, then come back to this page.'));
}

// What Identity Platform's error codes mean to the person at the form. Wrong email and wrong
// password get the same words: the page does not tell anyone which accounts exist.
const NO_MATCH = 'That email and password do not match an account. Check both and try again.';
const REASONS = {
  INVALID_LOGIN_CREDENTIALS: NO_MATCH,
  INVALID_PASSWORD: NO_MATCH,
  EMAIL_NOT_FOUND: NO_MATCH,
  INVALID_EMAIL: 'Enter your email address, like name@example.com.',
  MISSING_EMAIL: 'Enter your email address.',
  MISSING_PASSWORD: 'Enter your password.',
  USER_DISABLED: 'This account has been disabled. Ask your SimRun administrator to enable it.',
  TOO_MANY_ATTEMPTS_TRY_LATER:
    'Too many attempts to sign in to this account. Wait a few minutes, or reset your password, then try again.',
  OPERATION_NOT_ALLOWED: 'Signing in with a password is turned off for this SimRun. Ask your administrator.',
  PASSWORD_LOGIN_DISABLED: 'Signing in with a password is turned off for this SimRun. Ask your administrator.',
};
// The field a person should correct for each code.
const FIELDS = {
  INVALID_LOGIN_CREDENTIALS: 'password', INVALID_PASSWORD: 'password', EMAIL_NOT_FOUND: 'password',
  MISSING_PASSWORD: 'password', INVALID_EMAIL: 'email', MISSING_EMAIL: 'email',
};
const MISCONFIGURED = 'Sign-in is not set up correctly for this site (the identity service refused it). ' +
  'Ask your SimRun administrator.';
const UNREACHABLE = 'Could not reach the sign-in service. Check your connection and try again.';

class SignInError extends Error {
  constructor(message, field) {
    super(message);
    this.field = field; // 'email' or 'password': where the person should look
  }
}

/** One call of the Identity Toolkit API: its answer, or a SignInError in words a person reads. */
async function toolkit(method, body) {
  const {apiKey, toolkitUrl} = document.documentElement.dataset;
  let r;
  try {
    r = await fetch(`${toolkitUrl}/v1/accounts:${method}?key=${encodeURIComponent(apiKey)}`, {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
      // The origin only: enough for a key restricted to this site's referrers, and no path.
      referrerPolicy: 'strict-origin',
    });
  } catch {
    throw new SignInError(UNREACHABLE);
  }
  const answer = await r.json().catch(() => null);
  if (r.ok && answer) return answer;
  // Google's errors: {"error": {"code": 400, "message": "CODE" or "CODE : more words"}}.
  const code = String(answer?.error?.message || '').split(/[\s:]/)[0];
  const field = FIELDS[code];
  if (REASONS[code]) throw new SignInError(REASONS[code], field);
  throw new SignInError(r.status === 400 || r.status === 403 ? MISCONFIGURED : UNREACHABLE);
}

function password(main, {next, navigate, signedIn}) {
  const error = h('p', {class: 'error', role: 'alert', id: 'sign-in-error', tabindex: -1});
  const status = h('p', {class: 'muted', role: 'status', id: 'sign-in-status'});
  const email = h('input', {id: 'email', name: 'email', type: 'email', required: true,
    autocomplete: 'username', inputmode: 'email', spellcheck: 'false', maxlength: 255,
    'aria-describedby': 'sign-in-error', autofocus: true});
  const secret = h('input', {id: 'password', name: 'password', type: 'password', required: true,
    autocomplete: 'current-password', 'aria-describedby': 'sign-in-error'});
  const button = h('button', {type: 'submit'}, 'Sign in');
  const forgot = h('button', {type: 'button', class: 'link', id: 'forgot-password'}, 'Forgot password?');
  const form = h('form', {id: 'sign-in', class: 'card narrow', novalidate: true},
    h('div', {class: 'field'}, h('label', {for: 'email'}, 'Email'), email),
    h('div', {class: 'field'}, h('label', {for: 'password'}, 'Password'), secret),
    error, status,
    h('div', {class: 'actions'}, button, forgot));

  function show(message, field) {
    error.textContent = message;
    for (const input of [email, secret]) input.removeAttribute('aria-invalid');
    const at = field === 'email' ? email : field === 'password' ? secret : null;
    if (at) at.setAttribute('aria-invalid', 'true');
    // Where to go on from: the field to correct, else the message (the button was disabled).
    (at || error).focus();
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    status.textContent = '';
    if (!email.value.trim() || !email.validity.valid) return show(REASONS.INVALID_EMAIL, 'email');
    if (!secret.value) return show(REASONS.MISSING_PASSWORD, 'password');
    button.disabled = true;
    forgot.disabled = true;
    status.textContent = 'Signing in…';
    try {
      let {idToken} = await toolkit('signInWithPassword',
        {email: email.value.trim(), password: secret.value, returnSecureToken: true});
      secret.value = '';
      let who;
      try {
        // The token lives only in this call: the api turns it into the HttpOnly session cookie.
        who = await api('/api/v1/session', {method: 'POST', headers: {Authorization: `Bearer ${idToken}`}});
      } catch (err) {
        throw new SignInError(err instanceof ApiError && err.status === 401
          ? 'The identity service signed you in, but SimRun does not accept its sign-ins. Ask your SimRun administrator.'
          : `SimRun could not start your session: ${err.message}`);
      } finally {
        idToken = null;
      }
      signedIn(who);
      navigate(next, {replace: true});
    } catch (err) {
      status.textContent = '';
      show(err instanceof SignInError ? err.message : UNREACHABLE, err.field);
    } finally {
      button.disabled = false;
      forgot.disabled = false;
    }
  });

  forgot.addEventListener('click', async () => {
    error.textContent = '';
    status.textContent = '';
    if (!email.value.trim() || !email.validity.valid) {
      return show('Enter your email address above, then choose “Forgot password?” again.', 'email');
    }
    forgot.disabled = true;
    const sent = `If an account uses ${email.value.trim()}, an email with a link to choose a new password ` +
      'is on its way.';
    try {
      await toolkit('sendOobCode', {requestType: 'PASSWORD_RESET', email: email.value.trim()});
      status.textContent = sent;
    } catch (err) {
      // An unknown address reads as a sent email: the page does not tell which accounts exist.
      if (err.message === NO_MATCH) status.textContent = sent;
      else show(err instanceof SignInError ? err.message : UNREACHABLE, err.field === 'email' ? 'email' : undefined);
    } finally {
      forgot.disabled = false;
    }
  });
  main.append(h('h1', {}, 'Sign in'), form);
}

export function render(main, {query, navigate, safePath, signedIn, me}) {
  const next = safePath(query.get('next'));
  if (me) {
    navigate(next, {replace: true});
    return;
  }
  const how = document.documentElement.dataset.signIn;
  if (how === 'password') {
    password(main, {next, navigate, signedIn});
    return;
  }
  if (how !== 'development') {
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
