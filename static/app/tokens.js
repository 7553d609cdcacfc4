/** The access tokens panel: list, create (shown once), copy, revoke. */

import { $ } from './dom.js';
import { api } from './api.js';
import { showError, clearErrors, announce, whileBusy, askConfirm } from './messages.js';
import { dateFormat, renderTags } from './task-view.js';

/** Bumped on every load of the token list, so a stale answer is dropped, and on logout. */
let tokensSeq = 0;

/** The list is read each time the panel opens (so "last used" is fresh), not on page load. */
export function onTokensToggle() {
  if ($('#tokens-panel').open) loadTokens();
}

async function loadTokens() {
  const seq = ++tokensSeq;
  try {
    const { data } = await api('GET', '/api/auth/tokens');
    if (seq === tokensSeq) renderTokens(data);
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
export function checkScopes() {
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
export async function onTokenSubmit(event) {
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
export async function onCopyToken() {
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

export function onTokenDone() {
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
export function resetTokensPanel() {
  tokensSeq += 1;
  hideCreatedToken();
  $('#token-form').reset();
  checkScopes();
  $('#token-list').replaceChildren();
  $('#tokens-empty').hidden = true;
  $('#tokens-panel').open = false;
}
