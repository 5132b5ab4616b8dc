// api.js - talking to the registry's JSON API.  The session cookie travels
// by itself; state-changing requests echo the CSRF token the server gave at
// sign-in (X-CSRF-Token).  Errors become ApiError with the server's code,
// field, message and, for submissions, every defect.

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || (status === 0 ? 'network' : 'error');
    this.field = e.field || null;
    this.defects = Array.isArray(e.defects) ? e.defects : [];
  }
}

export const session = { account: null, csrf: '', unread: 0 };
const listeners = new Set();

export function onSession(fn) {
  listeners.add(fn);
}

function changed() {
  for (const fn of listeners) fn(session);
}

const HINT = 'dipreg.signedin';

export function setSession(s) {
  try {
    if (s && s.account) localStorage.setItem(HINT, '1');
    else localStorage.removeItem(HINT);
  } catch (e) {
    /* without storage the session is still restored on every load */
  }
  session.account = s ? s.account : null;
  session.csrf = s ? s.csrf || '' : '';
  session.unread = s ? s.unread || 0 : 0;
  changed();
}

export function setUnread(n) {
  session.unread = n;
  changed();
}

export function hasRole(role) {
  return !!(session.account && (session.account.roles || []).includes(role));
}

export function isParty() {
  return hasRole('applicant') || hasRole('agent');
}

export async function api(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  const init = { method, headers, credentials: 'same-origin' };
  if (method !== 'GET' && method !== 'HEAD' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    // opts.raw: JSON text sent as it is (a signed document, byte for byte)
    init.body = opts.raw !== undefined ? opts.raw : JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, { error: { code: 'network', message: String(e.message || e) } });
  }
  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      data = null;
    }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    // A session that ended server-side: forget it here too.
    if (res.status === 401 && session.account && !opts.quiet401) setSession(null);
    throw err;
  }
  return data;
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const post = (path, body, opts) => api('POST', path, body === undefined ? {} : body, opts);

// The restore on page load: GET /api/session answers 401 when signed out,
// so it is asked only when this browser signed in before (the cookie itself
// is HttpOnly and invisible here).
export async function restoreSession() {
  let hint = '1';
  try {
    hint = localStorage.getItem(HINT);
  } catch (e) {
    hint = '1';
  }
  if (!hint) {
    setSession(null);
    return;
  }
  try {
    setSession(await api('GET', '/api/session', undefined, { quiet401: true }));
  } catch (e) {
    setSession(null);
  }
}

const MIME_BY_EXT = {
  pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg',
  zip: 'application/zip', csv: 'text/csv', txt: 'text/plain', json: 'application/json',
};

export function mimeOf(file) {
  const ext = (file.name.split('.').pop() || '').toLowerCase();
  if (MIME_BY_EXT[ext]) return MIME_BY_EXT[ext];
  return file.type || 'application/octet-stream';
}

// Sends a file as the raw body of POST /api/uploads; XMLHttpRequest rather
// than fetch because only it reports upload progress.  onProgress(0..1).
export function upload(file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/uploads?name=${encodeURIComponent(file.name.replace(/[\\/]/g, '_'))}`);
    xhr.setRequestHeader('Content-Type', mimeOf(file));
    xhr.setRequestHeader('Accept', 'application/json');
    if (session.csrf) xhr.setRequestHeader('X-CSRF-Token', session.csrf);
    xhr.upload.addEventListener('progress', (ev) => {
      if (ev.lengthComputable && onProgress) onProgress(ev.loaded / ev.total);
    });
    xhr.addEventListener('load', () => {
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch (e) {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && data) {
        if (onProgress) onProgress(1);
        resolve(data);
      } else {
        reject(new ApiError(xhr.status, data));
      }
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, { error: { code: 'network', message: 'network error' } })));
    xhr.send(file);
  });
}
