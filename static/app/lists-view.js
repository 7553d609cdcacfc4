/**
 * The list of lists: the sidebar, the phone's picker, the shown list's heading and tools, and
 * its rename form, all drawn from `state.lists`.
 */

import { $ } from './dom.js';
import { MY_ORDER, DEFAULT_SORT, state } from './state.js';
import { clearErrors } from './messages.js';

/** The colors the API takes for a list (null: none); each has a .color-NAME rule in app.css. */
const LIST_COLORS = ['red', 'orange', 'yellow', 'green', 'teal', 'blue', 'purple', 'pink', 'gray'];

export const listById = (id) => state.lists.find((list) => list.id === id) || null;
export const selectedList = () => listById(state.selectedListId);
export const defaultList = () => state.lists.find((list) => list.is_default) || null;

/** Reordering shows what it does only in one list, sorted by the user's order. */
export const canReorder = () => state.selectedListId !== null && $('#sort').value === MY_ORDER;

/** Keeps the loaded lists; a shown list that is gone (deleted elsewhere) gives way to every list. */
export function keepLists(lists) {
  state.lists = lists;
  if (state.selectedListId !== null && !selectedList()) showList(null);
}

/**
 * Makes list `listId` (null: every list) the one shown. The user's order only means something
 * within one list: it is the sort when a list is picked from the every-list view, and gives way
 * to the default sort in that view. The caller renders and loads.
 */
export function showList(listId) {
  const fromEveryList = state.selectedListId === null;
  state.selectedListId = listId;
  if (listId !== null && fromEveryList) $('#sort').value = MY_ORDER;
  if (listId === null && $('#sort').value === MY_ORDER) $('#sort').value = DEFAULT_SORT;
  closeRenameForm();
}

/** The sidebar, the phone's picker, the list's heading and tools, all from `state.lists`. */
export function renderLists() {
  const focusedId = document.activeElement && document.activeElement.matches('.list-button')
    ? document.activeElement.dataset.listId : null;
  const everyList = { id: null, name: 'All tasks', color: null, open_count: sumOpen() };
  const entries = [everyList, ...state.lists];
  $('#lists').replaceChildren(...entries.map(renderListEntry));
  $('#list-picker').replaceChildren(...entries.map((list) => {
    const option = new Option(`${list.name} (${list.open_count} open)`, list.id ?? '');
    option.selected = list.id === state.selectedListId;
    return option;
  }));
  if (focusedId !== null) $(`.list-button[data-list-id="${CSS.escape(focusedId)}"]`)?.focus();
  renderListHead(selectedList() || everyList);
}

const sumOpen = () => state.lists.reduce((sum, list) => sum + list.open_count, 0);

function renderListEntry(list) {
  const item = $('#list-template').content.firstElementChild.cloneNode(true);
  const button = $('.list-button', item);
  button.dataset.listId = list.id ?? '';
  if (list.id === state.selectedListId) button.setAttribute('aria-current', 'true');
  paintDot($('.list-dot', item), list.color);
  $('.list-name', item).textContent = list.name;
  const count = $('.list-count', item);
  count.textContent = String(list.open_count);
  const unit = document.createElement('span');
  unit.className = 'visually-hidden';
  unit.textContent = ' open';
  count.append(unit);
  return item;
}

/** The color is a class (the CSP allows no inline style); .no-color keeps the names aligned. */
function paintDot(dot, color) {
  dot.className = `list-dot ${color ? `color-${color}` : 'no-color'}`;
}

function renderListHead(list) {
  paintDot($('#list-heading-dot'), list.color);
  $('#list-heading-name').textContent = list.name;
  $('#tasks-heading').textContent = list.id === null ? 'Tasks' : `Tasks in “${list.name}”`;
  $('#list-tools').hidden = list.id === null || !$('#rename-form').hidden;
  $('#rename-list').setAttribute('aria-label', `Rename list “${list.name}”`);
  const del = $('#delete-list');
  del.setAttribute('aria-label', `Delete list “${list.name}”`);
  // The Inbox cannot go (the server answers 409): the button is off and the note says why.
  del.disabled = Boolean(list.is_default);
  $('#inbox-note').hidden = !list.is_default;
  if (list.is_default) del.setAttribute('aria-describedby', 'inbox-note');
  else del.removeAttribute('aria-describedby');
  // Without a list_id a new task goes to the Inbox.
  const target = list.id !== null ? list : defaultList();
  $('#new-task-where').textContent = target ? `in “${target.name}”` : '';
  const myOrder = $('#sort-position');
  myOrder.disabled = list.id === null;
  myOrder.textContent = list.id === null ? 'My order (pick a list)' : 'My order';
  renderReorderHint();
}

export function reorderHint() {
  if (state.selectedListId === null) return 'Pick a list to put its tasks in your order.';
  if (!canReorder()) return 'Sort by “My order” to put the tasks in your order.';
  return 'Move up and Move down, or Alt+↑ and Alt+↓ on a task, change the order.';
}

/** The handle is hidden on a phone (app.css), and so is the sentence about it. */
function renderReorderHint() {
  const hint = $('#reorder-hint');
  hint.textContent = reorderHint();
  if (!canReorder()) return;
  const drag = document.createElement('span');
  drag.className = 'wide-only';
  drag.textContent = ' So does dragging a task by its handle (⠿).';
  hint.append(drag);
}

/** The selected list's entry in whichever of the sidebar and the picker is shown. */
export function focusSelectedList() {
  const button = $(`.list-button[data-list-id="${CSS.escape(String(state.selectedListId ?? ''))}"]`);
  if (button && button.offsetParent !== null) button.focus();
  else $('#list-picker').focus();
}

export function fillColors(select) {
  const none = new Option('None', '');
  select.replaceChildren(none, ...LIST_COLORS.map((color) => {
    return new Option(color[0].toUpperCase() + color.slice(1), color);
  }));
}

export function openRenameForm() {
  const list = selectedList();
  if (!list) return;
  clearErrors();
  $('#rename-name').value = list.name;
  $('#rename-color').value = list.color || '';
  $('#rename-form').hidden = false;
  $('#list-tools').hidden = true;
  $('#rename-name').focus();
  $('#rename-name').select();
}

/** Hides the rename form; `focus`: back onto the Rename button (the user cancelled or saved). */
export function closeRenameForm(focus = false) {
  const form = $('#rename-form');
  if (form.hidden) return;
  form.hidden = true;
  $('#list-tools').hidden = state.selectedListId === null;
  if (focus) $('#rename-list').focus();
}
