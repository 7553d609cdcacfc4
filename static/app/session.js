/** Signing up, logging in and out, and what starts and ends with a session. */

import { $ } from './dom.js';
import { DEFAULT_SORT, state, tokenStore } from './state.js';
import { api } from './api.js';
import { showError, clearErrors, announce, whileBusy } from './messages.js';
import { renderLists, closeRenameForm } from './lists-view.js';
import { loadTasks } from './page.js';
import { startLive, stopLive } from './live.js';
import { resetTokensPanel } from './tokens.js';
import { resetConnectionsPanel } from './connections.js';
import { resetDataPanel } from './your-data.js';

/** The time zone a new user has (the API's default): the page then offers the browser's. */
const DEFAULT_ZONE = 'UTC';

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

export function endSession() {
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
  resetConnectionsPanel();
  resetDataPanel();
  document.querySelectorAll('dialog[open]').forEach((dialog) => dialog.close());
  showSignedIn(false);
}

/** On page load, a stored token is only trusted once /api/auth/me accepts it. */
export async function restoreSession() {
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

export async function onAuthSubmit(event) {
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

export function onLogout() {
  clearErrors();
  endSession();
  announce('Logged out.');
  $('#email').focus();
}
