/**
 * The OAuth consent page (served by the OAuth door, oauth/pages/consent.html): when this
 * browser is signed in at `/` (the page keeps its login token in this origin's storage), the
 * page says who is signed in and Approve needs no password; the form then sends that token,
 * to this service only, with the form's own cross-site protection. Without JavaScript, or
 * without a live session, the page asks for the email and password.
 */

import { $ } from './app/dom.js';
import { tokenStore } from './app/state.js';

/** The signed-in user, or null when the stored token is missing or no longer accepted. */
async function signedInUser(token) {
  try {
    const res = await fetch('/api/auth/me', { headers: { Accept: 'application/json', Authorization: `Bearer ${token}` } });
    return res.ok ? await res.json() : null;
  } catch {
    return null;
  }
}

function useSession(token, user) {
  $('#session-token').value = token;
  $('#signed-in-as').textContent = user.name ? `${user.name} (${user.email})` : user.email;
  $('#signed-in').hidden = false;
  $('#credentials').hidden = true;
  $('#credentials').disabled = true; // its fields are neither required nor sent
}

function usePassword() {
  $('#session-token').value = '';
  $('#signed-in').hidden = true;
  $('#credentials').disabled = false;
  $('#credentials').hidden = false;
  $('#consent-email').focus();
}

async function start() {
  const token = tokenStore.get();
  // A page shown again after a wrong password keeps asking for it.
  if (!token || $('#consent-error').textContent.trim()) return;
  const user = await signedInUser(token);
  if (user) useSession(token, user);
  $('#use-password').addEventListener('click', usePassword);
}

start();
