"""A user's connected apps: the OAuth connections they approved, listed and disconnected
(inside a database call). Deleting a connection deletes its tokens (foreign keys): they stop
working at once, on every worker and replica. (A password change revokes them all:
`domain.users.store_password`; deleting the account deletes them with it.)"""

from __future__ import annotations

from domain.errors import NotFound
from domain.principal import Principal
from domain.users import current_user
from models import OAuthClient, OAuthConnection


def list_connections(principal: Principal) -> list[OAuthConnection]:
    """The caller's connections, oldest first, each with its client (`connection.client`)."""
    user = current_user(principal)
    query = (
        OAuthConnection.select(OAuthConnection, OAuthClient)
        .join(OAuthClient)
        .where(OAuthConnection.user == user.id)
        .order_by(OAuthConnection.id)
    )
    return list(query)


def disconnect(principal: Principal, connection_id: int) -> None:
    """404 for a connection that is not the caller's, as for one that does not exist."""
    user = current_user(principal)
    mine = (OAuthConnection.id == connection_id) & (OAuthConnection.user == user.id)
    if not OAuthConnection.delete().where(mine).execute():
        raise NotFound("Connection not found", "connection", connection_id)


def revoke_connection(connection_id: int) -> None:
    """The connection of a replayed code or refresh token: whoever holds its tokens loses them."""
    OAuthConnection.delete().where(OAuthConnection.id == connection_id).execute()
