"""The service's reads and writes, and the rules they keep.

Every function in this package runs inside a database call (`domain.unit_of_work.read` or
`write`): in a worker thread, in one transaction, on the call's own connection. The pool opens
no connection by itself (`autoconnect=False`), so a query made anywhere else fails at once
instead of blocking the event loop. REST handlers, batch operations and MCP tools call the same
functions here: each rule is written once.
"""
