/** The view loaded from the server, and what a failed write does to it. */

import { $ } from './dom.js';
import { state } from './state.js';
import { isConflict, api } from './api.js';
import { CHANGED_ELSEWHERE } from './write-safety.js';
import { showError } from './messages.js';
import { keepLists, renderLists, closeRenameForm } from './lists-view.js';
import { renderCount, renderTasks } from './task-view.js';

const PAGE_SIZE = 200;

/** The request for the view as the page shows it: filter, sort, list and search. */
function listPath() {
  const params = new URLSearchParams({ status: state.filter, sort: $('#sort').value, limit: PAGE_SIZE });
  if (state.selectedListId !== null) params.set('list_id', state.selectedListId);
  const q = $('#search').value.trim();
  if (q) params.set('q', q);
  return `/api/tasks?${params}`;
}

/** The request whose X-Total-Count counts the shown list's tasks of `status`. */
function countPath(status) {
  const params = new URLSearchParams({ status, limit: 1 });
  if (state.selectedListId !== null) params.set('list_id', state.selectedListId);
  return `/api/tasks?${params}`;
}

const totalOf = (response) => Number(response.headers.get('X-Total-Count') ?? response.data.length);

/**
 * Loads the lists, then the current view of the shown list plus its overall and pending totals
 * for the counter. The lists come first so that a shown list deleted elsewhere is noticed
 * before its (then empty) tasks are asked for. Resolves to false when that failed (the error
 * is shown).
 */
export async function loadTasks() {
  const seq = ++state.loadSeq;
  try {
    const lists = await api('GET', '/api/lists');
    if (seq !== state.loadSeq) return true;
    keepLists(lists.data);
    const [list, all, pending] = await Promise.all([
      api('GET', listPath()),
      api('GET', countPath('all')),
      api('GET', countPath('pending')),
    ]);
    if (seq !== state.loadSeq) return true;
    renderLists();
    renderTasks(list.data, totalOf(all));
    renderCount(totalOf(list), totalOf(all), totalOf(pending), list.data.length);
    return true;
  } catch (err) {
    showError(err);
    return false;
  }
}

/**
 * Nothing was written: show the newer version, and say why the edit did not happen. Open
 * editors close: what was typed in them was made to a version that is gone.
 */
async function onConflict(message = CHANGED_ELSEWHERE) {
  document.querySelectorAll('dialog[open]').forEach((dialog) => dialog.close());
  closeRenameForm();
  if (await loadTasks()) $('#error').textContent = message;
}

/** A failed write: a conflict reloads and says so, anything else is shown as it is. */
export async function onWriteError(err, where, conflictMessage = CHANGED_ELSEWHERE) {
  if (isConflict(err)) await onConflict(conflictMessage);
  else showError(err, where);
}
