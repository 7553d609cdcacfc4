/**
 * Writes that never overwrite unseen changes nor run twice: the ETag of the version shown, for
 * If-Match, and the Idempotency-Key of a create.
 */

import { state } from './state.js';
import { ApiError, api } from './api.js';

export const CHANGED_ELSEWHERE = 'This task was changed elsewhere: reloaded';
export const LIST_CHANGED_ELSEWHERE = 'This list was changed elsewhere: reloaded';

/**
 * Keeps the ETag of a single-task answer (or, with `store` state.listEtags, a single-list
 * answer), so the next edit of that version needs no GET.
 */
export function rememberEtag(entity, headers, store = state.etags) {
  const etag = headers.get('ETag');
  if (!etag) return;
  store.set(String(entity.id), { etag, version: entity.version, created_at: entity.created_at });
}

/**
 * The ETag of the version of `entity` the page shows, for If-Match. One not seen in a
 * single-entity answer yet is read with a GET of `path`; if the server has moved past the shown
 * version, sending that GET's ETag would overwrite a change the user never saw, so that is a
 * conflict too (saying `conflict`). (created_at too: a SQLite id can come back for a new one.)
 */
async function currentEtag(path, entity, store, conflict) {
  const same = (known) => known.version === entity.version && known.created_at === entity.created_at;
  const known = store.get(String(entity.id));
  if (known && same(known)) return known.etag;
  const { data, headers } = await api('GET', path);
  rememberEtag(data, headers, store);
  if (!same(data)) throw new ApiError(conflict, 412);
  return headers.get('ETag');
}

export const etagFor = (task) => currentEtag(`/api/tasks/${task.id}`, task, state.etags, CHANGED_ELSEWHERE);
export const listEtagFor = (list) => {
  return currentEtag(`/api/lists/${list.id}`, list, state.listEtags, LIST_CHANGED_ELSEWHERE);
};

/** crypto.randomUUID() needs a secure context; a page served over plain http on a LAN has none. */
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The Idempotency-Key for creating `fields` at `path`: a fresh one per create, except that
 * sending the same fields again after an answer was lost (the task may exist already) reuses
 * the key, so the server replays that task instead of creating a second one.
 */
export function createKey(fields, path = '/api/tasks') {
  const json = JSON.stringify([path, fields]);
  if (!state.unansweredCreate || state.unansweredCreate.json !== json) {
    state.unansweredCreate = { json, key: newKey() };
  }
  return state.unansweredCreate.key;
}
