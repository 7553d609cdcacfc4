"""The ASGI app: every handler module's routes on a bare Starlette router (`uvicorn router:app`).

Start-up reads the settings, opens the database, applies pending migrations (under a lock)
and puts the shared services in each request's state.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import anyio.to_thread
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route, Router
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from runtime.imports import leave_out_unused
from runtime.malloc_arenas import limit_malloc_arenas
from settings import PROJECT_DIR, Settings, SettingsError, load_settings


def load_or_exit() -> Settings:
    """The settings, or one line naming the bad variable and exit status 2."""
    try:
        return load_settings()
    except SettingsError as exc:
        print(f"todo-api: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


SETTINGS = load_or_exit()
# Before the app's modules below import peewee and PyJWT, which import drivers whether used or not.
leave_out_unused(SETTINGS)
limit_malloc_arenas()  # before the worker's threads start

from background.fanout import fan_out
from background.jobs import Job, once_migrated, running
from background.maintenance import purge_expired
from background.reminders import fire_reminders
from background.webhooks.dispatcher import deliver_webhooks
from dav.door import DavState
from dav.door import door as dav_door
from dav.door import well_known as caldav_well_known
from handlers import (
    batch,
    change_password,
    complete_task,
    create_event_ticket,
    create_list,
    create_task,
    create_token,
    create_webhook,
    delete_account,
    delete_list,
    delete_task,
    delete_tasks,
    delete_webhook,
    disconnect,
    docs,
    export_data,
    get_list,
    get_task,
    health,
    home,
    import_data,
    list_changes,
    list_connections,
    list_lists,
    list_reminders,
    list_tasks,
    list_tokens,
    list_webhook_deliveries,
    list_webhooks,
    livez,
    login,
    me,
    metrics,
    move_task,
    openapi,
    patch_list,
    patch_task,
    readyz,
    replace_task,
    revoke_token,
    signup,
    stream_events,
    update_me,
)
from handlers.http.endpoint import Endpoint
from handlers.http.idempotency import idempotent
from handlers.http.middleware.cors import CORSMiddleware
from handlers.http.middleware.errors import ErrorMiddleware
from handlers.http.middleware.forwarded import ForwardedHeadersMiddleware
from handlers.http.middleware.requests import RequestMiddleware
from handlers.http.page_cache import PageCache
from handlers.http.state import RestState
from handlers.http.static_files import RevalidatedStaticFiles
from mcp_tools.endpoint import endpoint as mcp_endpoint
from mcp_tools.endpoint import serve as serve_mcp
from mcp_tools.state import MCPState
from migrations import runner
from models import database_proxy, open_database
from models.database import close_connections
from oauth.door import PATHS as OAUTH_PATHS
from oauth.door import door as oauth_door
from runtime.logs import configure_logging
from runtime.long_lived import freeze_long_lived
from runtime.metrics import Metrics, flush_periodically, open_metrics
from runtime.services import build_services, close_services

# Starlette tries routes in this order: the task routes first, as they take nearly every
# request (list first). Paths of the two shapes overlap only where a user id or task id is the
# word "tasks" (`/api/tasks/tasks`, `/api/tasks/tasks/complete`): the first route whose path and
# method both match wins, so GET, POST and DELETE of `/api/tasks/tasks` are the `{user_id}`
# shape's (a 403 unless the caller's id is "tasks"), PUT and PATCH the `{task_id}` one's (422).
HANDLER_MODULES: tuple[ModuleType, ...] = (
    list_tasks,
    create_task,
    delete_tasks,
    get_task,
    replace_task,
    patch_task,
    delete_task,
    complete_task,
    move_task,
    list_lists,
    create_list,
    get_list,
    patch_list,
    delete_list,
    list_changes,
    list_reminders,
    batch,
    export_data,
    import_data,
    stream_events,
    create_event_ticket,
    create_webhook,
    list_webhooks,
    delete_webhook,
    list_webhook_deliveries,
    signup,
    login,
    me,
    update_me,
    change_password,
    delete_account,
    create_token,
    list_tokens,
    revoke_token,
    list_connections,
    disconnect,
    health,
    livez,
    readyz,
    metrics,
    openapi,
    docs,
    home,
)
API_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
DAV_METHODS = ["GET", "HEAD", "OPTIONS", "PROPFIND", "REPORT"]
EXPOSED_HEADERS = [
    "Content-Disposition",
    "Location",
    "Link",
    "X-Total-Count",
    "X-Request-ID",
    "ETag",
    "Idempotent-Replayed",
    "Retry-After",
    "WWW-Authenticate",  # a browser-based MCP client finds the OAuth metadata through it
]
CONDITIONAL_HEADERS = ["If-Match", "If-None-Match", "Idempotency-Key"]
MCP_HEADERS = ["Mcp-Protocol-Version", "Mcp-Session-Id", "Last-Event-ID"]
# Content-Disposition: an import's file name, where its problems say they are.
ALLOWED_HEADERS = [
    "Authorization",
    "Content-Type",
    "Content-Disposition",
    "X-Request-ID",
    *CONDITIONAL_HEADERS,
    *MCP_HEADERS,
]

Handler = Callable[[Request], Awaitable[Response]]
logger = logging.getLogger("todo_api")


def build_routes(modules: tuple[ModuleType, ...]) -> list[BaseRoute]:
    """One route per path, dispatching on the method, so a 405 lists every allowed method."""
    handlers_by_path: dict[str, dict[str, Handler]] = {}
    for module in modules:
        endpoint = module.ENDPOINT
        handler = guarded(endpoint, module.handle)
        for path in endpoint.paths:
            handlers_by_path.setdefault(path, {})[endpoint.method] = handler
    routes: list[BaseRoute] = [
        Route(path, MethodDispatcher(handlers), methods=list(handlers))
        for path, handlers in handlers_by_path.items()
    ]
    routes.append(Route("/mcp", mcp_endpoint, methods=["GET", "POST", "DELETE"]))
    routes += [Route(path, oauth_door, methods=methods) for path, methods in OAUTH_PATHS.items()]
    routes.append(Route("/.well-known/caldav", caldav_well_known, methods=DAV_METHODS))
    routes.append(Mount("/dav", dav_door))
    # A CalDAV client given the bare address asks the root who the user is (as /dav/ answers).
    routes.append(Route("/", dav_door, methods=["PROPFIND"]))
    routes.append(Mount("/static", RevalidatedStaticFiles(directory=PROJECT_DIR / "static"), name="static"))
    routes.append(Mount("/docs/assets", StaticFiles(directory=swagger_ui_assets()), name="docs-assets"))
    return routes


def guarded(endpoint: Endpoint, handler: Handler) -> Handler:
    """`handler` with the Idempotency-Key honoured where its ENDPOINT takes one."""
    return idempotent(handler, endpoint.body_limit) if endpoint.takes_idempotency_key else handler


def swagger_ui_assets() -> Path:
    """The Swagger UI files shipped by the swagger-ui-py package (its Python code is not imported)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed: pip install -r requirements.txt")
    return Path(spec.submodule_search_locations[0]) / "static"


class MethodDispatcher:
    """One path's handlers by method, as an ASGI app: the request to its method's handler and
    the response to the client. (Starlette's own wrapping of a function, `request_response`,
    also looks for exception handlers, which this app has none of: ErrorMiddleware answers
    every exception.)"""

    def __init__(self, handlers: dict[str, Handler]) -> None:
        self.handlers = handlers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = "GET" if scope["method"] == "HEAD" else scope["method"]
        response = await self.handlers[method](Request(scope, receive, send))
        await response(scope, receive, send)


def make_lifespan(
    settings: Settings, modules: tuple[ModuleType, ...], app_metrics: Metrics | None
) -> Callable[[Any], Any]:
    @asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[dict[str, Any]]:
        db = open_database(settings.database, settings.db_pool_size, settings.db_timeout_seconds)
        if settings.auto_migrate:
            try:
                applied = await anyio.to_thread.run_sync(runner.upgrade, db)
            except Exception as exc:
                logger.error("cannot migrate %s: %s: %s", settings.database.masked, type(exc).__name__, exc)
                raise
            if applied:
                logger.info("applied migrations: %s", ", ".join(applied))
        database_proxy.initialize(db)
        logger.info("serving with database %s", settings.database.masked)
        services = build_services(settings, db, app_metrics)
        rest = RestState(PageCache(metrics=app_metrics), tuple(module.ENDPOINT for module in modules))
        mcp = MCPState()
        freeze_long_lived()
        async with running(services, background_jobs(mcp, app_metrics)):
            yield {"services": services, "rest": rest, "mcp": mcp, "dav": DavState()}
        close_services(services)
        close_connections(db)

    return lifespan


def background_jobs(mcp: MCPState, app_metrics: Metrics | None) -> list[Job]:
    database_jobs = [purge_expired, fan_out, deliver_webhooks, fire_reminders]
    jobs: list[Job] = [
        lambda services: serve_mcp(mcp, services.settings.max_body_bytes),
        *map(once_migrated, database_jobs),
    ]
    if app_metrics is not None:
        jobs.append(lambda _: flush_periodically(app_metrics))
    return jobs


def create_app(settings: Settings, modules: tuple[ModuleType, ...] = HANDLER_MODULES) -> ASGIApp:
    configure_logging(settings.log_level, settings.log_format)
    if settings.jwt_secret_generated:
        logger.warning(
            "JWT_SECRET is not set: using a generated secret kept in %s; set JWT_SECRET "
            "(at least 32 bytes) to choose your own",
            settings.data_dir / ".jwt_secret",
        )
    app_metrics = open_metrics() if settings.metrics else None
    router = Router(routes=build_routes(modules), lifespan=make_lifespan(settings, modules, app_metrics))
    middleware = [  # outermost first
        # The client's own address, scheme and host, before anything reads them.
        Middleware(ForwardedHeadersMiddleware, settings.forwarded_allow_ips),
        Middleware(RequestMiddleware, metrics=app_metrics, access_log=settings.log_format == "json"),
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_origin_regex=settings.cors_origin_regex,
            allow_methods=API_METHODS,
            allow_headers=ALLOWED_HEADERS,
            allow_credentials="*" not in settings.cors_origins,
            expose_headers=EXPOSED_HEADERS,
            max_age=600,
        ),
        Middleware(ErrorMiddleware, router=router),
    ]
    app: ASGIApp = router
    for cls, args, kwargs in reversed(middleware):
        app = cls(app, *args, **kwargs)
    return app


app = create_app(SETTINGS)
