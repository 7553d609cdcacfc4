/** Drag and drop of a task by its handle; moving.js sends the move. */

import { $ } from './dom.js';
import { state } from './state.js';
import { listById, canReorder } from './lists-view.js';
import { siblingsOf } from './task-view.js';
import { sendMove, placeOf, moveToList } from './moving.js';

/**
 * The handle drags its row; dropping it on a sibling reorders, on a list in the sidebar moves.
 * Any drag starts by forgetting the last one: a row re-rendered while dragged never sees its
 * dragend (the event goes to the detached node).
 */
export function onDragStart(event) {
  state.draggedId = null;
  const item = event.target.closest && event.target.closest('li.task');
  if (!item || !event.target.matches('.drag-handle')) return;
  state.draggedId = item.dataset.id;
  event.dataTransfer.effectAllowed = 'move';
  event.dataTransfer.setData('text/plain', item.dataset.id);
  const row = $(':scope > .task-row', item);
  event.dataTransfer.setDragImage(row, 12, 12);
  row.classList.add('dragging');
}

export function onDragEnd() {
  state.draggedId = null;
  clearDropMarks();
  document.querySelectorAll('.dragging').forEach((element) => element.classList.remove('dragging'));
}

function clearDropMarks() {
  document.querySelectorAll('.drop-before, .drop-after, .drop-target').forEach((element) => {
    element.classList.remove('drop-before', 'drop-after', 'drop-target');
  });
}

/** Over anything that took no drop (the handlers below call preventDefault when one would). */
export function onDocumentDragOver(event) {
  if (!event.defaultPrevented) clearDropMarks();
}

const draggedTask = () => (state.draggedId === null ? null : state.tasks.get(state.draggedId));

/**
 * Where a drop over `event` would put the dragged task among its siblings: {target, before},
 * `before` true in the upper half of the target's row; null over anything but a sibling's row.
 */
function dropSpot(event) {
  const dragged = draggedTask();
  const item = event.target.closest && event.target.closest('li.task');
  const target = item && state.tasks.get(item.dataset.id);
  if (!dragged || !target || target === dragged || target.parent_id !== dragged.parent_id) return null;
  if (!canReorder()) return null;
  const row = $(':scope > .task-row', item);
  const box = row.getBoundingClientRect();
  return { target, row, before: event.clientY < box.top + box.height / 2 };
}

export function onTaskDragOver(event) {
  const spot = dropSpot(event);
  clearDropMarks();
  if (!spot) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = 'move';
  spot.row.classList.add(spot.before ? 'drop-before' : 'drop-after');
}

/** Before the target: after the sibling before it (not the dragged task itself), or first. */
export function onTaskDrop(event) {
  const spot = dropSpot(event);
  const dragged = draggedTask();
  onDragEnd();
  if (!spot) return;
  event.preventDefault();
  const others = siblingsOf(dragged).filter((task) => task !== dragged);
  const targetIndex = others.indexOf(spot.target);
  let after = spot.target.id;
  if (spot.before) after = targetIndex === 0 ? null : others[targetIndex - 1].id;
  const siblings = siblingsOf(dragged);
  const now = siblings.indexOf(dragged);
  if ((now === 0 ? null : siblings[now - 1].id) === after) return;  // it is there already
  sendMove(dragged, { after }, (moved) => `Moved “${moved.title}”: ${placeOf(moved.id)}.`);
}

/** A list in the sidebar takes a task of any other list. */
function dropList(event) {
  const button = event.target.closest && event.target.closest('.list-button');
  const list = button && listById(Number(button.dataset.listId));
  const dragged = draggedTask();
  return list && dragged && list.id !== dragged.list_id ? { button, list, dragged } : null;
}

export function onListDragOver(event) {
  const spot = dropList(event);
  clearDropMarks();
  if (!spot) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = 'move';
  spot.button.classList.add('drop-target');
}

export function onListDrop(event) {
  const spot = dropList(event);
  onDragEnd();
  if (!spot) return;
  event.preventDefault();
  moveToList(spot.dragged, spot.list);
}
