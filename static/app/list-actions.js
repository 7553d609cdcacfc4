/** What the user does to the view and to lists: filter, search, pick, add, rename, delete. */

import { $ } from './dom.js';
import { state } from './state.js';
import { isConflict, api } from './api.js';
import { LIST_CHANGED_ELSEWHERE, rememberEtag, listEtagFor, createKey } from './write-safety.js';
import { showError, clearErrors, announce, whileBusy } from './messages.js';
import {
  selectedList, defaultList, showList, renderLists, focusSelectedList, closeRenameForm,
} from './lists-view.js';
import { loadTasks, onWriteError } from './page.js';

const SEARCH_DELAY_MS = 250;
/** The search typed, loaded once the typing pauses for SEARCH_DELAY_MS. */
let searchTimer = 0;

export function setFilter(filter) {
  state.filter = filter;
  document.querySelectorAll('[data-filter]').forEach((button) => {
    button.setAttribute('aria-pressed', String(button.dataset.filter === filter));
  });
  loadTasks();
}

export function onSearchInput() {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(loadTasks, SEARCH_DELAY_MS);
}

/** Shows list `listId` (null: every list) and loads its tasks. */
function selectList(listId) {
  showList(listId);
  clearErrors();
  renderLists();
  return loadTasks();
}

export function onListsClick(event) {
  const button = event.target.closest('.list-button');
  if (!button) return;
  selectList(button.dataset.listId === '' ? null : Number(button.dataset.listId));
}

export function onPickerChange() {
  const value = $('#list-picker').value;
  selectList(value === '' ? null : Number(value));
}

/** A new list goes last and is shown at once, ready for its first task. */
export async function onAddListSubmit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const fields = { name: $('#new-list-name').value.trim(), color: $('#new-list-color').value || null };
  clearErrors();
  await whileBusy(form, async () => {
    try {
      const key = { 'Idempotency-Key': createKey(fields, '/api/lists') };
      const { data, headers } = await api('POST', '/api/lists', fields, key);
      state.unansweredCreate = null;
      rememberEtag(data, headers, state.listEtags);
      form.reset();
      announce(`Added list “${data.name}”.`);
      state.lists = [...state.lists, data];  // known (heading, tools) before the reload lists it
      await selectList(data.id);
    } catch (err) {
      // As for tasks; a 409 here is also "that name is taken", which no retry changes.
      if (err.status !== 0) state.unansweredCreate = null;
      showError(err);
    }
  });
}

export async function onRenameSubmit(event) {
  event.preventDefault();
  const list = selectedList();
  const fields = { name: $('#rename-name').value.trim(), color: $('#rename-color').value || null };
  clearErrors();
  await whileBusy(event.currentTarget, async () => {
    try {
      const etag = await listEtagFor(list);
      const { data, headers } = await api('PATCH', `/api/lists/${list.id}`, fields, { 'If-Match': etag });
      rememberEtag(data, headers, state.listEtags);
      closeRenameForm(true);
      announce(`Saved the list “${data.name}”.`);
      await loadTasks();
    } catch (err) {
      // A 409 (the name is taken) keeps the form open with what was typed, to change it.
      await onWriteError(err, '#error', LIST_CHANGED_ELSEWHERE);
      if (isConflict(err)) $('#rename-list').focus();
    }
  });
}

export function onRenameKeydown(event) {
  if (event.key === 'Escape') closeRenameForm(true);
}

/**
 * Asks how to delete `list`: "move" (its tasks go last into the Inbox), "delete" (with them)
 * or "" (not at all). An empty list is only offered "delete".
 */
function askDeleteList(list, inbox) {
  const dialog = $('#delete-list-dialog');
  const empty = list.task_count === 0;
  const tasks = list.task_count === 1 ? '1 task' : `${list.task_count} tasks`;
  $('#delete-list-heading').textContent = `Delete the list “${list.name}”?`;
  $('#delete-list-message').textContent = empty
    ? 'It has no tasks.'
    : `It holds ${tasks} (subtasks included). Move them to “${inbox.name}”, or delete them with it.`;
  $('#delete-list-move').hidden = empty;
  $('#delete-list-move').textContent = `Move its tasks to “${inbox.name}”`;
  $('#delete-list-all').textContent = empty ? 'Delete list' : 'Delete with its tasks';
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      resolve(['move', 'delete'].includes(dialog.returnValue) ? dialog.returnValue : '');
    }, { once: true });
  });
}

/** DELETE with If-Match, with `?move_to=` the Inbox to keep the tasks; the Inbox is shown next. */
export async function onDeleteList() {
  const list = selectedList();
  const inbox = defaultList();
  if (!list || !inbox || list.is_default) return;
  const choice = await askDeleteList(list, inbox);
  if (!choice) return;
  clearErrors();
  try {
    const etag = await listEtagFor(list);
    const query = choice === 'move' ? `?move_to=${inbox.id}` : '';
    await api('DELETE', `/api/lists/${list.id}${query}`, undefined, { 'If-Match': etag });
    state.listEtags.delete(String(list.id));
    announce(choice === 'move'
      ? `Deleted the list “${list.name}”; its tasks are in “${inbox.name}”.`
      : `Deleted the list “${list.name}” and its tasks.`);
    await selectList(inbox.id);
    focusSelectedList();
  } catch (err) {
    await onWriteError(err, '#error', LIST_CHANGED_ELSEWHERE);
  }
}
