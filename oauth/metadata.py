"""GET /.well-known/oauth-protected-resource[/mcp] (RFC 9728) and
/.well-known/oauth-authorization-server (RFC 8414): how a client finds out that /mcp takes
tokens from this service, and where to register, sign the user in and get tokens. Built with
the SDK's own metadata builder and handlers, for `<base>` (runtime/public_base.py)."""

from __future__ import annotations

from mcp.server.auth.handlers.metadata import MetadataHandler, ProtectedResourceMetadataHandler
from mcp.server.auth.routes import build_metadata
from mcp.server.auth.settings import ClientRegistrationOptions, RevocationOptions
from mcp.shared.auth import OAuthMetadata, ProtectedResourceMetadata
from pydantic import AnyHttpUrl, ConfigDict, TypeAdapter
from starlette.requests import Request
from starlette.responses import Response

from domain.oauth_clients import AUTH_METHODS
from domain.principal import TASK_SCOPES
from runtime.public_base import mcp_resource, public_base

RESOURCE_NAME = "todo-api"
# The issuer is compared as a string (RFC 8414 3.3): `<base>` as it is, no slash added to it.
URL = TypeAdapter(AnyHttpUrl, config=ConfigDict(url_preserve_empty_path=True))


async def protected_resource(request: Request) -> Response:
    base = public_base(request)
    metadata = ProtectedResourceMetadata.model_validate(
        {
            "resource": mcp_resource(base),
            "authorization_servers": [base],
            "scopes_supported": list(TASK_SCOPES),
            "bearer_methods_supported": ["header"],
            "resource_name": RESOURCE_NAME,
        }
    )
    return await ProtectedResourceMetadataHandler(metadata).handle(request)


async def authorization_server(request: Request) -> Response:
    return await MetadataHandler(server_metadata(public_base(request))).handle(request)


def server_metadata(issuer: str) -> OAuthMetadata:
    """The SDK's metadata for an issuer with registration and revocation, plus what this server
    does beyond it: public clients ("none"), client ID metadata documents, `iss` in the answer."""
    metadata = build_metadata(
        URL.validate_python(issuer),
        service_documentation_url=None,
        client_registration_options=ClientRegistrationOptions(enabled=True, valid_scopes=list(TASK_SCOPES)),
        revocation_options=RevocationOptions(enabled=True),
    )
    return metadata.model_copy(
        update={
            "token_endpoint_auth_methods_supported": list(AUTH_METHODS),
            "revocation_endpoint_auth_methods_supported": list(AUTH_METHODS),
            "client_id_metadata_document_supported": True,
            "authorization_response_iss_parameter_supported": True,
        }
    )
