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

const $ = (selector, root = document) => root.querySelector(selector);

const state = {
  filter: 'all',
  /** @type {Map<number|string, object>} tasks currently shown, by id */
  tasks: new Map(),
  /** The task the edit dialog was opened for. */
  editing: null,
  /**
   * ETags from single-task answers, by id, with the version and creation time they name. The
   * list has versions but no ETags, and an ETag is opaque: it is never built from a version.
   * @type {Map<string, {etag: string, version: number, created_at: string}>}
   */
  etags: new Map(),
  /** The create being sent, or whose answer never arrived: its fields (as JSON) and key. */
  unansweredCreate: null,
  searchTimer: 0,
  /** Bumped on every list load so a slow, stale response cannot overwrite a newer one. */
  loadSeq: 0,
  /** The same for the access token list (and bumped on logout, so nothing lands after it). */
  tokensSeq: 0,
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

class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
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
  throw new ApiError(errorMessage(res, data), res.status);
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
  const message = String(issue.msg || 'is invalid').replace(/^Value error, /, '');
  return field ? `${field}: ${message}` : message;
}

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
  await loadTasks();
}

function endSession() {
  tokenStore.clear();
  state.tasks.clear();
  state.etags.clear();
  state.unansweredCreate = null;
  $('#tasks').replaceChildren();
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
  };
}

/* ---------- task list ---------- */

function listPath() {
  const params = new URLSearchParams({ status: state.filter, sort: $('#sort').value, limit: PAGE_SIZE });
  const q = $('#search').value.trim();
  if (q) params.set('q', q);
  return `/api/tasks?${params}`;
}

const totalOf = (response) => Number(response.headers.get('X-Total-Count') ?? response.data.length);

/**
 * Loads the current view plus the overall and pending totals for the counter. Resolves to
 * false when that failed (the error is shown).
 */
async function loadTasks() {
  const seq = ++state.loadSeq;
  try {
    const [list, all, pending] = await Promise.all([
      api('GET', listPath()),
      api('GET', '/api/tasks?status=all&limit=1'),
      api('GET', '/api/tasks?status=pending&limit=1'),
    ]);
    if (seq !== state.loadSeq) return true;
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

/** Re-renders the list, keeping keyboard focus on the same control of the same task. */
function renderTasks(tasks, allCount) {
  const focused = document.activeElement && document.activeElement.closest('li.task');
  const focusKey = focused && [focused.dataset.id, document.activeElement.className.split(' ').pop()];

  state.tasks = new Map(tasks.map((task) => [String(task.id), task]));
  $('#tasks').replaceChildren(...tasks.map(renderTask));
  const empty = $('#empty');
  empty.hidden = tasks.length > 0;
  empty.textContent = allCount === 0 ? 'No tasks yet. Add your first one above.' : 'No tasks match this view.';

  if (focusKey) {
    const item = $(`li.task[data-id="${CSS.escape(focusKey[0])}"]`);
    const control = item && $(`.${CSS.escape(focusKey[1])}`, item);
    if (control) control.focus();
  }
}

function renderTask(task) {
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
  renderTags($('.tags', item), task.tags || []);
  $('.edit', item).setAttribute('aria-label', `Edit “${task.title}”`);
  $('.delete', item).setAttribute('aria-label', `Delete “${task.title}”`);
  return item;
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

/** Keeps the ETag of a single-task answer, so the next edit of that version needs no GET. */
function rememberEtag(task, headers) {
  const etag = headers.get('ETag');
  if (!etag) return;
  state.etags.set(String(task.id), { etag, version: task.version, created_at: task.created_at });
}

/**
 * The ETag of the version of `task` the page shows, for If-Match. One not seen in a
 * single-task answer yet is read with a GET; if the server has moved past the shown version,
 * sending that GET's ETag would overwrite a change the user never saw, so that is a conflict
 * too. (created_at too: a SQLite id can come back for a new task.)
 */
async function etagFor(task) {
  const same = (known) => known.version === task.version && known.created_at === task.created_at;
  const known = state.etags.get(String(task.id));
  if (known && same(known)) return known.etag;
  const { data, headers } = await api('GET', `/api/tasks/${task.id}`);
  rememberEtag(data, headers);
  if (!same(data)) throw new ApiError(CHANGED_ELSEWHERE, 412);
  return headers.get('ETag');
}

/** Nothing was written: show the newer version, and say why the edit did not happen. */
async function onConflict() {
  document.querySelectorAll('dialog[open]').forEach((dialog) => dialog.close());
  if (await loadTasks()) $('#error').textContent = CHANGED_ELSEWHERE;
}

/** A failed write: a conflict reloads and says so, anything else is shown as it is. */
async function onWriteError(err, where) {
  if (isConflict(err)) await onConflict();
  else showError(err, where);
}

/** crypto.randomUUID() needs a secure context; a page served over plain http on a LAN has none. */
function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The Idempotency-Key for creating `fields`: a fresh one per create, except that sending the
 * same fields again after an answer was lost (the task may exist already) reuses the key, so
 * the server replays that task instead of creating a second one.
 */
function createKey(fields) {
  const json = JSON.stringify(fields);
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
    try {
      const key = { 'Idempotency-Key': createKey(fields) };
      const { data, headers } = await api('POST', '/api/tasks', fields, key);
      state.unansweredCreate = null;
      rememberEtag(data, headers);
      form.reset();
      announce(`Added “${data.title}”.`);
      await loadTasks();
    } catch (err) {
      // An answer (even a 4xx) is replayed for the same key: only an unknown outcome (no
      // answer, or 409 "still running") keeps it for the retry.
      if (err.status !== 0 && err.status !== 409) state.unansweredCreate = null;
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
  if (!$('#edit-dialog').open) $('#edit-dialog').showModal();
}

async function onEditSubmit(event) {
  event.preventDefault();
  const task = state.editing;
  const fields = readTaskFields('edit');
  // The input has minute precision: an untouched due date is sent back exactly as it was.
  if ($('#edit-due').value === toLocalInput(task.due_date)) fields.due_date = task.due_date;
  clearErrors();
  await whileBusy(event.currentTarget, async () => {
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
  if (!(await askConfirm(`“${task.title}” will be deleted for good.`))) return;
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

/** One listener for every task row (rows are re-created on each load). */
function onListEvent(event) {
  const item = event.target.closest('li.task');
  const task = item && state.tasks.get(item.dataset.id);
  if (!task) return;
  if (event.type === 'change' && event.target.matches('.toggle')) onToggle(task, event.target);
  if (event.type === 'click' && event.target.closest('.edit')) openEditor(task);
  if (event.type === 'click' && event.target.closest('.delete')) onDelete(task);
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
  document.querySelectorAll('[data-filter]').forEach((button) => {
    button.addEventListener('click', () => setFilter(button.dataset.filter));
  });
  $('#search').addEventListener('input', onSearchInput);
  $('#sort').addEventListener('change', loadTasks);
  $('#edit-form').addEventListener('submit', onEditSubmit);
  $('#edit-cancel').addEventListener('click', () => $('#edit-dialog').close());
  $('#confirm-cancel').addEventListener('click', () => $('#confirm-dialog').close('cancel'));
  $('#confirm-ok').addEventListener('click', () => $('#confirm-dialog').close('ok'));
  $('#tokens-panel').addEventListener('toggle', onTokensToggle);
  $('#token-form').addEventListener('submit', onTokenSubmit);
  $('#token-scope-read').addEventListener('change', checkScopes);
  $('#token-scope-write').addEventListener('change', checkScopes);
  $('#token-copy').addEventListener('click', onCopyToken);
  $('#token-done').addEventListener('click', onTokenDone);
  restoreSession();
}

init();
