from __future__ import annotations

from collections.abc import AsyncIterator

from pydantic import BaseModel, Field
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.requests import Request
from starlette.responses import Response

from domain.event_stream import REPLAY_LIMIT, StreamStart, events_while_standing, redeem_ticket, stream_start
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
    # Any length: a ticket that is not one (too long, a JWT pasted there) is a 401 like any unknown one.
    ticket: str | None = Field(default=None, description="from POST /api/events/tickets")
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
        "Authenticate with a bearer token, or ?ticket= from POST /api/events/tickets (one use). The "
        "stream ends once its token (or the ticket's) no longer stands: revoked, expired, issued before "
        "a password change, or its account deleted; it sends no event of a change made after that."
    ),
)


async def handle(request: Request) -> Response:
    query = parse_query(request, EventsQuery)
    if query.ticket is not None:  # the ticket stands for its user, as a token would
        request.scope[PRINCIPAL] = await calls.write(request, redeem_ticket, query.ticket)
    principal = await authenticate(request, ENDPOINT.scope)
    services = services_of(request)
    subscription = services.hub.subscribe(principal)  # first: nothing handed on is missed
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
    each once (the hub may hand on what the start's read already sent), until the hub ends it
    (its credential no longer stands) or the client goes."""
    try:
        yield ServerSentEvent(comment="connected", retry=RETRY_MS)
        if start.resync:
            yield ServerSentEvent("{}", event="resync")
        sent, pending = start.after, start.events
        while not subscription.ended:
            for event in pending:
                if subscription.ended:
                    return
                if event.id > sent:
                    yield message(event)
                    sent = event.id
            if (pending and len(pending) >= REPLAY_LIMIT) or subscription.overflowed:
                subscription.overflowed = False
                drain(subscription)
                read = await calls.run(services, False, events_while_standing, subscription.principal, sent)
                if read is None:
                    return
                pending = read
                continue
            woken_by = await subscription.queue.get()
            pending = [] if woken_by is None else [woken_by]
    finally:
        services.hub.unsubscribe(subscription)


def message(event: Event) -> ServerSentEvent:
    return ServerSentEvent(event_json(event), event=event.type, id=str(event.id))


def drain(subscription: Subscription) -> None:
    """Empty the inbox: what it held is read again from the database."""
    while not subscription.queue.empty():
        subscription.queue.get_nowait()
