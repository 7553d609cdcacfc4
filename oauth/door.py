"""The OAuth door's entrance: its paths, and an ASGI app that builds the door's router the
first time a request comes (oauth/routes.py). The door is made of the `mcp` SDK's auth models,
whose import takes about a third of a second and 30 MB: a worker that serves no OAuth request
does not pay for it (as /mcp, mcp_tools/endpoint.py; runtime/imports.py)."""

from __future__ import annotations

from runtime.imports import DoorOnFirstUse

# Each path of the door with its methods. The endpoints are the SDK's defaults under the
# issuer; the consent page posts its form to CONSENT_PATH.
AUTHORIZE_PATH = "/authorize"
CONSENT_PATH = "/authorize/consent"
PATHS: dict[str, list[str]] = {
    "/.well-known/oauth-protected-resource/mcp": ["GET"],
    "/.well-known/oauth-protected-resource": ["GET"],
    "/.well-known/oauth-authorization-server": ["GET"],
    "/register": ["POST"],
    AUTHORIZE_PATH: ["GET"],
    CONSENT_PATH: ["POST"],
    "/token": ["POST"],
    "/revoke": ["POST"],
}

door = DoorOnFirstUse("oauth.routes", lambda routes: routes.router())
