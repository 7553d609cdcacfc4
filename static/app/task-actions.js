/** What the user does to a task: add, complete, edit, delete, add a subtask; the rows' buttons. */

import { $ } from './dom.js';
import { state } from './state.js';
import { api } from './api.js';
import { rememberEtag, etagFor, createKey } from './write-safety.js';
import {
  showError, clearErrors, showFieldErrors, clearFieldErrors, announce, whileBusy, askConfirm,
} from './messages.js';
import {
  toLocalInput, readTaskFields, showRecurrence, syncRepeatPicker, showReminders, readReminders,
} from './task-form.js';
import { loadTasks, onWriteError } from './page.js';
import { moveStep, openMoveDialog } from './moving.js';

/** The task the edit dialog was opened for, and its reminders as the dialog read them then. */
let editing = null;
let editingReminders = '';

/** The task the subtask dialog adds to. */
let subtaskParent = null;

export async function onAddSubmit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  clearErrors();
  await whileBusy(form, async () => {
    const fields = readTaskFields('new');
    if (state.selectedListId !== null) fields.list_id = state.selectedListId;
    try {
      const key = { 'Idempotency-Key': createKey(fields) };
      const { data, headers } = await api('POST', '/api/tasks', fields, key);
      state.unansweredCreate = null;
      rememberEtag(data, headers);
      form.reset();
      syncRepeatPicker('new');
      clearFieldErrors(form);
      announce(`Added “${data.title}”.`);
      await loadTasks();
    } catch (err) {
      // An answer (even a 4xx) is replayed for the same key: only an unknown outcome (no
      // answer, or 409 "still running") keeps it for the retry.
      if (err.status !== 0 && err.status !== 409) state.unansweredCreate = null;
      showFieldErrors(form, err);
      showError(err);
    }
  });
  $('#new-title').focus();
}

async function onToggle(task, checkbox) {
  clearErrors();
  try {
    const ifMatch = { 'If-Match': await etagFor(task) };
    const body = { completed: checkbox.checked };
    const { data, headers } = await api('PATCH', `/api/tasks/${task.id}/complete`, body, ifMatch);
    rememberEtag(data, headers);
    announce(checkbox.checked ? 'Marked done.' : 'Reopened.');
    await loadTasks();
  } catch (err) {
    checkbox.checked = !checkbox.checked;
    await onWriteError(err);
  }
}

/**
 * The ETag is read before the dialog opens, so a row that is already stale says so before
 * anything is typed into it; Save then finds it known.
 */
async function openEditor(task) {
  clearErrors();
  try {
    await etagFor(task);
  } catch (err) {
    await onWriteError(err);
    return;
  }
  editing = task;
  $('#edit-title').value = task.title;
  $('#edit-description').value = task.description || '';
  $('#edit-priority').value = task.priority;
  $('#edit-due').value = toLocalInput(task.due_date);
  $('#edit-tags').value = (task.tags || []).join(', ');
  showRecurrence('edit', task.recurrence);
  showReminders(task.reminders || []);
  editingReminders = JSON.stringify(readReminders());
  $('#edit-zone').textContent = task.time_zone;
  clearFieldErrors($('#edit-form'));
  if (!$('#edit-dialog').open) $('#edit-dialog').showModal();
}

export async function onEditSubmit(event) {
  event.preventDefault();
  const task = editing;
  const form = event.currentTarget;
  const fields = { ...readTaskFields('edit'), reminders: readReminders() };
  // The inputs have minute precision (and the rows round a duration to a unit): an untouched
  // due date, and untouched reminders, are sent back exactly as they were.
  if ($('#edit-due').value === toLocalInput(task.due_date)) fields.due_date = task.due_date;
  if (JSON.stringify(fields.reminders) === editingReminders) fields.reminders = task.reminders;
  clearErrors();
  clearFieldErrors(form);
  await whileBusy(form, async () => {
    try {
      const etag = await etagFor(task);
      const { data, headers } = await api('PATCH', `/api/tasks/${task.id}`, fields, { 'If-Match': etag });
      rememberEtag(data, headers);
      $('#edit-dialog').close();
      announce('Task saved.');
      await loadTasks();
    } catch (err) {
      // On a conflict the typed changes go with the dialog: they were made to a version that
      // is gone, and the user sees the newer one first.
      showFieldErrors(form, err);
      await onWriteError(err, '#edit-error');
    }
  });
}

async function onDelete(task) {
  const subtasks = state.siblings.has(task.id) ? ' with its subtasks' : '';
  if (!(await askConfirm(`“${task.title}”${subtasks} will be deleted for good.`))) return;
  clearErrors();
  try {
    const etag = await etagFor(task);
    await api('DELETE', `/api/tasks/${task.id}`, undefined, { 'If-Match': etag });
    state.etags.delete(String(task.id));
    announce(`Deleted “${task.title}”.`);
    await loadTasks();
  } catch (err) {
    await onWriteError(err);
  }
}

function openSubtaskDialog(parent) {
  clearErrors();
  subtaskParent = parent;
  $('#subtask-form').reset();
  $('#subtask-error').textContent = '';
  $('#subtask-parent').textContent = `Under “${parent.title}”`;
  $('#subtask-dialog').showModal();
}

/** A subtask is created in its parent's list, so only parent_id is sent. */
export async function onSubtaskSubmit(event) {
  event.preventDefault();
  const parent = subtaskParent;
  const fields = { title: $('#subtask-title').value.trim(), parent_id: parent.id };
  $('#subtask-error').textContent = '';
  await whileBusy(event.currentTarget, async () => {
    try {
      const key = { 'Idempotency-Key': createKey(fields) };
      const { data, headers } = await api('POST', '/api/tasks', fields, key);
      state.unansweredCreate = null;
      rememberEtag(data, headers);
      $('#subtask-dialog').close();
      announce(`Added subtask “${data.title}” under “${parent.title}”.`);
      await loadTasks();
    } catch (err) {
      if (err.status !== 0 && err.status !== 409) state.unansweredCreate = null;
      showError(err, '#subtask-error');
    }
  });
}

/** One listener for every task row (rows are re-created on each load). */
export function onListEvent(event) {
  const item = event.target.closest('li.task');
  const task = item && state.tasks.get(item.dataset.id);
  if (!task) return;
  if (event.type === 'change' && event.target.matches('.toggle')) onToggle(task, event.target);
  if (event.type !== 'click') return;
  if (event.target.closest('.edit')) openEditor(task);
  if (event.target.closest('.delete')) onDelete(task);
  if (event.target.closest('.add-subtask')) openSubtaskDialog(task);
  if (event.target.closest('.move-to')) openMoveDialog(task);
  if (event.target.closest('.move-up')) moveStep(task, -1);
  if (event.target.closest('.move-down')) moveStep(task, 1);
}
