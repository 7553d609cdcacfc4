/**
 * The fields of the new-task form and of the edit dialog (prefix "new" or "edit"): reading them
 * for the API, the repeat picker, and the edit dialog's reminder rows.
 */

import { $ } from './dom.js';
import { WEEKDAYS, REPEAT_PRESETS, presetOf, ruleInWords, BEFORE_UNITS, splitDuration } from './schedule.js';
import { removeItem } from './messages.js';
import { askNotificationsOnce } from './notify.js';

/** The API's most reminders a task has, and the one "Add reminder" starts from. */
const MAX_REMINDERS = 5;
const NEW_REMINDER = { before: 'PT15M' };

/** <input type=datetime-local> holds local wall-clock time with no zone; the API wants UTC. */
function toIsoUtc(localValue) {
  if (!localValue) return null;
  const date = new Date(localValue);
  return Number.isNaN(date.getTime()) ? null : date.toISOString().replace('.000Z', 'Z');
}

/** The reverse of toIsoUtc: an API timestamp as a datetime-local value in the user's zone. */
export function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function parseTags(text) {
  const tags = text.split(',').map((tag) => tag.trim().toLowerCase()).filter(Boolean);
  return [...new Set(tags)];
}

/** Reads the new-task or edit form; prefix is "new" or "edit". */
export function readTaskFields(prefix) {
  const value = (name) => $(`#${prefix}-${name}`).value;
  return {
    title: value('title').trim(),
    description: value('description').trim() || null,
    priority: value('priority'),
    due_date: toIsoUtc(value('due')),
    tags: parseTags(value('tags')),
    recurrence: readRecurrence(prefix),
  };
}

/**
 * Fills the repeat picker of the form `prefix` ("new" or "edit") from its template: each data-id
 * becomes the id `${prefix}-${id}`, and data-for and data-describedby name those ids.
 */
export function mountRepeatPicker(prefix) {
  const picker = $('#repeat-template').content.cloneNode(true);
  const own = (ids) => ids.split(' ').map((id) => `${prefix}-${id}`).join(' ');
  picker.querySelectorAll('[data-id]').forEach((element) => { element.id = own(element.dataset.id); });
  picker.querySelectorAll('[data-for]').forEach((label) => { label.htmlFor = own(label.dataset.for); });
  picker.querySelectorAll('[data-describedby]').forEach((element) => {
    element.setAttribute('aria-describedby', own(element.dataset.describedby));
  });
  $(`#${prefix}-repeat-days`, picker).append(...WEEKDAYS.map(dayBox));
  const container = $(`#${prefix}-repeat-picker`);
  container.append(picker);
  container.addEventListener('input', (event) => onRepeatInput(prefix, event));
  $(`#${prefix}-due`).addEventListener('input', () => syncRepeatPicker(prefix));
  syncRepeatPicker(prefix);
}

/** A day's box: "Mon" shown, "Monday" its name. */
function dayBox(day) {
  const label = document.createElement('label');
  label.className = 'check';
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.value = day.code;
  box.setAttribute('aria-label', day.name);
  label.append(box, ` ${day.name.slice(0, 3)}`);
  return label;
}

/** The day boxes of picker `prefix`, in WEEKDAYS order. */
const dayBoxes = (prefix) => [...document.querySelectorAll(`#${prefix}-repeat-days input`)];

/** The due date typed in form `prefix` (local time), or null. */
function typedDue(prefix) {
  const value = $(`#${prefix}-due`).value;
  return value ? new Date(value) : null;
}

/** The rule picker `prefix` makes (null: none); "monthly" is on the typed due date's day. */
function readRecurrence(prefix) {
  const preset = $(`#${prefix}-repeat`).value;
  if (preset === 'custom') return $(`#${prefix}-rrule`).value.trim() || null;
  const days = dayBoxes(prefix).filter((box) => box.checked).map((box) => box.value);
  return REPEAT_PRESETS[preset]({ days, dayOfMonth: typedDue(prefix)?.getDate() ?? null });
}

/** Shows `rule` in picker `prefix`; the form's due date must be filled in first. */
export function showRecurrence(prefix, rule) {
  const { name, days } = presetOf(rule, typedDue(prefix)?.getDate() ?? null);
  $(`#${prefix}-repeat`).value = name;
  $(`#${prefix}-rrule`).value = name === 'custom' ? rule : '';
  dayBoxes(prefix).forEach((box) => { box.checked = days.includes(box.value); });
  syncRepeatPicker(prefix);
}

/** Picking "weekly" with no day ticked ticks the due date's (or today's), so the rule runs. */
function onRepeatInput(prefix, event) {
  const boxes = dayBoxes(prefix);
  const weekly = event.target.id === `${prefix}-repeat` && event.target.value === 'weekly';
  if (weekly && !boxes.some((box) => box.checked)) {
    const sundayFirst = (typedDue(prefix) || new Date()).getDay();
    boxes[(sundayFirst + 6) % 7].checked = true;
  }
  syncRepeatPicker(prefix);
}

/**
 * Shows what the preset uses (the day boxes, the rule field) and the rule in words. A weekly
 * rule needs a day and a custom one its text: the browser says so instead of sending.
 */
export function syncRepeatPicker(prefix) {
  const preset = $(`#${prefix}-repeat`).value;
  const boxes = dayBoxes(prefix);
  $(`#${prefix}-repeat-days`).hidden = preset !== 'weekly';
  $(`#${prefix}-rrule-field`).hidden = preset !== 'custom';
  $(`#${prefix}-rrule`).required = preset === 'custom';
  const noDay = preset === 'weekly' && !boxes.some((box) => box.checked);
  boxes[0].setCustomValidity(noDay ? 'Pick at least one day.' : '');
  const rule = readRecurrence(prefix);
  $(`#${prefix}-repeat-words`).textContent = rule ? `Repeats ${ruleInWords(rule)}` : '';
}

/** The edit dialog's rows, one per reminder. */
export function showReminders(reminders) {
  $('#edit-reminders').replaceChildren(...reminders.map(reminderRow));
  syncReminders();
}

/** A row for `spec`; its "before" fields start from NEW_REMINDER's when it is an "at". */
function reminderRow(spec) {
  const row = $('#reminder-template').content.firstElementChild.cloneNode(true);
  const split = splitDuration(spec.before ?? NEW_REMINDER.before);
  $('.reminder-unit', row).replaceChildren(...BEFORE_UNITS.map((unit) => new Option(unit.many, unit.code)));
  $('.reminder-kind', row).value = 'at' in spec ? 'at' : 'before';
  $('.reminder-amount', row).value = split.amount;
  $('.reminder-unit', row).value = split.unit.code;
  $('.reminder-at', row).value = 'at' in spec ? toLocalInput(spec.at) : '';
  syncReminderRow(row);
  return row;
}

const unitOf = (row) => BEFORE_UNITS.find((unit) => unit.code === $('.reminder-unit', row).value);

/** Only the fields of the row's kind are shown, checked and read. */
export function syncReminderRow(row) {
  const at = $('.reminder-kind', row).value === 'at';
  $('.reminder-before', row).hidden = at;
  $('.reminder-amount', row).disabled = at;
  $('.reminder-amount', row).max = unitOf(row).most;
  $('.reminder-at', row).hidden = !at;
  $('.reminder-at', row).disabled = !at;
}

/** Numbers the rows for screen readers; Add is offered while there is room. */
function syncReminders() {
  const rows = [...$('#edit-reminders').children];
  rows.forEach((row, index) => {
    row.setAttribute('aria-label', `Reminder ${index + 1}`);
    $('.remove-reminder', row).setAttribute('aria-label', `Remove reminder ${index + 1}`);
  });
  $('#add-reminder').hidden = rows.length >= MAX_REMINDERS;
}

export function readReminders() {
  return [...$('#edit-reminders').children].map((row) => {
    if ($('.reminder-kind', row).value === 'at') return { at: toIsoUtc($('.reminder-at', row).value) };
    return { before: unitOf(row).iso(Number($('.reminder-amount', row).value)) };
  });
}

export function onAddReminder() {
  askNotificationsOnce();
  const row = reminderRow(NEW_REMINDER);
  $('#edit-reminders').append(row);
  syncReminders();
  $('.reminder-amount', row).focus();
}

export function onRemindersClick(event) {
  const remove = event.target.closest('.remove-reminder');
  if (!remove) return;
  removeItem(remove.closest('.reminder'), '.remove-reminder', $('#add-reminder'));
  syncReminders();
}
