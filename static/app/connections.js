/** The Connected apps panel: the apps a user connected with OAuth (Claude, ChatGPT, ...), each
 * with its scopes and last use, and a Disconnect button that ends every token of it at once. */

import { $ } from './dom.js';
import { api } from './api.js';
import { showError, clearErrors, announce, askConfirm } from './messages.js';
import { dateFormat, renderTags } from './task-view.js';

/** Bumped on every load of the list, so a stale answer is dropped, and on logout. */
let connectionsSeq = 0;

/** The list is read each time the panel opens (so "last used" is fresh), not on page load. */
export function onConnectionsToggle() {
  if (!$('#connections-panel').open) return;
  $('#mcp-url').textContent = `${window.location.origin}/mcp`;
  loadConnections();
}

async function loadConnections() {
  const seq = ++connectionsSeq;
  try {
    const { data } = await api('GET', '/api/auth/connections');
    if (seq === connectionsSeq) renderConnections(data);
  } catch (err) {
    showConnectionError(err);
  }
}

function renderConnections(connections) {
  $('#connection-list').replaceChildren(...connections.map(renderConnection));
  $('#connections-empty').hidden = connections.length > 0;
}

/** Where an app known by its metadata document comes from (its client_id is that document's
 * URL: "claude.ai"); nothing for one registered here, whose client_id means nothing to a person. */
function clientHost(connection) {
  try {
    return /^https?:\/\//.test(connection.client_id) ? new URL(connection.client_id).host : '';
  } catch {
    return '';
  }
}

/** What the user knows the app by: its name, else where it comes from. */
function shownName(connection) {
  return connection.client_name || clientHost(connection) || 'An app with no name';
}

function renderConnection(connection) {
  const item = $('#connection-template').content.firstElementChild.cloneNode(true);
  const name = shownName(connection);
  item.dataset.id = connection.id;
  $('.connection-name', item).textContent = name;
  const host = clientHost(connection);
  $('.connection-client', item).textContent = host ? `(${host})` : '';
  $('.connection-client', item).hidden = !host || name === host;
  renderTags($('.connection-scopes', item), connection.scopes);
  $('.connected', item).textContent = dateFormat.format(new Date(connection.created_at));
  $('.last-used', item).textContent = connection.last_used_at
    ? dateFormat.format(new Date(connection.last_used_at))
    : 'never';
  const disconnect = $('.disconnect', item);
  disconnect.setAttribute('aria-label', `Disconnect “${name}”`);
  disconnect.addEventListener('click', () => onDisconnect(connection));
  return item;
}

/** As for tokens: the panel is low on the page, so the error is brought into view. */
function showConnectionError(err) {
  showError(err);
  $('#error').scrollIntoView({ block: 'nearest' });
}

async function onDisconnect(connection) {
  const name = shownName(connection);
  const message = `“${name}” will lose access at once. To use it again, connect it again from the app.`;
  if (!(await askConfirm(message, 'Disconnect app?', 'Disconnect'))) return;
  clearErrors();
  try {
    await api('DELETE', `/api/auth/connections/${connection.id}`);
    announce(`Disconnected “${name}”.`);
  } catch (err) {
    // 404: disconnected meanwhile (another tab, or the app itself): the list catches up below.
    if (err.status !== 404) showConnectionError(err);
  }
  await loadConnections();
  $('#connections-panel summary').focus();
}

/** Logging out leaves nothing of the account's connections on the page. */
export function resetConnectionsPanel() {
  connectionsSeq += 1;
  $('#connection-list').replaceChildren();
  $('#connections-empty').hidden = true;
  $('#connections-panel').open = false;
}
