"""Importing a user's tasks from a file: this service's own export, a Todoist backup, a TickTick
backup (API.md "Your data, in and out").

The work has two halves. Reading is pure and runs outside any database call: `formats.read`
finds which format the bytes are (`detect`), unpacks a ZIP safely (`archives`), and each
format's reader (`own`, `todoist`, `ticktick`) turns the file into plain records with the file
and line each came from (`records`); `plan.checked` then applies the service's field rules to
every record, as POST /api/tasks would, and the tree's shape. Writing (`importer`) runs in one
write transaction: lists found or made, duplicates skipped, tasks made through the same domain
function as REST's create (domain/tasks.py `new_task`), so versions, the change feed, events,
positions and reminders are those of any task.
"""
