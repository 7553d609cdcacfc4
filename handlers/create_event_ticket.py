from __future__ import annotations

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from domain.event_stream import TICKET_SECONDS, issue_ticket
from domain.principal import TASKS_READ
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.responses import json_response
from runtime import calls


class TicketOut(BaseModel):
    ticket: str = Field(description="for GET /api/events?ticket=: once, within expires_in seconds")
    expires_in: int


ENDPOINT = Endpoint(
    method="POST",
    paths=("/api/events/tickets", "/api/{user_id}/events/tickets"),
    summary="A one-use ticket that opens an event stream (browsers' EventSource cannot send headers)",
    operation_id="create_event_ticket",
    tag="events",
    scope=TASKS_READ,
    status=201,
    response=TicketOut,
    errors=(403,),
    replayable=False,  # the answer holds the ticket: it is not kept for an Idempotency-Key
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    ticket = await calls.write(request, issue_ticket, principal)
    body = {"ticket": ticket, "expires_in": TICKET_SECONDS}
    return json_response(body, status=201, headers={"Cache-Control": "no-store"})
