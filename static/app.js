'use strict';
/*
 * todo-api web client: plain DOM, no framework, no build step.
 * Runs under a strict CSP (script-src 'self'), so there is no inline script, no inline
 * style, and user data only ever reaches the page through textContent.
 */

const TOKEN_KEY = 'todo-api.token';
const PAGE_SIZE = 200;
const SEARCH_DELAY_MS = 250;
const CHANGED_ELSEWHERE = 'This task was changed elsewhere: reloaded';
const LIST_CHANGED_ELSEWHERE = 'This list was changed elsewhere: reloaded';
/** The colors the API takes for a list (null: none); each has a .color-NAME rule in app.css. */
const LIST_COLORS = ['red', 'orange', 'yellow', 'green', 'teal', 'blue', 'purple', 'pink', 'gray'];
/** The API's depth limit: a task at this level (1 = top level) takes no subtasks. */
const MAX_LEVELS = 4;
/** The sort key of the user's order; it only means something within one list. */
const MY_ORDER = 'position';
const DEFAULT_SORT = '-created_at';
/**
 * The events the page follows (GET /api/events sends each as its `event:` type); reminder.due
 * changes nothing shown: it is said as a notification (onReminderDue).
 */
const LIVE_EVENT_TYPES = [
  'task.created', 'task.updated', 'task.completed', 'task.reopened', 'task.deleted',
  'list.created', 'list.updated', 'list.deleted', 'reminder.due',
];
/** Waits before the next try after a stream failed or could not open: doubling, then the last. */
const LIVE_RETRY_MS = [1000, 2000, 4000, 8000, 15000];
/** Events that come together (a list deleted with its tasks) make one reload. */
const LIVE_RELOAD_DELAY_MS = 150;
/**
 * The live status in the header, by state.live.status. Screen readers hear a sentence for it,
 * and are told only when the stream is lost and when it is back (`announced`): not on sign-in
 * or logout.
 */
const LIVE_STATUS_TEXT = {
  '': { shown: '', spoken: '', announced: '' },
  live: { shown: 'Live', spoken: 'Live updates on', announced: 'Live updates are back.' },
  reconnecting: {
    shown: 'Reconnecting…',
    spoken: 'Live updates: reconnecting…',
    announced: 'Live updates lost: reconnecting…',
  },
};

/** The API's most reminders a task has, and the one "Add reminder" starts from. */
const MAX_REMINDERS = 5;
const NEW_REMINDER = { before: 'PT15M' };
/** The time zone a new user has (the API's default): the page then offers the browser's. */
const DEFAULT_ZONE = 'UTC';
/** Set once this browser has been asked to show notifications (whatever the answer). */
const NOTIFICATIONS_ASKED_KEY = 'todo-api.notifications-asked';

const $ = (selector, root = document) => root.querySelector(selector);

const state = {
  filter: 'all',
  /** @type {Map<number|string, object>} tasks currently shown, by id */
  tasks: new Map(),
  /** The task the edit dialog was opened for, and its reminders as the dialog read them then. */
  editing: null,
  editingReminders: '',
  /** The task the subtask dialog adds to, and the one the move dialog moves. */
  subtaskParent: null,
  moving: null,
  /** The caller's lists as last loaded, in their order; the Inbox is among them. */
  lists: [],
  /** The list whose tasks are shown; null: every list (the view of the API's first contract). */
  selectedListId: null,
  /**
   * The shown tasks grouped by parent_id (null for top level), each group in the order the
   * server sent: with sort=position that is the siblings' order, which moves compute `after` from.
   * @type {Map<number|null, object[]>}
   */
  siblings: new Map(),
  /** The id of the task being dragged, from dragstart to dragend (dragover cannot read the data). */
  draggedId: null,
  /** True while a move is sent and the list reloaded: moves start from what is shown, one at a time. */
  moveRunning: false,
  /**
   * ETags from single-task answers, by id, with the version and creation time they name. The
   * list has versions but no ETags, and an ETag is opaque: it is never built from a version.
   * @type {Map<string, {etag: string, version: number, created_at: string}>}
   */
  etags: new Map(),
  /** The same for lists. A list's version also moves with its tasks' counts. */
  listEtags: new Map(),
  /** The create being sent, or whose answer never arrived: its fields (as JSON) and key. */
  unansweredCreate: null,
  searchTimer: 0,
  /**
   * Bumped on every list load so a slow, stale response cannot overwrite a newer one, and on
   * logout, so a load still running then (a live reload, above all) neither renders nor asks more.
   */
  loadSeq: 0,
  /** The same for the access token list (and bumped on logout, so nothing lands after it). */
  tokensSeq: 0,
  /** The ids of the reminder.due events shown, each once: a resumed stream may send one again. */
  remindersShown: new Set(),
  /**
   * The live event stream. `generation` moves on whenever the stream is started or stopped, so
   * the callbacks of a stopped one (logout) do nothing. `lastEventId`: where the next stream
   * resumes; `failures`: tries since the last stream opened; `retryTimer`: set while waiting
   * for the next try; `status`: '', 'live' or 'reconnecting'.
   */
  live: {
    generation: 0,
    source: null,
    lastEventId: null,
    failures: 0,
    retryTimer: 0,
    reloadTimer: 0,
    status: '',
  },
};

/**
 * Where the bearer token lives. localStorage (not a cookie) so the page also works inside
 * the Hugging Face Space iframe; if the browser blocks storage there, keep the token in
 * memory so the page still works until it is reloaded.
 */
const tokenStore = {
  memory: null,
  get() {
    try { return localStorage.getItem(TOKEN_KEY) ?? this.memory; } catch { return this.memory; }
  },
  set(token) {
    this.memory = token;
    try { localStorage.setItem(TOKEN_KEY, token); } catch { /* memory copy is enough */ }
  },
  clear() {
    this.memory = null;
    try { localStorage.removeItem(TOKEN_KEY); } catch { /* nothing stored */ }
  },
};

/* ---------- HTTP ---------- */

/** `issues`: a 422's problems, each with its `loc` (none for any other error). */
class ApiError extends Error {
  constructor(message, status, issues = []) {
    super(message);
    this.status = status;
    this.issues = issues;
  }
}

/** A write met a newer version of its task than the one the page shows. */
const isConflict = (err) => err.status === 412;

/**
 * Calls the JSON API. Resolves to {data, headers}; rejects with an ApiError whose message
 * is fit to show. A 401 on a request that carried a token means the session is over, so
 * the token is dropped and the login form shown before the error propagates.
 * `extraHeaders` carries If-Match and Idempotency-Key.
 */
async function api(method, path, body, extraHeaders = {}) {
  const token = tokenStore.get();
  const headers = { Accept: 'application/json', ...extraHeaders };
  if (token) headers.Authorization = `Bearer ${token}`;
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError('Cannot reach the server. Check your connection and try again.', 0);
  }
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.ok) return { data, headers: res.headers };
  if (res.status === 401 && token) {
    endSession();
    throw new ApiError('Your session has ended. Please log in again.', 401);
  }
  const issues = res.status === 422 && Array.isArray(data?.detail) ? data.detail : [];
  throw new ApiError(errorMessage(res, data), res.status, issues);
}

/** Turns an error body ({detail: string} or FastAPI's {detail: [...]}) into one sentence. */
function errorMessage(res, data) {
  const detail = data && data.detail;
  if (Array.isArray(detail) && detail.length) return detail.map(formatIssue).join('; ');
  let message = typeof detail === 'string' && detail ? detail : `Request failed (HTTP ${res.status}).`;
  const retryAfter = res.headers.get('Retry-After');
  if (res.status === 429 && /^\d+$/.test(retryAfter || '')) {
    message += ` Try again in ${retryAfter} s.`;
  }
  return message;
}

/** A validation item's loc is like ["body", "title"]: show it as "title: message". */
function formatIssue(issue) {
  const field = (issue.loc || []).filter((part) => part !== 'body' && part !== 'query').join('.');
  return field ? `${field}: ${issueMessage(issue)}` : issueMessage(issue);
}

const issueMessage = (issue) => String(issue.msg || 'is invalid').replace(/^Value error, /, '');

/* ---------- messages ---------- */

/** 401s always go to the page-level area: the dialog they happened in is closed by then. */
function showError(err, where = '#error') {
  const target = err.status === 401 ? '#error' : where;
  $(target).textContent = err.message || String(err);
}

function clearErrors() {
  $('#error').textContent = '';
  $('#edit-error').textContent = '';
}

/**
 * Puts each problem of a 422 about a field of `form` next to that field too: in the form's
 * `[data-error-for=FIELD]` element (for loc ["body", FIELD, …]), after its data-label, or after
 * its data-item and number when the problem is about one item of a list field ("Reminder 2:").
 * The inputs that element describes are marked invalid. The form's error area still says all.
 */
function showFieldErrors(form, err) {
  clearFieldErrors(form);
  for (const issue of err.issues) {
    const [where, field, index] = issue.loc || [];
    const slot = where === 'body' && $(`[data-error-for="${CSS.escape(String(field))}"]`, form);
    if (!slot) continue;
    const label = slot.dataset.item && Number.isInteger(index) ? `${slot.dataset.item} ${index + 1}` : slot.dataset.label;
    slot.textContent = [slot.textContent, `${label}: ${issueMessage(issue)}`].filter(Boolean).join(' ');
    form.querySelectorAll(`:is(input, select, textarea)[aria-describedby~="${slot.id}"]`).forEach((control) => {
      control.setAttribute('aria-invalid', 'true');
    });
  }
}

function clearFieldErrors(form) {
  form.querySelectorAll('[data-error-for]').forEach((slot) => { slot.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((control) => control.removeAttribute('aria-invalid'));
}

/** Tells screen-reader users about a change they cannot otherwise perceive. */
function announce(message) {
  $('#status').textContent = message;
}

/** Disables a form's buttons while its request runs, so a double click sends one request. */
async function whileBusy(form, work) {
  const buttons = form.querySelectorAll('button');
  buttons.forEach((button) => { button.disabled = true; });
  form.setAttribute('aria-busy', 'true');
  try {
    await work();
  } finally {
    buttons.forEach((button) => { button.disabled = false; });
    form.removeAttribute('aria-busy');
  }
}

/* ---------- session ---------- */

function showSignedIn(signedIn) {
  $('#auth-view').hidden = signedIn;
  $('#app-view').hidden = !signedIn;
  $('#account').hidden = !signedIn;
}

async function startSession(user) {
  $('#user-name').textContent = user.name || user.email;
  $('#user-name').title = user.email;
  showSignedIn(true);
  startLive();
  await Promise.all([adoptBrowserZone(user), loadTasks()]);
}

/**
 * A user still on the default zone whose browser is in another one is given the browser's, once
 * (the user's is then no longer the default): new tasks repeat and remind at the user's local
 * clock time. A zone the server does not know leaves the user's as it was.
 */
async function adoptBrowserZone(user) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (user.time_zone !== DEFAULT_ZONE || !zone || zone === DEFAULT_ZONE) return;
  try {
    await api('PATCH', '/api/auth/me', { time_zone: zone });
  } catch {
    // The user stays on the default zone (a 401 has ended the session already).
  }
}

function endSession() {
  stopLive();
  state.loadSeq += 1;
  tokenStore.clear();
  state.tasks.clear();
  state.siblings.clear();
  state.etags.clear();
  state.listEtags.clear();
  state.lists = [];
  state.selectedListId = null;
  state.unansweredCreate = null;
  state.remindersShown.clear();
  $('#tasks').replaceChildren();
  $('#notices').replaceChildren();
  $('#sort').value = DEFAULT_SORT;
  closeRenameForm();
  renderLists();
  resetTokensPanel();
  document.querySelectorAll('dialog[open]').forEach((dialog) => dialog.close());
  showSignedIn(false);
}

/** On page load, a stored token is only trusted once /api/auth/me accepts it. */
async function restoreSession() {
  if (!tokenStore.get()) {
    showSignedIn(false);
    return;
  }
  try {
    const { data } = await api('GET', '/api/auth/me');
    await startSession(data);
  } catch (err) {
    showSignedIn(false);
    showError(err);
  }
}

async function onAuthSubmit(event) {
  event.preventDefault();
  const isSignup = event.submitter && event.submitter.id === 'signup';
  const body = { email: $('#email').value.trim(), password: $('#password').value };
  const name = $('#name').value.trim();
  if (isSignup && name) body.name = name;
  clearErrors();
  await whileBusy(event.currentTarget, async () => {
    try {
      const { data } = await api('POST', isSignup ? '/api/auth/signup' : '/api/auth/login', body);
      tokenStore.set(data.access_token);
      $('#password').value = '';
      await startSession(data.user);
      $('#new-title').focus();
    } catch (err) {
      showError(err);
    }
  });
}

function onLogout() {
  clearErrors();
  endSession();
  announce('Logged out.');
  $('#email').focus();
}

/* ---------- dates and fields ---------- */

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** <input type=datetime-local> holds local wall-clock time with no zone; the API wants UTC. */
function toIsoUtc(localValue) {
  if (!localValue) return null;
  const date = new Date(localValue);
  return Number.isNaN(date.getTime()) ? null : date.toISOString().replace('.000Z', 'Z');
}

/** The reverse of toIsoUtc: an API timestamp as a datetime-local value in the user's zone. */
function toLocalInput(iso) {
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
function readTaskFields(prefix) {
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

/* ---------- repeating ---------- */

/**
 * Fills the repeat picker of the form `prefix` ("new" or "edit") from its template: each data-id
 * becomes the id `${prefix}-${id}`, and data-for and data-describedby name those ids.
 */
function mountRepeatPicker(prefix) {
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
function showRecurrence(prefix, rule) {
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
function syncRepeatPicker(prefix) {
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

/* ---------- reminders ---------- */

/** "15 minutes before", "at Dec 7, 2026, 8:00 AM". */
function reminderWords(spec) {
  return 'at' in spec ? `at ${dateFormat.format(new Date(spec.at))}` : `${durationWords(spec.before)} before`;
}

/** The edit dialog's rows, one per reminder. */
function showReminders(reminders) {
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
function syncReminderRow(row) {
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

function readReminders() {
  return [...$('#edit-reminders').children].map((row) => {
    if ($('.reminder-kind', row).value === 'at') return { at: toIsoUtc($('.reminder-at', row).value) };
    return { before: unitOf(row).iso(Number($('.reminder-amount', row).value)) };
  });
}

function onAddReminder() {
  askNotificationsOnce();
  const row = reminderRow(NEW_REMINDER);
  $('#edit-reminders').append(row);
  syncReminders();
  $('.reminder-amount', row).focus();
}

function onRemindersClick(event) {
  const remove = event.target.closest('.remove-reminder');
  if (!remove) return;
  removeItem(remove.closest('.reminder'), '.remove-reminder', $('#add-reminder'));
  syncReminders();
}

/**
 * Removes `item` from its list; the focus goes to the same button (`selector`) of the next item,
 * or the one before, else to `fallback` (if any).
 */
function removeItem(item, selector, fallback) {
  const neighbour = item.nextElementSibling || item.previousElementSibling;
  item.remove();
  const target = neighbour ? $(selector, neighbour) : fallback;
  if (target) target.focus();
}

/* ---------- task list ---------- */

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
async function loadTasks() {
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

function renderCount(matching, all, pending, shown) {
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
function renderTasks(tasks, allCount) {
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
const rowOf = (id) => $(`li.task[data-id="${CSS.escape(String(id))}"]`);

/**
 * Focuses control `.name` of task `id`'s row; a move button disabled there (the task is now
 * first or last) hands the focus to the other one, and no such control to the row itself.
 * Resolves false when the task is not shown.
 */
function focusTask(id, name) {
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
const siblingsOf = (task) => state.siblings.get(task.parent_id) || [];

/** Its level: 1 at the top; a task whose parent is not shown is counted as just below it. */
function levelOf(task) {
  let level = 1;
  for (let parent = task; parent && parent.parent_id !== null; level += 1) {
    parent = state.tasks.get(String(parent.parent_id));
  }
  return level;
}

/** Reordering shows what it does only in one list, sorted by the user's order. */
const canReorder = () => state.selectedListId !== null && $('#sort').value === MY_ORDER;

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

function renderTags(list, tags) {
  list.hidden = tags.length === 0;
  list.replaceChildren(...tags.map((tag) => {
    const chip = document.createElement('li');
    chip.className = 'chip';
    chip.textContent = tag;
    return chip;
  }));
}

/* ---------- write safety ---------- */

/**
 * Keeps the ETag of a single-task answer (or, with `store` state.listEtags, a single-list
 * answer), so the next edit of that version needs no GET.
 */
function rememberEtag(entity, headers, store = state.etags) {
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

const etagFor = (task) => currentEtag(`/api/tasks/${task.id}`, task, state.etags, CHANGED_ELSEWHERE);
const listEtagFor = (list) => {
  return currentEtag(`/api/lists/${list.id}`, list, state.listEtags, LIST_CHANGED_ELSEWHERE);
};

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
async function onWriteError(err, where, conflictMessage = CHANGED_ELSEWHERE) {
  if (isConflict(err)) await onConflict(conflictMessage);
  else showError(err, where);
}

/** crypto.randomUUID() needs a secure context; a page served over plain http on a LAN has none. */
function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The Idempotency-Key for creating `fields` at `path`: a fresh one per create, except that
 * sending the same fields again after an answer was lost (the task may exist already) reuses
 * the key, so the server replays that task instead of creating a second one.
 */
function createKey(fields, path = '/api/tasks') {
  const json = JSON.stringify([path, fields]);
  if (!state.unansweredCreate || state.unansweredCreate.json !== json) {
    state.unansweredCreate = { json, key: newKey() };
  }
  return state.unansweredCreate.key;
}

/* ---------- task actions ---------- */

async function onAddSubmit(event) {
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
  state.editing = task;
  $('#edit-title').value = task.title;
  $('#edit-description').value = task.description || '';
  $('#edit-priority').value = task.priority;
  $('#edit-due').value = toLocalInput(task.due_date);
  $('#edit-tags').value = (task.tags || []).join(', ');
  showRecurrence('edit', task.recurrence);
  showReminders(task.reminders || []);
  state.editingReminders = JSON.stringify(readReminders());
  $('#edit-zone').textContent = task.time_zone;
  clearFieldErrors($('#edit-form'));
  if (!$('#edit-dialog').open) $('#edit-dialog').showModal();
}

async function onEditSubmit(event) {
  event.preventDefault();
  const task = state.editing;
  const form = event.currentTarget;
  const fields = { ...readTaskFields('edit'), reminders: readReminders() };
  // The inputs have minute precision (and the rows round a duration to a unit): an untouched
  // due date, and untouched reminders, are sent back exactly as they were.
  if ($('#edit-due').value === toLocalInput(task.due_date)) fields.due_date = task.due_date;
  if (JSON.stringify(fields.reminders) === state.editingReminders) fields.reminders = task.reminders;
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

/**
 * In-page stand-in for window.confirm(), which a sandboxed iframe (the Space page) may block.
 * `heading` and `action` (the confirming button) default to deleting a task.
 */
function askConfirm(message, heading = 'Delete task?', action = 'Delete') {
  const dialog = $('#confirm-dialog');
  $('#confirm-heading').textContent = heading;
  $('#confirm-ok').textContent = action;
  $('#confirm-message').textContent = message;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
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

/* ---------- subtasks ---------- */

function openSubtaskDialog(parent) {
  clearErrors();
  state.subtaskParent = parent;
  $('#subtask-form').reset();
  $('#subtask-error').textContent = '';
  $('#subtask-parent').textContent = `Under “${parent.title}”`;
  $('#subtask-dialog').showModal();
}

/** A subtask is created in its parent's list, so only parent_id is sent. */
async function onSubtaskSubmit(event) {
  event.preventDefault();
  const parent = state.subtaskParent;
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

/* ---------- moving tasks ---------- */

/**
 * Sends one move of `task` (If-Match: the version shown) and reloads. `describe(moved)` says
 * what happened once the new order is shown. A move asked for while another runs is dropped:
 * each move is computed from the order shown, which the running one is about to change.
 * Resolves to whether the task moved.
 */
async function sendMove(task, destination, describe) {
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
function placeOf(id) {
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
function moveStep(task, step) {
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
function onListKeydown(event) {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
  if (event.target.matches('select, textarea, input:not([type="checkbox"])')) return;
  const item = event.target.closest('li.task');
  const task = item && state.tasks.get(item.dataset.id);
  if (!task) return;
  event.preventDefault();
  moveStep(task, event.key === 'ArrowUp' ? -1 : 1);
}

function openMoveDialog(task) {
  clearErrors();
  const others = state.lists.filter((list) => list.id !== task.list_id);
  if (others.length === 0) return;
  state.moving = task;
  $('#move-message').textContent = task.parent_id === null
    ? `“${task.title}” goes last in the list you choose, with its subtasks.`
    : `“${task.title}” goes last in the list you choose, as a top-level task, with its subtasks.`;
  $('#move-list').replaceChildren(...others.map((list) => new Option(list.name, list.id)));
  $('#move-dialog').showModal();
}

async function onMoveSubmit(event) {
  event.preventDefault();
  const task = state.moving;
  const list = listById(Number($('#move-list').value));
  $('#move-dialog').close();
  await moveToList(task, list);
}

/**
 * Another list: the task goes last there, top level (sent without parent_id), its subtasks with
 * it. When the shown list loses it, the focus goes to the row that took its place (or the one
 * before, or its parent), as a deleted line's would.
 */
async function moveToList(task, list) {
  const siblings = siblingsOf(task);
  const index = siblings.indexOf(task);
  const neighbours = [siblings[index + 1], siblings[index - 1], state.tasks.get(String(task.parent_id))];
  const describe = (done) => `Moved “${done.title}” to “${list.name}”.`;
  const moved = await sendMove(task, { list_id: list.id }, describe);
  if (!moved || rowOf(task.id)) return;
  const next = neighbours.find((neighbour) => neighbour && rowOf(neighbour.id));
  if (!next || !focusTask(next.id, 'move-to')) $('#new-title').focus();
}

/* ---------- drag and drop ---------- */

/**
 * The handle drags its row; dropping it on a sibling reorders, on a list in the sidebar moves.
 * Any drag starts by forgetting the last one: a row re-rendered while dragged never sees its
 * dragend (the event goes to the detached node).
 */
function onDragStart(event) {
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

function onDragEnd() {
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
function onDocumentDragOver(event) {
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

function onTaskDragOver(event) {
  const spot = dropSpot(event);
  clearDropMarks();
  if (!spot) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = 'move';
  spot.row.classList.add(spot.before ? 'drop-before' : 'drop-after');
}

/** Before the target: after the sibling before it (not the dragged task itself), or first. */
function onTaskDrop(event) {
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

function onListDragOver(event) {
  const spot = dropList(event);
  clearDropMarks();
  if (!spot) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = 'move';
  spot.button.classList.add('drop-target');
}

function onListDrop(event) {
  const spot = dropList(event);
  onDragEnd();
  if (!spot) return;
  event.preventDefault();
  moveToList(spot.dragged, spot.list);
}

/** One listener for every task row (rows are re-created on each load). */
function onListEvent(event) {
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

function setFilter(filter) {
  state.filter = filter;
  document.querySelectorAll('[data-filter]').forEach((button) => {
    button.setAttribute('aria-pressed', String(button.dataset.filter === filter));
  });
  loadTasks();
}

function onSearchInput() {
  clearTimeout(state.searchTimer);
  state.searchTimer = setTimeout(loadTasks, SEARCH_DELAY_MS);
}

/* ---------- lists ---------- */

const listById = (id) => state.lists.find((list) => list.id === id) || null;
const selectedList = () => listById(state.selectedListId);
const defaultList = () => state.lists.find((list) => list.is_default) || null;

/** Keeps the loaded lists; a shown list that is gone (deleted elsewhere) gives way to every list. */
function keepLists(lists) {
  state.lists = lists;
  if (state.selectedListId !== null && !selectedList()) selectList(null, false);
}

/**
 * Shows list `listId` (null: every list). The user's order only means something within one
 * list: it is the sort when a list is picked from the every-list view, and gives way to the
 * default sort in that view. `load` false: the caller loads.
 */
function selectList(listId, load = true) {
  const fromEveryList = state.selectedListId === null;
  state.selectedListId = listId;
  if (listId !== null && fromEveryList) $('#sort').value = MY_ORDER;
  if (listId === null && $('#sort').value === MY_ORDER) $('#sort').value = DEFAULT_SORT;
  closeRenameForm();
  if (!load) return null;
  clearErrors();
  renderLists();
  return loadTasks();
}

/** The sidebar, the phone's picker, the list's heading and tools, all from `state.lists`. */
function renderLists() {
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

function reorderHint() {
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
function focusSelectedList() {
  const button = $(`.list-button[data-list-id="${CSS.escape(String(state.selectedListId ?? ''))}"]`);
  if (button && button.offsetParent !== null) button.focus();
  else $('#list-picker').focus();
}

function onListsClick(event) {
  const button = event.target.closest('.list-button');
  if (!button) return;
  selectList(button.dataset.listId === '' ? null : Number(button.dataset.listId));
}

function onPickerChange() {
  const value = $('#list-picker').value;
  selectList(value === '' ? null : Number(value));
}

function fillColors(select) {
  const none = new Option('None', '');
  select.replaceChildren(none, ...LIST_COLORS.map((color) => {
    return new Option(color[0].toUpperCase() + color.slice(1), color);
  }));
}

/** A new list goes last and is shown at once, ready for its first task. */
async function onAddListSubmit(event) {
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

function openRenameForm() {
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
function closeRenameForm(focus = false) {
  const form = $('#rename-form');
  if (form.hidden) return;
  form.hidden = true;
  $('#list-tools').hidden = state.selectedListId === null;
  if (focus) $('#rename-list').focus();
}

async function onRenameSubmit(event) {
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

function onRenameKeydown(event) {
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
async function onDeleteList() {
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

/* ---------- live updates ---------- */

/**
 * Follows the caller's events, so a change made in another tab or device shows here within a
 * second. EventSource sends no headers: each stream is opened with a one-use ticket (never the
 * token in a URL), so EventSource's own reconnect (the same URL) would be refused; the page
 * closes a failed stream and opens a new one, with a new ticket, from the last event it had.
 * A browser without EventSource has no live updates (the page works as before).
 */
function startLive() {
  stopLive();
  if (typeof EventSource === 'function') connectLive(state.live.generation);
}

/** Closes the stream and forgets it: on logout, or before a new session's. */
function stopLive() {
  const live = state.live;
  live.generation += 1;
  if (live.source) live.source.close();
  live.source = null;
  live.lastEventId = null;
  live.failures = 0;
  clearTimeout(live.retryTimer);
  clearTimeout(live.reloadTimer);
  live.retryTimer = 0;
  live.reloadTimer = 0;
  setLiveStatus('');
}

/** Asks for a ticket and opens a stream with it, unless the stream was stopped meanwhile. */
async function connectLive(generation) {
  let ticket;
  try {
    ({ ticket } = (await api('POST', '/api/events/tickets')).data);
  } catch {
    // A 401 has ended the session (and this stream with it); anything else, the server down or
    // restarting above all, is tried again later.
    if (generation === state.live.generation) retryLive();
    return;
  }
  if (generation === state.live.generation) openLiveStream(ticket);
}

/** The stream of `ticket`: from the last event the page had, or from now on the first one. */
function openLiveStream(ticket) {
  const live = state.live;
  const params = new URLSearchParams({ ticket });
  const resumed = live.lastEventId !== null;
  if (resumed) params.set('last_event_id', live.lastEventId);
  const source = new EventSource(`/api/events?${params}`);
  live.source = source;
  // Only live.source's events count: a stream closed (failed, or stopped) is no longer it.
  const isCurrent = () => live.source === source;
  source.addEventListener('open', () => {
    if (!isCurrent()) return;
    live.failures = 0;
    setLiveStatus('live');
    // A stream that resumes replays what it missed; a new one starts from now, and what
    // changed before it opened is only in a reload.
    if (!resumed) scheduleLiveReload();
  });
  source.addEventListener('error', () => {
    if (!isCurrent()) return;
    source.close();
    live.source = null;
    retryLive();
  });
  // The events after the one resumed from are gone: only a reload shows where things are.
  source.addEventListener('resync', () => {
    if (isCurrent()) scheduleLiveReload();
  });
  LIVE_EVENT_TYPES.forEach((type) => source.addEventListener(type, onLiveEvent));
}

/**
 * The next try, later each time (by up to a fifth less, so that pages do not all come at once).
 * A pending retryTimer is the current stream's (stopLive clears it).
 */
function retryLive() {
  const live = state.live;
  setLiveStatus('reconnecting');
  const wait = LIVE_RETRY_MS[Math.min(live.failures, LIVE_RETRY_MS.length - 1)];
  live.failures += 1;
  live.retryTimer = setTimeout(() => {
    live.retryTimer = 0;
    connectLive(live.generation);
  }, Math.round(wait * (0.8 + Math.random() * 0.2)));
}

/** Back online while waiting to try again: the try is now rather than after the wait. */
function onOnline() {
  const live = state.live;
  if (!live.retryTimer) return;
  clearTimeout(live.retryTimer);
  live.retryTimer = 0;
  connectLive(live.generation);
}

function onLiveEvent(message) {
  const live = state.live;
  if (message.target !== live.source) return;
  if (message.lastEventId) live.lastEventId = message.lastEventId;
  let event = null;
  try {
    event = JSON.parse(message.data);
  } catch {
    // Not understood: the reload shows what it was.
  }
  if (message.type === 'reminder.due') {
    if (event && event.data) onReminderDue(event);
  } else if (!event || !event.data || showsSomethingNew(message.type, event.data)) {
    scheduleLiveReload();
  }
}

/**
 * Whether an event's task or list differs from what the page shows or wrote itself (its own
 * writes reload already). The ETag kept for an older version, or a deleted one, is dropped:
 * the next write reads the current one (and, when the page still shows the older version,
 * finds the conflict before sending anything).
 */
function showsSomethingNew(type, data) {
  const entity = data.task || data.list;
  if (!entity || entity.id === undefined) return true;
  const key = String(entity.id);
  const etags = data.task ? state.etags : state.listEtags;
  const shown = data.task ? state.tasks.get(key) : listById(entity.id);
  const kept = etags.get(key);
  // The same task or list (a SQLite id can come back for a new one) at the event's version or later.
  const isCurrent = (known) => Boolean(known)
    && known.created_at === entity.created_at && known.version >= entity.version;
  const deleted = type.endsWith('.deleted');
  if (kept && (deleted || !isCurrent(kept))) etags.delete(key);
  return deleted || ![shown, kept].some(isCurrent);
}

/**
 * Reloads the view soon (once for events that come together), through loadTasks and its
 * loadSeq, so a slower, older answer never wins. Open dialogs and forms keep what is typed in
 * them (a save of a version changed meanwhile meets the conflict handling); a drag or a move
 * under way is let finish first, as both work from the order shown (and reload afterwards).
 */
function scheduleLiveReload() {
  const live = state.live;
  if (live.reloadTimer) return;
  live.reloadTimer = setTimeout(() => {
    live.reloadTimer = 0;
    const dragging = state.draggedId !== null && document.querySelector('.dragging');
    if (dragging || state.moveRunning) scheduleLiveReload();
    else loadTasks();
  }, LIVE_RELOAD_DELAY_MS);
}

/** Shows `status`; the announcement only on a change between 'live' and 'reconnecting'. */
function setLiveStatus(status) {
  const live = state.live;
  if (status === live.status) return;
  const text = LIVE_STATUS_TEXT[status];
  const element = $('#live-status');
  element.hidden = status === '';
  element.classList.toggle('reconnecting', status === 'reconnecting');
  $('#live-status-text').textContent = text.shown;
  $('#live-status-spoken').textContent = text.spoken;
  $('#live-announce').textContent = live.status && status ? text.announced : '';
  live.status = status;
}

/* ---------- reminder notifications ---------- */

/** "granted", "denied", "default" (not answered yet), or "unsupported". */
const notificationPermission = () => (typeof Notification === 'function' ? Notification.permission : 'unsupported');

/**
 * Asks to show notifications when the first reminder is added in this browser, from that click
 * (browsers ask only from one). Whatever the answer, or none, it is not asked again: without
 * permission, reminders show in the page.
 */
function askNotificationsOnce() {
  if (notificationPermission() !== 'default') return;
  try {
    if (localStorage.getItem(NOTIFICATIONS_ASKED_KEY)) return;
    localStorage.setItem(NOTIFICATIONS_ASKED_KEY, 'yes');
  } catch {
    // Storage blocked: nothing remembers the question, so each added reminder asks.
  }
  Notification.requestPermission();
}

/**
 * A reminder.due event: a system notification where the browser shows them (tagged with the
 * event's id, so the tabs of one browser show one), else a notice in the page. Each event is
 * shown once (state.remindersShown).
 */
function onReminderDue(event) {
  const { task, reminder } = event.data;
  const id = String(event.id);
  if (!task || !reminder || state.remindersShown.has(id)) return;
  state.remindersShown.add(id);
  const due = task.due_date ? `Due ${dateFormat.format(new Date(task.due_date))}` : '';
  const text = [due, `Reminder ${reminderWords(reminder)}`].filter(Boolean).join(' · ');
  if (!notify(task.title, text, id)) showNotice(task.title, text);
}

/** A system notification; false without permission, or where pages may not make one (Android). */
function notify(title, body, tag) {
  if (notificationPermission() !== 'granted') return false;
  try {
    new Notification(title, { body, tag });
    return true;
  } catch {
    return false;
  }
}

/** A notice in #notices (a polite live region, so it is heard); it stays until dismissed. */
function showNotice(title, text) {
  const notice = $('#notice-template').content.firstElementChild.cloneNode(true);
  $('.notice-title', notice).textContent = title;
  $('.notice-text', notice).textContent = text;
  $('.notice-dismiss', notice).setAttribute('aria-label', `Dismiss the reminder of “${title}”`);
  $('#notices').append(notice);
}

/** The focus goes to the next notice; after the last one, it stays where the browser puts it. */
function onNoticesClick(event) {
  const dismiss = event.target.closest('.notice-dismiss');
  if (dismiss) removeItem(dismiss.closest('.notice'), '.notice-dismiss', null);
}

/* ---------- access tokens ---------- */

/** The list is read each time the panel opens (so "last used" is fresh), not on page load. */
function onTokensToggle() {
  if ($('#tokens-panel').open) loadTokens();
}

async function loadTokens() {
  const seq = ++state.tokensSeq;
  try {
    const { data } = await api('GET', '/api/auth/tokens');
    if (seq === state.tokensSeq) renderTokens(data);
  } catch (err) {
    showTokenError(err);
  }
}

function renderTokens(tokens) {
  $('#token-list').replaceChildren(...tokens.map(renderToken));
  $('#tokens-empty').hidden = tokens.length > 0;
}

function renderToken(token) {
  const item = $('#token-template').content.firstElementChild.cloneNode(true);
  item.dataset.id = token.id;
  $('.token-name', item).textContent = token.name;
  renderTags($('.token-scopes', item), token.scopes);
  $('.created', item).textContent = dateFormat.format(new Date(token.created_at));
  renderExpiry($('.expires', item), token.expires_at);
  $('.last-used', item).textContent = token.last_used_at ? dateFormat.format(new Date(token.last_used_at)) : 'never';
  const revoke = $('.revoke', item);
  revoke.setAttribute('aria-label', `Revoke “${token.name}”`);
  revoke.addEventListener('click', () => onRevoke(token));
  return item;
}

/** An expired token is still listed (until revoked), so say that it no longer works. */
function renderExpiry(element, expiresAt) {
  if (!expiresAt) {
    element.textContent = 'never';
    return;
  }
  const expires = new Date(expiresAt);
  const expired = expires.getTime() <= Date.now();
  element.textContent = `${expired ? 'expired ' : ''}${dateFormat.format(expires)}`;
  element.classList.toggle('expired', expired);
}

/**
 * The page's error area is at the top; the panel is at the bottom, out of sight on a phone,
 * so the message is brought into view (a screen reader hears it either way: role=alert).
 */
function showTokenError(err) {
  showError(err);
  $('#error').scrollIntoView({ block: 'nearest' });
}

/** A checkbox group has no `required`: the first box carries the "at least one" rule. */
function checkScopes() {
  const none = !$('#token-scope-read').checked && !$('#token-scope-write').checked;
  $('#token-scope-read').setCustomValidity(none ? 'Pick at least one scope.' : '');
}

function readTokenFields() {
  const scopes = [...document.querySelectorAll('#token-form input[name="scopes"]:checked')];
  const expiry = $('#token-expiry').value;
  return {
    name: $('#token-name').value.trim(),
    scopes: scopes.map((box) => box.value),
    expires_in_days: expiry === 'never' ? null : Number(expiry),
  };
}

/**
 * No Idempotency-Key here, unlike a task create: the server keeps a keyed answer to replay
 * it, and this answer holds the token itself, which must exist nowhere but in this one reply.
 */
async function onTokenSubmit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  clearErrors();
  await whileBusy(form, async () => {
    try {
      const { data } = await api('POST', '/api/auth/tokens', readTokenFields());
      form.reset();
      checkScopes();
      showCreatedToken(data);
      announce(`Token “${data.name}” created. Copy it now: it won't be shown again.`);
      await loadTokens();
    } catch (err) {
      showTokenError(err);
    }
  });
}

/**
 * The token lives only in this read-only field (never in localStorage or in `state`): hiding
 * the box, logging out or reloading the page loses it for good (the field's autocomplete=off
 * stops a browser that refills fields on a reload, Firefox for one, from bringing it back).
 */
function showCreatedToken(created) {
  const box = $('#token-created');
  box.dataset.id = created.id;
  $('#token-created-name').textContent = `“${created.name}”`;
  $('#token-value').value = created.token;
  $('#token-copy-status').textContent = '';
  box.hidden = false;
  $('#token-value').focus();
  $('#token-value').select();
}

function hideCreatedToken() {
  const box = $('#token-created');
  $('#token-value').value = '';
  $('#token-copy-status').textContent = '';
  delete box.dataset.id;
  box.hidden = true;
}

/**
 * navigator.clipboard exists only in a secure context (not a page served over plain http on a
 * LAN) and may be refused (the Space iframe without clipboard-write): then the text is
 * selected for the user to copy by hand.
 */
async function onCopyToken() {
  const field = $('#token-value');
  const status = $('#token-copy-status');
  try {
    if (!navigator.clipboard || !navigator.clipboard.writeText) throw new Error('no clipboard');
    await navigator.clipboard.writeText(field.value);
    status.textContent = 'Copied to the clipboard.';
  } catch {
    field.focus();
    field.select();
    status.textContent = 'The token is selected: press Ctrl+C (⌘C on a Mac) to copy it.';
  }
}

function onTokenDone() {
  hideCreatedToken();
  $('#token-name').focus();
}

async function onRevoke(token) {
  const message = `“${token.name}” will stop working at once, for every script or agent using it.`;
  if (!(await askConfirm(message, 'Revoke token?', 'Revoke'))) return;
  clearErrors();
  try {
    await api('DELETE', `/api/auth/tokens/${token.id}`);
    if ($('#token-created').dataset.id === String(token.id)) hideCreatedToken();
    announce(`Revoked “${token.name}”.`);
    await loadTokens();
    $('#token-name').focus();
  } catch (err) {
    showTokenError(err);
    // 404: revoked meanwhile (another tab): the list should stop showing it.
    if (err.status === 404) await loadTokens();
  }
}

/** Logging out leaves nothing of the account's tokens on the page, the shown one above all. */
function resetTokensPanel() {
  state.tokensSeq += 1;
  hideCreatedToken();
  $('#token-form').reset();
  checkScopes();
  $('#token-list').replaceChildren();
  $('#tokens-empty').hidden = true;
  $('#tokens-panel').open = false;
}

/* ---------- start ---------- */

function init() {
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
  window.addEventListener('online', onOnline);
  restoreSession();
}

init();
