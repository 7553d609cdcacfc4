"""The OAuth door: the service as its own OAuth 2.1 authorization server for /mcp, so that MCP
clients (Claude, ChatGPT, VS Code, ...) connect by the URL alone. Metadata (RFC 9728, 8414),
dynamic registration (RFC 7591) and client ID metadata documents, the sign-in and consent page,
the token endpoint (codes with PKCE, rotating refresh tokens) and revocation (RFC 7009). Its
rules are the domain's (domain/oauth_clients.py, authorization_requests.py, oauth_grants.py);
its routes are built on first use (door.py)."""
