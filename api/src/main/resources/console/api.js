// Every request of the console: same-origin credentials (the session cookie, HttpOnly: script never
// sees a token), the CSRF header on anything that changes state, problem+json turned into ApiError.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
  }
}

export async function api(path, {method = 'GET', body, headers = {}} = {}) {
  const h = {Accept: 'application/json, application/problem+json', ...headers};
  if (method !== 'GET' && method !== 'HEAD') h['X-SimRun-CSRF'] = '1';
  let payload;
  if (body instanceof Blob) {
    // A file as it is (a CSV upload): its own type unless the caller names one.
    h['Content-Type'] ??= body.type || 'application/octet-stream';
    payload = body;
  } else if (body !== undefined) {
    h['Content-Type'] = 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const r = await fetch(path, {method, headers: h, body: payload, credentials: 'same-origin', cache: 'no-store'});
  const type = r.headers.get('Content-Type') || '';
  let data = null;
  if (r.status !== 204) data = type.includes('json') ? await r.json().catch(() => null) : await r.text();
  if (!r.ok) {
    throw new ApiError(r.status, data && typeof data === 'object' ? data : {title: r.statusText, detail: data || ''});
  }
  return data;
}
