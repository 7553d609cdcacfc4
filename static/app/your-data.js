/**
 * The "Your data" panel: everything downloaded as one JSON file, and a file imported (this
 * service's export, a Todoist backup or a TickTick backup) in two steps: a dry run shows what
 * the import would do and what it would change on the way, then Import writes it.
 */

import { $ } from './dom.js';
import { api } from './api.js';
import { showError, clearErrors, announce, whileBusy } from './messages.js';
import { loadTasks } from './page.js';
import { newKey } from './write-safety.js';

/** The file a dry run was made of, with its list and key, until it is imported or dropped. */
let checked = null;

const plural = (count, one, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** The API's export, saved as the file its Content-Disposition names. */
export async function onExport(event) {
  const button = event.currentTarget;
  clearErrors();
  button.disabled = true;
  try {
    const { data, headers } = await api('GET', '/api/export', undefined, {}, { blob: true });
    const named = /filename="([^"]+)"/.exec(headers.get('Content-Disposition') || '');
    const link = document.createElement('a');
    link.href = URL.createObjectURL(data);
    link.download = named ? named[1] : 'todo-export.json';
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    $('#export-status').textContent = `Downloaded ${link.download}.`;
  } catch (err) {
    showDataError(err);
  } finally {
    button.disabled = false;
  }
}

/** The file goes up as the request's body; its name rides in Content-Disposition, so the
 * problems say "Work.csv:12" (RFC 5987's form: a name need not be ASCII). */
function sendFile(file, listName, dryRun, key) {
  const params = new URLSearchParams();
  if (dryRun) params.set('dry_run', 'true');
  if (listName) params.set('list', listName);
  const headers = { 'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}` };
  if (key) headers['Idempotency-Key'] = key;
  const query = params.toString() ? `?${params}` : '';
  return api('POST', `/api/import${query}`, file, headers);
}

/** Step one: the dry run. Nothing is written; the counts and problems are shown. */
export async function onImportCheck(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const file = $('#import-file').files[0];
  if (!file) return;
  const listName = $('#import-list').value.trim();
  clearErrors();
  hidePreview();
  await whileBusy(form, async () => {
    try {
      const { data } = await sendFile(file, listName, true);
      checked = { file, listName, key: newKey() };
      showPreview(data);
    } catch (err) {
      showRefusal(err);
    }
  });
}

/** Step two: the same file, written this time (a lost answer sent again imports it once). */
export async function onImportConfirm() {
  if (!checked) return;
  const { file, listName, key } = checked;
  clearErrors();
  await whileBusy($('#import-preview'), async () => {
    try {
      const { data } = await sendFile(file, listName, false, key);
      checked = null;
      hidePreview();
      $('#import-form').reset();
      const said = `Imported ${plural(data.tasks_created, 'task')} and ${plural(data.lists_created, 'new list')}` +
        (data.tasks_skipped ? `; ${plural(data.tasks_skipped, 'task')} you had already left as they were.` : '.');
      $('#import-result').textContent = said;
      announce(said);
      await loadTasks();
    } catch (err) {
      showRefusal(err);
    }
  });
}

export function onImportCancel() {
  checked = null;
  hidePreview();
  $('#import-file').focus();
}

function showPreview(report) {
  const parts = [`${plural(report.tasks_created, 'task')} to add`];
  if (report.lists_created) parts.push(plural(report.lists_created, 'new list'));
  if (report.tasks_skipped) parts.push(`${plural(report.tasks_skipped, 'task')} you have already (left out)`);
  $('#import-summary').textContent = `This file has ${parts.join(', ')}.`;
  showProblems(report.problems, 'Changed on the way in');
  $('#import-confirm').disabled = report.tasks_created === 0 && report.lists_created === 0;
  $('#import-preview').hidden = false;
  $('#import-confirm').focus();
}

/** A file refused whole (415, 422, 413...): nothing was written; a 422 lists where. */
function showRefusal(err) {
  $('#import-summary').textContent = `This file cannot be imported: ${err.message}`;
  const where = err.issues.map((issue) => ({ where: location(issue.loc), detail: String(issue.msg || '') }));
  showProblems(where, 'Where');
  $('#import-confirm').disabled = true;
  $('#import-preview').hidden = false;
  checked = null;
}

/** ["body", "Work.csv", 12] as "Work.csv:12"; ["body", "tasks", 3, "title"] as "tasks[3].title". */
function location(loc = []) {
  const [, first, ...rest] = loc;
  if (typeof rest[0] === 'number' && rest.length === 1) return `${first}:${rest[0]}`;
  return [first, ...rest].filter((part) => part !== undefined)
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index ? '.' : ''}${part}`)).join('');
}

function showProblems(problems, heading) {
  $('#import-problems-heading').textContent = heading;
  $('#import-problems').replaceChildren(...problems.map((problem) => {
    const item = document.createElement('li');
    const where = document.createElement('code');
    where.textContent = problem.where;
    item.append(where, ` ${problem.detail}`);
    return item;
  }));
  $('#import-problems-box').hidden = problems.length === 0;
}

function hidePreview() {
  $('#import-preview').hidden = true;
  $('#import-result').textContent = '';
}

function showDataError(err) {
  showError(err);
  $('#error').scrollIntoView({ block: 'nearest' });
}

/** Logging out leaves nothing of the last import on the page. */
export function resetDataPanel() {
  checked = null;
  hidePreview();
  $('#import-form').reset();
  $('#export-status').textContent = '';
  $('#data-panel').open = false;
}
