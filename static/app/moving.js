/**
 * Moving a task: one place up or down among its siblings (buttons, Alt+Arrow), or to another
 * list (the Move to… dialog). drag.js moves through the same calls.
 */

import { $ } from './dom.js';
import { state } from './state.js';
import { api } from './api.js';
import { rememberEtag, etagFor } from './write-safety.js';
import { clearErrors, announce } from './messages.js';
import { listById, canReorder, reorderHint } from './lists-view.js';
import { rowOf, focusTask, siblingsOf } from './task-view.js';
import { loadTasks, onWriteError } from './page.js';

/** The task the move dialog moves. */
let moving = null;

/**
 * Sends one move of `task` (If-Match: the version shown) and reloads. `describe(moved)` says
 * what happened once the new order is shown. A move asked for while another runs is dropped:
 * each move is computed from the order shown, which the running one is about to change.
 * Resolves to whether the task moved.
 */
export async function sendMove(task, destination, describe) {
  if (state.moveRunning) return false;
  state.moveRunning = true;
  clearErrors();
  try {
    const ifMatch = { 'If-Match': await etagFor(task) };
    const { data, headers } = await api('POST', `/api/tasks/${task.id}/move`, destination, ifMatch);
    rememberEtag(data, headers);
    await loadTasks();
    announce(describe(data));
    return true;
  } catch (err) {
    await onWriteError(err);
    return false;
  } finally {
    state.moveRunning = false;
  }
}

/** "2 of 5" for task `id` among its siblings as shown now, or '' when it is not shown. */
export function placeOf(id) {
  const task = state.tasks.get(String(id));
  const siblings = task ? siblingsOf(task) : [];
  const index = siblings.indexOf(task);
  return index < 0 ? '' : `${index + 1} of ${siblings.length}`;
}

/**
 * One place up (step -1) or down (+1) among the shown siblings. The server places a task right
 * after `after` (null: first), so up is "after the one before the previous one" and down is
 * "after the next one"; siblings hidden by a filter stay where they are.
 */
export function moveStep(task, step) {
  if (!canReorder()) {
    announce(reorderHint());
    return;
  }
  const siblings = siblingsOf(task);
  const target = siblings.indexOf(task) + step;
  if (target < 0 || target >= siblings.length) {
    announce(`“${task.title}” is ${step < 0 ? 'first' : 'last'} already.`);
    return;
  }
  let after = siblings[target].id;
  if (step < 0) after = target === 0 ? null : siblings[target - 1].id;
  const direction = step < 0 ? 'up' : 'down';
  sendMove(task, { after }, (moved) => `Moved “${moved.title}” ${direction}: ${placeOf(moved.id)}.`);
}

/** Alt+ArrowUp / Alt+ArrowDown on any control of a row (a select keeps its own Alt+Arrow). */
export function onListKeydown(event) {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
  if (event.target.matches('select, textarea, input:not([type="checkbox"])')) return;
  const item = event.target.closest('li.task');
  const task = item && state.tasks.get(item.dataset.id);
  if (!task) return;
  event.preventDefault();
  moveStep(task, event.key === 'ArrowUp' ? -1 : 1);
}

export function openMoveDialog(task) {
  clearErrors();
  const others = state.lists.filter((list) => list.id !== task.list_id);
  if (others.length === 0) return;
  moving = task;
  $('#move-message').textContent = task.parent_id === null
    ? `“${task.title}” goes last in the list you choose, with its subtasks.`
    : `“${task.title}” goes last in the list you choose, as a top-level task, with its subtasks.`;
  $('#move-list').replaceChildren(...others.map((list) => new Option(list.name, list.id)));
  $('#move-dialog').showModal();
}

export async function onMoveSubmit(event) {
  event.preventDefault();
  const task = moving;
  const list = listById(Number($('#move-list').value));
  $('#move-dialog').close();
  await moveToList(task, list);
}

/**
 * Another list: the task goes last there, top level (sent without parent_id), its subtasks with
 * it. When the shown list loses it, the focus goes to the row that took its place (or the one
 * before, or its parent), as a deleted line's would.
 */
export async function moveToList(task, list) {
  const siblings = siblingsOf(task);
  const index = siblings.indexOf(task);
  const neighbours = [siblings[index + 1], siblings[index - 1], state.tasks.get(String(task.parent_id))];
  const describe = (done) => `Moved “${done.title}” to “${list.name}”.`;
  const moved = await sendMove(task, { list_id: list.id }, describe);
  if (!moved || rowOf(task.id)) return;
  const next = neighbours.find((neighbour) => neighbour && rowOf(neighbour.id));
  if (!next || !focusTask(next.id, 'move-to')) $('#new-title').focus();
}
