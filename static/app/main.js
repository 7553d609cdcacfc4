/*
 * todo-api web client: plain DOM, no framework, no build step: ES modules, this one first
 * (index.html loads it as <script type="module">; the others come through its imports).
 * Runs under a strict CSP (script-src 'self'), so there is no inline script, no inline
 * style, and user data only ever reaches the page through textContent.
 * This module wires the page and does nothing else.
 */

import { $ } from './dom.js';
import { MY_ORDER, DEFAULT_SORT } from './state.js';
import { describeRule, durationWords } from './schedule.js';
import { onSessionEnd } from './api.js';
import { fillColors, openRenameForm, closeRenameForm } from './lists-view.js';
import { onNoticesClick } from './notify.js';
import { mountRepeatPicker, syncReminderRow, onAddReminder, onRemindersClick } from './task-form.js';
import { loadTasks } from './page.js';
import { onOnline } from './live.js';
import { onListKeydown, onMoveSubmit } from './moving.js';
import {
  onDragStart, onDragEnd, onDocumentDragOver, onTaskDragOver, onTaskDrop, onListDragOver, onListDrop,
} from './drag.js';
import { onAddSubmit, onEditSubmit, onSubtaskSubmit, onListEvent } from './task-actions.js';
import {
  setFilter, onSearchInput, onListsClick, onPickerChange, onAddListSubmit, onRenameSubmit, onRenameKeydown,
  onDeleteList,
} from './list-actions.js';
import { onTokensToggle, checkScopes, onTokenSubmit, onCopyToken, onTokenDone } from './tokens.js';
import { onConnectionsToggle } from './connections.js';
import { onExport, onImportCheck, onImportConfirm, onImportCancel } from './your-data.js';
import { endSession, restoreSession, onAuthSubmit, onLogout } from './session.js';

/** Each control to its handler, then the stored session (if any) resumed. */
function init() {
  // A 401 on a request that carried the token ends the session (api.js cannot import session.js).
  onSessionEnd(endSession);
  $('#auth-form').addEventListener('submit', onAuthSubmit);
  $('#logout').addEventListener('click', onLogout);
  $('#new-task').addEventListener('submit', onAddSubmit);
  $('#tasks').addEventListener('change', onListEvent);
  $('#tasks').addEventListener('click', onListEvent);
  $('#tasks').addEventListener('keydown', onListKeydown);
  document.addEventListener('dragstart', onDragStart);
  document.addEventListener('dragend', onDragEnd);
  document.addEventListener('dragover', onDocumentDragOver);
  $('#tasks').addEventListener('dragover', onTaskDragOver);
  $('#tasks').addEventListener('drop', onTaskDrop);
  $('#lists').addEventListener('click', onListsClick);
  $('#lists').addEventListener('dragover', onListDragOver);
  $('#lists').addEventListener('drop', onListDrop);
  $('#list-picker').addEventListener('change', onPickerChange);
  // Every list is shown first, where the user's order means nothing (a browser may have
  // restored the sort from the last visit).
  if ($('#sort').value === MY_ORDER) $('#sort').value = DEFAULT_SORT;
  fillColors($('#new-list-color'));
  fillColors($('#rename-color'));
  $('#new-list').addEventListener('submit', onAddListSubmit);
  $('#rename-list').addEventListener('click', openRenameForm);
  $('#rename-form').addEventListener('submit', onRenameSubmit);
  $('#rename-form').addEventListener('keydown', onRenameKeydown);
  $('#rename-cancel').addEventListener('click', () => closeRenameForm(true));
  $('#delete-list').addEventListener('click', onDeleteList);
  $('#subtask-form').addEventListener('submit', onSubtaskSubmit);
  $('#subtask-cancel').addEventListener('click', () => $('#subtask-dialog').close());
  $('#move-form').addEventListener('submit', onMoveSubmit);
  $('#move-cancel').addEventListener('click', () => $('#move-dialog').close());
  document.querySelectorAll('[data-filter]').forEach((button) => {
    button.addEventListener('click', () => setFilter(button.dataset.filter));
  });
  $('#search').addEventListener('input', onSearchInput);
  $('#sort').addEventListener('change', loadTasks);
  $('#edit-form').addEventListener('submit', onEditSubmit);
  mountRepeatPicker('new');
  mountRepeatPicker('edit');
  $('#add-reminder').addEventListener('click', onAddReminder);
  $('#edit-reminders').addEventListener('click', onRemindersClick);
  $('#edit-reminders').addEventListener('input', (event) => syncReminderRow(event.target.closest('.reminder')));
  $('#notices').addEventListener('click', onNoticesClick);
  $('#edit-cancel').addEventListener('click', () => $('#edit-dialog').close());
  $('#confirm-cancel').addEventListener('click', () => $('#confirm-dialog').close('cancel'));
  $('#confirm-ok').addEventListener('click', () => $('#confirm-dialog').close('ok'));
  $('#tokens-panel').addEventListener('toggle', onTokensToggle);
  $('#token-form').addEventListener('submit', onTokenSubmit);
  $('#token-scope-read').addEventListener('change', checkScopes);
  $('#token-scope-write').addEventListener('change', checkScopes);
  $('#token-copy').addEventListener('click', onCopyToken);
  $('#token-done').addEventListener('click', onTokenDone);
  $('#connections-panel').addEventListener('toggle', onConnectionsToggle);
  $('#export-data').addEventListener('click', onExport);
  $('#import-form').addEventListener('submit', onImportCheck);
  $('#import-confirm').addEventListener('click', onImportConfirm);
  $('#import-cancel').addEventListener('click', onImportCancel);
  window.addEventListener('online', onOnline);
  restoreSession();
}

// The page's words for a rule or a duration, for whoever asks from the console (the browser
// tests do): describeRule('FREQ=WEEKLY;BYDAY=MO'), durationWords('PT15M').
Object.assign(window, { describeRule, durationWords });

init();
