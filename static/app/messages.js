/**
 * What the page tells the user: errors (page-level, per dialog, per field), announcements for
 * screen readers, busy forms, and the in-page confirmation dialog.
 */

import { $ } from './dom.js';
import { issueMessage } from './api.js';

/** 401s always go to the page-level area: the dialog they happened in is closed by then. */
export function showError(err, where = '#error') {
  const target = err.status === 401 ? '#error' : where;
  $(target).textContent = err.message || String(err);
}

export function clearErrors() {
  $('#error').textContent = '';
  $('#edit-error').textContent = '';
}

/**
 * Puts each problem of a 422 about a field of `form` next to that field too: in the form's
 * `[data-error-for=FIELD]` element (for loc ["body", FIELD, …]), after its data-label, or after
 * its data-item and number when the problem is about one item of a list field ("Reminder 2:").
 * The inputs that element describes are marked invalid. The form's error area still says all.
 */
export function showFieldErrors(form, err) {
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

export function clearFieldErrors(form) {
  form.querySelectorAll('[data-error-for]').forEach((slot) => { slot.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((control) => control.removeAttribute('aria-invalid'));
}

/** Tells screen-reader users about a change they cannot otherwise perceive. */
export function announce(message) {
  $('#status').textContent = message;
}

/** Disables a form's buttons while its request runs, so a double click sends one request. */
export async function whileBusy(form, work) {
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

/**
 * Removes `item` from its list; the focus goes to the same button (`selector`) of the next item,
 * or the one before, else to `fallback` (if any).
 */
export function removeItem(item, selector, fallback) {
  const neighbour = item.nextElementSibling || item.previousElementSibling;
  item.remove();
  const target = neighbour ? $(selector, neighbour) : fallback;
  if (target) target.focus();
}

/**
 * In-page stand-in for window.confirm(), which a sandboxed iframe (the Space page) may block.
 * `heading` and `action` (the confirming button) default to deleting a task.
 */
export function askConfirm(message, heading = 'Delete task?', action = 'Delete') {
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
