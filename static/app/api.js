/** Calls to the JSON API, and its errors in words fit to show. */

import { tokenStore } from './state.js';

/** `issues`: a 422's problems, each with its `loc` (none for any other error). */
export class ApiError extends Error {
  constructor(message, status, issues = []) {
    super(message);
    this.status = status;
    this.issues = issues;
  }
}

/** A write met a newer version of its task than the one the page shows. */
export const isConflict = (err) => err.status === 412;

/** What a 401 on a request that carried a token does first: main.js sets session.js's endSession. */
let sessionEnded = () => {};

export function onSessionEnd(handler) {
  sessionEnded = handler;
}

/**
 * Calls the JSON API. Resolves to {data, headers}; rejects with an ApiError whose message
 * is fit to show. A 401 on a request that carried a token means the session is over, so
 * the token is dropped and the login form shown before the error propagates.
 * `extraHeaders` carries If-Match and Idempotency-Key. A Blob `body` (a file) is sent as it is,
 * with its own type; with `blob`, a success's body is a Blob too (a download).
 */
export async function api(method, path, body, extraHeaders = {}, { blob = false } = {}) {
  const token = tokenStore.get();
  const headers = { Accept: 'application/json', ...extraHeaders };
  if (token) headers.Authorization = `Bearer ${token}`;
  const init = { method, headers };
  if (body instanceof Blob) { // a file, sent as it is (an import)
    headers['Content-Type'] = body.type || 'application/octet-stream';
    init.body = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError('Cannot reach the server. Check your connection and try again.', 0);
  }
  if (res.ok && blob) return { data: await res.blob(), headers: res.headers };
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.ok) return { data, headers: res.headers };
  if (res.status === 401 && token) {
    sessionEnded();
    throw new ApiError('Your session has ended. Please log in again.', 401);
  }
  const issues = res.status === 422 && Array.isArray(data?.detail) ? data.detail : [];
  throw new ApiError(errorMessage(res, data), res.status, issues);
}

/** Turns an error body ({detail: string} or FastAPI's {detail: [...]}) into one sentence. */
function errorMessage(res, data) {
  const detail = data && data.detail;
  if (Array.isArray(detail) && detail.length) return detail.map(formatIssue).join('; ');
  let message = typeof detail === 'string' && detail ? detail : `Request failed (HTTP ${res.status}).`;
  const retryAfter = res.headers.get('Retry-After');
  if (res.status === 429 && /^\d+$/.test(retryAfter || '')) {
    message += ` Try again in ${retryAfter} s.`;
  }
  return message;
}

/** A validation item's loc is like ["body", "title"]: show it as "title: message". */
function formatIssue(issue) {
  const field = (issue.loc || []).filter((part) => part !== 'body' && part !== 'query').join('.');
  return field ? `${field}: ${issueMessage(issue)}` : issueMessage(issue);
}

export const issueMessage = (issue) => String(issue.msg || 'is invalid').replace(/^Value error, /, '');
