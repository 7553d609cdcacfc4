"""The rules, written once: what every door (REST handlers, batch operations, MCP tools,
background jobs) calls to read and change the users' data.

Every function here runs inside a unit of work (domain/unit_of_work.py, run by
runtime/calls.py): in a worker thread, in one transaction, on the call's own connection. The
pool opens no connection by itself (`autoconnect=False`), so a query made anywhere else fails
at once instead of blocking the event loop. The domain imports only `models` and `settings`,
never a web framework: it refuses with named errors (domain/errors.py), and each door says them
its own way.
"""
