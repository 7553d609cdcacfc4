/**
 * What the page holds: the view's shared state, the sort keys it switches between, and where the
 * bearer token is kept. Imports nothing.
 */

/** The sort key of the user's order; it only means something within one list. */
export const MY_ORDER = 'position';
export const DEFAULT_SORT = '-created_at';

/**
 * What the page shows and what its modules share. A module's own state (the live stream, the
 * task a dialog is open for, a timer) lives in that module.
 */
export const state = {
  filter: 'all',
  /** @type {Map<number|string, object>} tasks currently shown, by id */
  tasks: new Map(),
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
  /**
   * Bumped on every list load so a slow, stale response cannot overwrite a newer one, and on
   * logout, so a load still running then (a live reload, above all) neither renders nor asks more.
   */
  loadSeq: 0,
  /** The ids of the reminder.due events shown, each once: a resumed stream may send one again. */
  remindersShown: new Set(),
};

const TOKEN_KEY = 'todo-api.token';

/**
 * Where the bearer token lives. localStorage (not a cookie) so the page also works inside
 * the Hugging Face Space iframe; if the browser blocks storage there, keep the token in
 * memory so the page still works until it is reloaded.
 */
export const tokenStore = {
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
