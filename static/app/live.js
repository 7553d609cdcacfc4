/**
 * Live updates: the page follows the caller's events (GET /api/events) and reloads its view when
 * one shows something it does not show yet.
 */

import { $ } from './dom.js';
import { state } from './state.js';
import { api } from './api.js';
import { listById } from './lists-view.js';
import { onReminderDue } from './notify.js';
import { loadTasks } from './page.js';

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
 * The live status in the header, by live.status. Screen readers hear a sentence for it,
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

/**
 * The live event stream. `generation` moves on whenever the stream is started or stopped, so
 * the callbacks of a stopped one (logout) do nothing. `lastEventId`: where the next stream
 * resumes; `failures`: tries since the last stream opened; `retryTimer`: set while waiting
 * for the next try; `status`: '', 'live' or 'reconnecting'.
 */
const live = {
  generation: 0,
  source: null,
  lastEventId: null,
  failures: 0,
  retryTimer: 0,
  reloadTimer: 0,
  status: '',
};

/**
 * Follows the caller's events, so a change made in another tab or device shows here within a
 * second. EventSource sends no headers: each stream is opened with a one-use ticket (never the
 * token in a URL), so EventSource's own reconnect (the same URL) would be refused; the page
 * closes a failed stream and opens a new one, with a new ticket, from the last event it had.
 * A browser without EventSource has no live updates (the page works as before).
 */
export function startLive() {
  stopLive();
  if (typeof EventSource === 'function') connectLive(live.generation);
}

/** Closes the stream and forgets it: on logout, or before a new session's. */
export function stopLive() {
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
    if (generation === live.generation) retryLive();
    return;
  }
  if (generation === live.generation) openLiveStream(ticket);
}

/** The stream of `ticket`: from the last event the page had, or from now on the first one. */
function openLiveStream(ticket) {
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
  setLiveStatus('reconnecting');
  const wait = LIVE_RETRY_MS[Math.min(live.failures, LIVE_RETRY_MS.length - 1)];
  live.failures += 1;
  live.retryTimer = setTimeout(() => {
    live.retryTimer = 0;
    connectLive(live.generation);
  }, Math.round(wait * (0.8 + Math.random() * 0.2)));
}

/** Back online while waiting to try again: the try is now rather than after the wait. */
export function onOnline() {
  if (!live.retryTimer) return;
  clearTimeout(live.retryTimer);
  live.retryTimer = 0;
  connectLive(live.generation);
}

function onLiveEvent(message) {
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
