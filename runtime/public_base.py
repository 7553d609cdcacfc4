"""The service's public base URL, `<base>`: what OAuth metadata, redirects and links say the
service is. PUBLIC_URL when set; else, on a Hugging Face Space, `https://$SPACE_HOST` (the
Space's proxy speaks https to clients and http to the app); else the scheme and host the
request reached (through trusted proxies: the forwarded-headers middleware has applied them)."""

from __future__ import annotations

from starlette.requests import Request

from runtime.services import services_of

MCP_PATH = "/mcp"
RESOURCE_METADATA_PATH = "/.well-known/oauth-protected-resource"


def public_base(request: Request) -> str:
    """`<base>`, without a trailing slash: the OAuth issuer."""
    settings = services_of(request).settings
    if settings.public_url:
        return settings.public_url.rstrip("/")
    if settings.space_host:
        return f"https://{settings.space_host}"
    return f"{request.url.scheme}://{request.url.netloc}"


def mcp_resource(base: str) -> str:
    """The protected resource `/mcp` is (RFC 8707's resource indicator names it)."""
    return base + MCP_PATH


def own_resources(base: str) -> tuple[str, ...]:
    """The resource indicators (RFC 8707) that name this service: `/mcp`, or the service
    itself, with or without a trailing slash (what a person typed into an app)."""
    return (mcp_resource(base), mcp_resource(base) + "/", base, base + "/")


def resource_metadata_url(base: str) -> str:
    """Where the resource's RFC 9728 metadata is: the well-known prefix before the resource's path."""
    return base + RESOURCE_METADATA_PATH + MCP_PATH
