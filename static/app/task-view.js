/** The shown tasks as a tree of rows, the counter above them, and dates and reminders in words. */

import { $ } from './dom.js';
import { state } from './state.js';
import { ruleInWords, durationWords } from './schedule.js';
import { canReorder } from './lists-view.js';

/** The API's depth limit: a task at this level (1 = top level) takes no subtasks. */
const MAX_LEVELS = 4;

export const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "15 minutes before", "at Dec 7, 2026, 8:00 AM". */
export function reminderWords(spec) {
  return 'at' in spec ? `at ${dateFormat.format(new Date(spec.at))}` : `${durationWords(spec.before)} before`;
}

export function renderCount(matching, all, pending, shown) {
  let text = all === 0 ? 'No tasks yet' : `${pending} of ${all} pending`;
  if (shown < matching) text += ` · showing ${shown} of ${matching}`;
  else if (matching !== all) text += ` · ${matching} shown`;
  $('#count').textContent = text;
}

/**
 * Re-renders the list as a tree (subtasks nested under their parent), keeping keyboard focus
 * on the same control of the same task: a task moved by keyboard keeps the focus wherever it
 * lands. A task whose parent is not shown (filtered out, or past the page) is shown at the top
 * level, so no shown task is ever hidden.
 */
export function renderTasks(tasks, allCount) {
  const focused = document.activeElement && document.activeElement.closest('li.task');
  const focusKey = focused && [focused.dataset.id, document.activeElement.className.split(' ').pop()];
  state.tasks = new Map(tasks.map((task) => [String(task.id), task]));
  state.siblings = groupBy(tasks, (task) => task.parent_id);
  const nested = groupBy(tasks, (task) => (state.tasks.has(String(task.parent_id)) ? task.parent_id : null));
  const branch = (task) => renderTask(task, (nested.get(task.id) || []).map(branch));
  $('#tasks').replaceChildren(...(nested.get(null) || []).map(branch));
  const empty = $('#empty');
  empty.hidden = tasks.length > 0;
  empty.textContent = allCount === 0 ? 'No tasks yet. Add your first one above.' : 'No tasks match this view.';
  if (focusKey) focusTask(focusKey[0], focusKey[1]);
}

/** `items` in groups by `keyOf(item)`, each group keeping the items' order. */
function groupBy(items, keyOf) {
  const groups = new Map();
  for (const item of items) {
    const key = keyOf(item);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(item);
  }
  return groups;
}

/** The row of task `id` as shown now, or null. */
export const rowOf = (id) => $(`li.task[data-id="${CSS.escape(String(id))}"]`);

/**
 * Focuses control `.name` of task `id`'s row; a move button disabled there (the task is now
 * first or last) hands the focus to the other one, and no such control to the row itself.
 * Resolves false when the task is not shown.
 */
export function focusTask(id, name) {
  const item = rowOf(id);
  if (!item) return false;
  const other = { 'move-up': 'move-down', 'move-down': 'move-up' }[name];
  const control = [name, other].filter(Boolean)
    .map((className) => $(`:scope > .task-row .${CSS.escape(className)}`, item))
    .find((element) => element && !element.disabled && element.offsetParent !== null);
  (control || item).focus();
  return true;
}

/** The shown tasks under the same parent as `task`, in order, `task` among them. */
export const siblingsOf = (task) => state.siblings.get(task.parent_id) || [];

/** Its level: 1 at the top; a task whose parent is not shown is counted as just below it. */
function levelOf(task) {
  let level = 1;
  for (let parent = task; parent && parent.parent_id !== null; level += 1) {
    parent = state.tasks.get(String(parent.parent_id));
  }
  return level;
}

function renderTask(task, subtaskItems) {
  const item = $('#task-template').content.firstElementChild.cloneNode(true);
  item.dataset.id = task.id;
  item.classList.toggle('done', task.completed);
  const toggle = $('.toggle', item);
  toggle.checked = task.completed;
  toggle.setAttribute('aria-label', `Done: ${task.title}`);
  $('.title', item).textContent = task.title;
  const badge = $('.priority', item);
  badge.textContent = task.priority;
  badge.classList.add(`priority-${task.priority}`);
  const description = $('.description', item);
  description.textContent = task.description || '';
  description.hidden = !task.description;
  renderDue($('.due', item), task);
  renderSchedule(item, task);
  renderTags($('.tags', item), task.tags || []);
  $('.edit', item).setAttribute('aria-label', `Edit “${task.title}”`);
  $('.delete', item).setAttribute('aria-label', `Delete “${task.title}”`);
  renderTaskTools(item, task);
  const subtasks = $('.subtasks', item);
  subtasks.setAttribute('aria-label', `Subtasks of “${task.title}”`);
  subtasks.replaceChildren(...subtaskItems);
  subtasks.hidden = subtaskItems.length === 0;
  return item;
}

/** Add subtask (not past the depth limit), Move to… (when there is another list), up and down. */
function renderTaskTools(item, task) {
  const addSubtask = $('.add-subtask', item);
  addSubtask.setAttribute('aria-label', `Add subtask to “${task.title}”`);
  addSubtask.hidden = levelOf(task) >= MAX_LEVELS;
  const moveTo = $('.move-to', item);
  moveTo.setAttribute('aria-label', `Move to another list: “${task.title}”`);
  moveTo.hidden = state.lists.length < 2;
  const siblings = siblingsOf(task);
  $('.reorder', item).hidden = !canReorder() || siblings.length < 2;
  // The handle drops on a sibling (when reordering) or on another list in the sidebar.
  // (Its grid column stays, so the rows keep their alignment.)
  $('.drag-handle', item).classList.toggle('unused', !canReorder() && state.lists.length < 2);
  const up = $('.move-up', item);
  const down = $('.move-down', item);
  up.setAttribute('aria-label', `Move up: “${task.title}”`);
  down.setAttribute('aria-label', `Move down: “${task.title}”`);
  up.disabled = siblings[0] === task;
  down.disabled = siblings[siblings.length - 1] === task;
}

function renderDue(element, task) {
  element.hidden = !task.due_date;
  if (!task.due_date) return;
  const due = new Date(task.due_date);
  const overdue = !task.completed && due.getTime() < Date.now();
  element.dateTime = task.due_date;
  element.textContent = `${overdue ? 'Overdue' : 'Due'} ${dateFormat.format(due)}`;
  element.classList.toggle('overdue', overdue);
}

/** The rule in words after ↻, the reminders after 🔔: each only when the task has one. */
function renderSchedule(item, task) {
  const reminders = task.reminders || [];
  $('.repeat-info', item).hidden = !task.recurrence;
  $('.repeat-text', item).textContent = task.recurrence ? ruleInWords(task.recurrence) : '';
  $('.reminders-info', item).hidden = reminders.length === 0;
  $('.reminders-text', item).textContent = reminders.map(reminderWords).join(', ');
}

export function renderTags(list, tags) {
  list.hidden = tags.length === 0;
  list.replaceChildren(...tags.map((tag) => {
    const chip = document.createElement('li');
    chip.className = 'chip';
    chip.textContent = tag;
    return chip;
  }));
}
