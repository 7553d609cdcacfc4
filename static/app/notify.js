/**
 * Reminders that fall due: a system notification where the browser allows one, else a notice in
 * the page until dismissed.
 */

import { $ } from './dom.js';
import { state } from './state.js';
import { removeItem } from './messages.js';
import { dateFormat, reminderWords } from './task-view.js';

/** Set once this browser has been asked to show notifications (whatever the answer). */
const NOTIFICATIONS_ASKED_KEY = 'todo-api.notifications-asked';

/** "granted", "denied", "default" (not answered yet), or "unsupported". */
const notificationPermission = () => (typeof Notification === 'function' ? Notification.permission : 'unsupported');

/**
 * Asks to show notifications when the first reminder is added in this browser, from that click
 * (browsers ask only from one). Whatever the answer, or none, it is not asked again: without
 * permission, reminders show in the page.
 */
export function askNotificationsOnce() {
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
export function onReminderDue(event) {
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
export function onNoticesClick(event) {
  const dismiss = event.target.closest('.notice-dismiss');
  if (dismiss) removeItem(dismiss.closest('.notice'), '.notice-dismiss', null);
}
