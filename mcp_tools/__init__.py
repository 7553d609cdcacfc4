"""The MCP server at /mcp: one module per tool, registered in `registry.TOOLS`.

Every tool calls the same functions of `domain` as the REST handlers, through
the same database calls, so a task changed by an agent is one changed through REST: same
validation, versions, change feed. The MCP SDK is imported on the first /mcp request only
(`endpoint.py`): it is a large part of what a cold start would otherwise load.
"""
