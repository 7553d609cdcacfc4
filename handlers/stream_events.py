from __future__ import annotations

from collections.abc import AsyncIterator

from pydantic import BaseModel, Field
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.requests import Request
from starlette.responses import Response

from domain.event_stream import REPLAY_LIMIT, StreamStart, events_after, redeem_ticket, stream_start
from domain.outbox import event_json
from domain.principal import TASKS_READ
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.validation import parse_query
from models import Event
from runtime import calls
from runtime.auth import PRINCIPAL
from runtime.event_hub import Subscription
from runtime.headers import header
from runtime.services import Services, services_of

HEARTBEAT_SECONDS = 10  # a comment line at least this often: proxies keep the stream open
RETRY_MS = 2000  # how long a disconnected EventSource waits before it reconnects


class EventsQuery(BaseModel):
    ticket: str | None = Field(default=None, max_length=100, description="from POST /api/events/tickets")
    last_event_id: str | None = Field(
        default=None, max_length=40, description="as the Last-Event-ID header (which wins)"
    )


ENDPOINT = Endpoint(
    method="GET",
    paths=("/api/events", "/api/{user_id}/events"),
    summary="The caller's events as they happen (server-sent events), resumable with Last-Event-ID",
    operation_id="stream_events",
    tag="events",
    scope=TASKS_READ,
    query=EventsQuery,
    errors=(401, 403, 422),
    media_type="text/event-stream",
    description=(
        "`id:` the event id, `event:` its type, `data:` the event as JSON. A comment line at least every "
        f"{HEARTBEAT_SECONDS} s. After Last-Event-ID (or ?last_event_id=): the events since; one older than "
        "the events kept gets `event: resync` (sync with /api/changes) and the stream goes on from now. "
        "Authenticate with a bearer token, or ?ticket= from POST /api/events/tickets (one use)."
    ),
)


async def handle(request: Request) -> Response:
    query = parse_query(request, EventsQuery)
    if query.ticket is not None:  # the ticket stands for its user, as a token would
        request.scope[PRINCIPAL] = await calls.write(request, redeem_ticket, query.ticket)
    principal = await authenticate(request, ENDPOINT.scope)
    services = services_of(request)
    subscription = services.hub.subscribe(principal.subject)  # first: nothing handed on is missed
    try:
        start = await calls.read(request, stream_start, principal, resume_after(request, query))
    except BaseException:
        services.hub.unsubscribe(subscription)
        raise
    services.hub.track(start)
    return EventSourceResponse(stream(services, subscription, start), ping=HEARTBEAT_SECONDS)


def resume_after(request: Request, query: EventsQuery) -> int | None:
    """The id resumed from; one that no event could have (not a number) is older than all."""
    given = header(request, b"last-event-id") or query.last_event_id
    if given is None or not given.strip():
        return None
    return int(given) if given.strip().isdigit() and len(given) < 19 else -2


async def stream(
    services: Services, subscription: Subscription, start: StreamStart
) -> AsyncIterator[ServerSentEvent]:
    """The events after where the stream starts, then each one the hub hands on, in id order,
    each once (the hub may hand on what the start's read already sent)."""
    try:
        yield ServerSentEvent(comment="connected", retry=RETRY_MS)
        if start.resync:
            yield ServerSentEvent("{}", event="resync")
        sent, pending = start.after, start.events
        while True:
            for event in pending:
                if event.id > sent:
                    yield message(event)
                    sent = event.id
            if (pending and len(pending) >= REPLAY_LIMIT) or subscription.overflowed:
                subscription.overflowed = False
                drain(subscription)
                pending = await calls.run(services, False, events_after, subscription.user_id, sent)
                continue
            pending = [await subscription.queue.get()]
    finally:
        services.hub.unsubscribe(subscription)


def message(event: Event) -> ServerSentEvent:
    return ServerSentEvent(event_json(event), event=event.type, id=str(event.id))


def drain(subscription: Subscription) -> None:
    """Empty the inbox: what it held is read again from the database."""
    while not subscription.queue.empty():
        subscription.queue.get_nowait()
