"""The web page at `/` and the Swagger UI at `/docs`, driven in headless Chromium as a person
would use them, against a real `uvicorn router:app` process.

The browser is Debian's `chromium` (scripts/install-test-deps.sh installs it), driven by the
Playwright Python package: never a browser build of Playwright's own. Without either, the tests
skip, except in CI (CI=true), where they fail. Screenshots go to tests/artifacts/ (git-ignored);
the README's picture, docs/screenshot.png, is taken by scripts/screenshot.py."""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest

from settings import PROJECT_DIR
from tests.support.accounts import PASSWORD, signup
from tests.support.browser import LAPTOP, PHONE, TOKEN_KEY
from tests.support.live import Server, call
from tests.support.oauth import PKCE, answer_of, consent_form

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Request, Response, Route, ViewportSize

# One process runs them all, one Chromium at a time (`make test` distributes by group). With up
# to four browsers beside the database servers on two cores, two CI runs saw the page at / not
# ready within 10-15 s.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

ARTIFACTS = Path(PROJECT_DIR) / "tests" / "artifacts"
# What Chromium prints to the console when the page's Content-Security-Policy blocks something,
# and what the `securitypolicyviolation` listener below prints.
CSP_MARKERS = ("Content Security Policy", "Refused to", "CSP violation")
REPORT_CSP = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
});
"""
# A page without live updates, as in a browser without EventSource (the page then works as it
# did before them): its view stays as it was last loaded, as a device's does while it is offline
# or in the moment before an event reaches it. The tests of what a page does with an old view
# use it, so that no event reloads the view under them.
NO_LIVE_UPDATES = "delete window.EventSource;"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("browser")
    # Reminders are looked for every second (5 by default), so one fires within about two.
    server = Server({"DATA_DIR": str(data_dir), "BCRYPT_ROUNDS": "4", "REMINDER_POLL_SECONDS": "1"}).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


class Watched:
    """A browser context whose pages report console messages, page errors and any request
    that leaves the server under test, and keep every request the page sent. Its clock is in
    `timezone_id` (UTC unless told)."""

    def __init__(self, browser: Browser, base: str, viewport: ViewportSize, timezone_id: str = "UTC") -> None:
        self.base = base
        self.console: list[str] = []
        self.page_errors: list[str] = []
        self.foreign_requests: list[str] = []
        self.requests: list[Request] = []
        self.context: BrowserContext = browser.new_context(
            viewport=viewport, locale="en-US", timezone_id=timezone_id, color_scheme="light"
        )
        self.context.add_init_script(REPORT_CSP)
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.page.on("console", lambda message: self.console.append(f"{message.type}: {message.text}"))
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        self.page.on("request", self.on_request)

    def on_request(self, request: Request) -> None:
        self.requests.append(request)
        if not request.url.startswith((self.base + "/", "data:")):
            self.foreign_requests.append(request.url)

    def sent(self, method: str, path: str = "/api/tasks") -> list[Request]:
        """The `method` requests sent so far to `path` or below it (no query strings)."""
        prefix = self.base + path
        return [r for r in self.requests if r.method == method and r.url.split("?")[0].startswith(prefix)]

    def token(self) -> str | None:
        token = self.page.evaluate(f"localStorage.getItem('{TOKEN_KEY}')")
        assert token is None or isinstance(token, str), token
        return token

    def assert_clean(self, expected_errors: Sequence[str] = (), tolerated: Sequence[str] = ()) -> None:
        """No CSP violation, page error or foreign request, and no console error but, in this
        order, `expected_errors` (Chromium logs a failed or 4xx request the test caused), and any
        number of the `tolerated` ones (the failed requests of a page retrying while the server
        is down: how many depends on the timing)."""
        violations = [line for line in self.console if any(marker in line for marker in CSP_MARKERS)]
        assert violations == [], violations
        errors = [line for line in self.console if line.startswith("error:") and line not in tolerated]
        assert errors == list(expected_errors), errors
        assert self.page_errors == [], self.page_errors
        assert self.foreign_requests == [], self.foreign_requests

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser: Browser, server: Server) -> Iterator[Callable[[ViewportSize], Watched]]:
    opened: list[Watched] = []

    def open_context(viewport: ViewportSize) -> Watched:
        opened.append(Watched(browser, server.base, viewport))
        return opened[-1]

    yield open_context
    for context in opened:
        context.close()


def api_tasks(server: Server, token: str) -> dict[str, dict[str, Any]]:
    reply = call("GET", f"{server.base}/api/tasks?limit=1000", token=token)
    assert reply.status == 200, reply.body
    return {task["title"]: task for task in reply.body}


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_page_end_to_end(
    viewport: ViewportSize,
    watched: Callable[[ViewportSize], Watched],
    server: Server,
    playwright_api: ModuleType,
    artifacts: Path,
    request: pytest.FixtureRequest,
) -> None:
    expect = playwright_api.expect
    label = request.node.callspec.id
    session = watched(viewport)
    page = session.page
    email = f"{label}@example.com"
    tasks = page.locator("#tasks li.task")

    def row(title: str) -> Any:
        return page.locator("#tasks li.task", has=page.locator(".title", has_text=title))

    # Sign up.
    page.goto(f"{server.base}/")
    expect(page.locator("#auth-view")).to_be_visible()
    expect(page.locator("#app-view")).to_be_hidden()
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#name", "Ada Lovelace")
    page.click("#signup")
    expect(page.locator("#app-view")).to_be_visible()
    expect(page.locator("#auth-view")).to_be_hidden()
    expect(page.locator("#user-name")).to_have_text("Ada Lovelace")
    expect(page.locator("#count")).to_have_text("No tasks yet")
    token = session.token()
    assert token, "no token in localStorage after sign up"
    me = call("GET", f"{server.base}/api/auth/me", token=token)
    assert (me.status, me.body["email"], me.body["name"]) == (200, email, "Ada Lovelace")

    # Add two tasks: one plain, one with priority, due date and tags.
    page.fill("#new-title", "Buy milk")
    page.click("#add")
    expect(tasks).to_have_count(1)
    expect(page.locator("#new-title")).to_have_value("")
    page.fill("#new-title", "File the tax return")
    page.fill("#new-description", "Receipts are in the blue folder")
    page.select_option("#new-priority", "high")
    page.fill("#new-due", "2031-04-15T17:30")
    page.fill("#new-tags", "Money, admin, money")
    page.click("#add")
    expect(tasks).to_have_count(2)
    expect(page.locator("#count")).to_have_text("2 of 2 pending")
    taxes = row("File the tax return")
    expect(taxes.locator(".priority")).to_have_text("high")
    expect(taxes.locator(".due")).to_have_text("Due Apr 15, 2031, 5:30 PM")
    expect(taxes.locator(".chip")).to_have_text(["money", "admin"])

    stored = api_tasks(server, token)
    assert set(stored) == {"Buy milk", "File the tax return"}
    milk, tax = stored["Buy milk"], stored["File the tax return"]
    assert (milk["priority"], milk["due_date"], milk["tags"], milk["description"]) == (
        "medium",
        None,
        [],
        None,
    )
    assert tax["priority"] == "high"
    assert tax["due_date"] == "2031-04-15T17:30:00Z"
    assert sorted(tax["tags"]) == ["admin", "money"]
    assert tax["description"] == "Receipts are in the blue folder"
    expect(row("Buy milk")).to_have_attribute("data-id", str(milk["id"]))

    # Complete one.
    row("Buy milk").locator("input.toggle").check()
    expect(row("Buy milk")).to_have_class("task done")
    expect(page.locator("#count")).to_have_text("1 of 2 pending")
    assert api_tasks(server, token)["Buy milk"]["completed"] is True
    assert api_tasks(server, token)["File the tax return"]["completed"] is False

    # Filter.
    page.click('button[data-filter="pending"]')
    expect(page.locator('button[data-filter="pending"]')).to_have_attribute("aria-pressed", "true")
    expect(tasks).to_have_count(1)
    expect(tasks.locator(".title")).to_have_text(["File the tax return"])
    page.click('button[data-filter="completed"]')
    expect(tasks).to_have_count(1)
    expect(tasks.locator(".title")).to_have_text(["Buy milk"])
    page.click('button[data-filter="all"]')
    expect(tasks).to_have_count(2)

    # Search (title or description, case-insensitive), then clear it.
    page.fill("#search", "TAX")
    expect(tasks).to_have_count(1)
    expect(tasks.locator(".title")).to_have_text(["File the tax return"])
    page.fill("#search", "blue folder")
    expect(tasks.locator(".title")).to_have_text(["File the tax return"])
    page.fill("#search", "nothing like this")
    expect(tasks).to_have_count(0)
    expect(page.locator("#empty")).to_have_text("No tasks match this view.")
    page.fill("#search", "")
    expect(tasks).to_have_count(2)

    # Sort.
    page.select_option("#sort", "title")
    expect(tasks.locator(".title")).to_have_text(["Buy milk", "File the tax return"])
    page.select_option("#sort", "-priority")
    expect(tasks.locator(".title")).to_have_text(["File the tax return", "Buy milk"])

    # Reload: the session and the tasks are still there.
    page.reload()
    expect(page.locator("#app-view")).to_be_visible()
    expect(tasks).to_have_count(2)
    expect(row("Buy milk")).to_have_class("task done")
    expect(page.locator("#user-name")).to_have_text("Ada Lovelace")
    assert session.token() == token
    page.screenshot(path=str(artifacts / f"flow-{label}.png"), full_page=True)

    # Log out: the token is gone, and a reload stays logged out.
    page.click("#logout")
    expect(page.locator("#auth-view")).to_be_visible()
    expect(page.locator("#app-view")).to_be_hidden()
    expect(tasks).to_have_count(0)
    assert session.token() is None
    page.reload()
    expect(page.locator("#auth-view")).to_be_visible()

    # Log in again: the tasks are still there.
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#login")
    expect(page.locator("#app-view")).to_be_visible()
    expect(tasks).to_have_count(2)
    expect(row("Buy milk")).to_have_class("task done")
    token = session.token()
    assert token

    # Edit a title in the dialog: the other fields keep their values.
    row("File the tax return").locator("button.edit").click()
    expect(page.locator("#edit-dialog")).to_be_visible()
    expect(page.locator("#edit-title")).to_have_value("File the tax return")
    page.fill("#edit-title", "File the 2030 tax return")
    page.click("#edit-save")
    expect(page.locator("#edit-dialog")).to_be_hidden()
    expect(row("File the 2030 tax return")).to_have_count(1)
    expect(row("File the 2030 tax return").locator(".chip")).to_have_count(2)
    edited = api_tasks(server, token)["File the 2030 tax return"]
    assert edited["id"] == tax["id"]
    assert (edited["priority"], edited["due_date"], edited["description"]) == (
        "high",
        "2031-04-15T17:30:00Z",
        "Receipts are in the blue folder",
    )
    assert sorted(edited["tags"]) == ["admin", "money"]

    # Delete through the in-page confirm dialog: cancel first, then confirm.
    row("Buy milk").locator("button.delete").click()
    expect(page.locator("#confirm-dialog")).to_be_visible()
    page.click("#confirm-cancel")
    expect(page.locator("#confirm-dialog")).to_be_hidden()
    expect(tasks).to_have_count(2)
    row("Buy milk").locator("button.delete").click()
    expect(page.locator("#confirm-dialog")).to_be_visible()
    expect(page.locator("#confirm-message")).to_contain_text("Buy milk")
    page.click("#confirm-ok")
    expect(page.locator("#confirm-dialog")).to_be_hidden()
    expect(tasks).to_have_count(1)
    expect(page.locator("#count")).to_have_text("1 of 1 pending")
    assert set(api_tasks(server, token)) == {"File the 2030 tax return"}
    assert call("GET", f"{server.base}/api/tasks/{milk['id']}", token=token).status == 404

    expect(page.locator("#error")).to_be_empty()
    session.assert_clean()


def seed_sample_list(server: Server) -> str:
    """A small realistic list, created through the API, for the screenshots."""
    token = signup(server, "sam@example.com", name="Sam Carter")["access_token"]
    assert isinstance(token, str), token
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).replace(hour=17, minute=0, second=0)
    samples = [
        {"title": "Water the plants", "priority": "low", "tags": ["home"]},
        {"title": "Buy milk and bread", "priority": "low", "tags": ["home", "errands"]},
        {"title": "Book dentist appointment", "priority": "medium", "tags": ["health"]},
        {"title": "Renew passport", "priority": "high", "due_date": soon.strftime("%Y-%m-%dT%H:%M:%SZ"),
         "tags": ["admin", "travel"], "description": "Photos are in the desk drawer"},
    ]  # fmt: skip
    ids = []
    for body in samples:
        created = call("POST", f"{server.base}/api/tasks", body, token)
        assert created.status == 201, created.body
        ids.append(created.body["id"])
    done = call("PATCH", f"{server.base}/api/tasks/{ids[0]}/complete", {"completed": True}, token)
    assert done.status == 200, done.body
    return token


def test_sample_list_screenshots(
    watched: Callable[[ViewportSize], Watched],
    server: Server,
    playwright_api: ModuleType,
    artifacts: Path,
) -> None:
    """The page with a few tasks at phone and laptop width, logged in from a stored token."""
    expect = playwright_api.expect
    token = seed_sample_list(server)
    for label, viewport in (("phone", PHONE), ("laptop", LAPTOP)):
        session = watched(viewport)
        page = session.page
        session.context.add_init_script(f"localStorage.setItem('{TOKEN_KEY}', '{token}')")
        page.goto(f"{server.base}/")
        expect(page.locator("#tasks li.task")).to_have_count(4)
        expect(page.locator("#tasks li.task.done")).to_have_count(1)
        expect(page.locator("#count")).to_have_text("3 of 4 pending")
        page.evaluate("document.activeElement && document.activeElement.blur()")
        expect(page.locator("#tasks li.task .title").first).to_have_text("Renew passport")
        page.screenshot(path=str(artifacts / f"{label}.png"), full_page=True)
        # Nothing sticks out sideways at this width.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        session.assert_clean()


def test_docs_swagger_ui(
    watched: Callable[[ViewportSize], Watched],
    server: Server,
    playwright_api: ModuleType,
    artifacts: Path,
) -> None:
    """Swagger UI renders every operation of /openapi.json under the page's CSP; its Authorize
    button logs in with email and password (the OAuth2 password flow), and Execute then reaches
    the API with the token it got."""
    expect = playwright_api.expect
    document = call("GET", f"{server.base}/openapi.json").body
    methods = {"get", "put", "post", "patch", "delete", "head", "options"}
    operations = sum(1 for item in document["paths"].values() for method in item if method in methods)
    signup(server, "docs@example.com")

    session = watched(LAPTOP)
    page = session.page
    page.goto(f"{server.base}/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    expect(page.locator(".opblock")).to_have_count(operations)
    authorize = page.locator("button.authorize").first
    expect(authorize).to_be_visible()
    expect(authorize).to_contain_text("Authorize")
    page.screenshot(path=str(artifacts / "docs.png"))

    # Authorize with email and password, then run GET /api/auth/me from the page.
    authorize.click()
    dialog = page.locator(".modal-ux")
    expect(dialog).to_be_visible()
    login = dialog.locator(".auth-container", has_text="passwordLogin")
    login.locator("#oauth_username").fill("docs@example.com")
    login.locator("#oauth_password").fill(PASSWORD)
    login.locator("button.modal-btn.authorize").click()
    expect(login.get_by_text("Authorized")).to_be_visible()  # the login answered a token
    login.locator("button.btn-done").click()
    expect(dialog).to_be_hidden()
    me = page.locator(".opblock-get", has=page.locator('[data-path="/api/auth/me"]')).first
    me.locator(".opblock-summary").click()
    me.locator("button.execute").click()
    live = me.locator(".live-responses-table tbody .response-col_status").first
    expect(live).to_have_text("200")
    expect(me.locator(".live-responses-table .microlight").first).to_contain_text("docs@example.com")
    session.assert_clean()


UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
CHANGED_ELSEWHERE = "This task was changed elsewhere: reloaded"
LOST = "Cannot reach the server. Check your connection and try again."
FAILED_LOAD = "error: Failed to load resource: "


def test_two_pages_one_account(
    watched: Callable[[ViewportSize], Watched],
    server: Server,
    playwright_api: ModuleType,
    artifacts: Path,
) -> None:
    """Two pages on one account (two devices: two browser contexts, one token). Creates carry an
    Idempotency-Key, kept for the retry of a create whose answer was lost, so that retry makes no
    second task; every edit, completion and deletion carries If-Match. A page whose view is older
    than the server's task writes nothing, says so, and shows the newer version: whether its
    write reached the server (412) or the page saw the newer version when it read the ETag.
    Page B has no live updates, so that its view stays old (test_live_updates_across_pages has
    both pages live); page A has them, and its own writes and the create whose answer it lost
    come back to it as events meanwhile."""
    expect = playwright_api.expect
    token = signup(server, "two-pages@example.com")["access_token"]
    a, b = watched(LAPTOP), watched(LAPTOP)
    for session in (a, b):
        session.context.add_init_script(f"localStorage.setItem('{TOKEN_KEY}', '{token}')")
    b.context.add_init_script(NO_LIVE_UPDATES)

    def row(session: Watched, title: str) -> Any:
        page = session.page
        return page.locator("#tasks li.task", has=page.locator(".title", has_text=title))

    def stored(task_id: int) -> dict[str, Any]:
        reply = call("GET", f"{server.base}/api/tasks/{task_id}", token=token)
        assert reply.status == 200, reply.body
        assert isinstance(reply.body, dict), reply.body
        return reply.body

    def titles() -> list[str]:
        return [task["title"] for task in call("GET", f"{server.base}/api/tasks", token=token).body]

    def answer(request: Request) -> Response:
        response = request.response()
        assert response is not None, request.url
        return response

    # Page A creates a task, but the answer is lost on the way back: the server made the task.
    a.page.goto(f"{server.base}/")
    expect(a.page.locator("#count")).to_have_text("No tasks yet")

    def lose_answer(route: Route) -> None:
        if route.request.method != "POST":
            route.fallback()
            return
        route.fetch()
        route.abort("connectionreset")

    a.page.route(f"{server.base}/api/tasks", lose_answer)
    a.page.fill("#new-title", "Water the plants")
    a.page.click("#add")
    expect(a.page.locator("#error")).to_have_text(LOST)
    a.page.unroute(f"{server.base}/api/tasks", lose_answer)
    assert titles() == ["Water the plants"]
    # Pressing Add again sends the same fields with the same key: the first answer, no second task.
    expect(a.page.locator("#new-title")).to_have_value("Water the plants")
    a.page.click("#add")
    expect(a.page.locator("#tasks li.task")).to_have_count(1)
    expect(a.page.locator("#error")).to_be_empty()
    first, retry = a.sent("POST")
    key = first.header_value("idempotency-key")
    assert key and UUID.match(key), key
    assert retry.header_value("idempotency-key") == key
    replayed = answer(retry)
    assert (replayed.status, replayed.header_value("idempotent-replayed")) == (201, "true")
    created = replayed.json()
    assert titles() == ["Water the plants"]
    assert stored(created["id"])["version"] == 1
    # Another create has a key of its own.
    a.page.fill("#new-title", "Call the plumber")
    a.page.click("#add")
    expect(a.page.locator("#tasks li.task")).to_have_count(2)
    other_key = a.sent("POST")[-1].header_value("idempotency-key")
    assert other_key and UUID.match(other_key) and other_key != key

    # Page B shows the same two tasks and opens the editor on the first (version 1).
    b.page.goto(f"{server.base}/")
    expect(b.page.locator("#tasks li.task")).to_have_count(2)
    row(b, "Water the plants").locator("button.edit").click()
    expect(b.page.locator("#edit-dialog")).to_be_visible()
    expect(b.page.locator("#edit-title")).to_have_value("Water the plants")

    # Meanwhile page A renames it, naming the version it has (the created task's ETag).
    row(a, "Water the plants").locator("button.edit").click()
    a.page.fill("#edit-title", "Water the ferns")
    a.page.click("#edit-save")
    expect(row(a, "Water the ferns")).to_have_count(1)
    assert a.sent("PATCH")[-1].header_value("if-match") == replayed.header_value("etag")
    assert stored(created["id"])["version"] == 2

    # Page B saves over version 1: the server refuses (412), B reloads and says why.
    b.page.fill("#edit-title", "Water the roses")
    b.page.click("#edit-save")
    expect(b.page.locator("#error")).to_have_text(CHANGED_ELSEWHERE)
    expect(b.page.locator("#edit-dialog")).to_be_hidden()
    expect(row(b, "Water the ferns")).to_have_count(1)
    expect(row(b, "Water the roses")).to_have_count(0)
    refused = b.sent("PATCH")[-1]
    assert refused.header_value("if-match") == replayed.header_value("etag")
    assert answer(refused).status == 412
    after = stored(created["id"])
    assert (after["title"], after["version"]) == ("Water the ferns", 2)
    b.page.screenshot(path=str(artifacts / "conflict.png"))

    # Page A completes it; B, still showing it pending, asks to delete it. B reads the task's
    # ETag first, finds a newer version than it shows, and deletes nothing.
    row(a, "Water the ferns").locator("input.toggle").check()
    expect(row(a, "Water the ferns")).to_have_class("task done")
    completed = a.sent("PATCH")[-1]
    assert completed.url.endswith(f"/api/tasks/{created['id']}/complete")
    assert completed.header_value("if-match") == answer(a.sent("PATCH")[-2]).header_value("etag")
    expect(row(b, "Water the ferns")).not_to_have_class("task done")
    row(b, "Water the ferns").locator("button.delete").click()
    # The notice is cleared before that read, so the one expected below is a new one.
    with b.page.expect_response(f"{server.base}/api/tasks/{created['id']}"):
        b.page.click("#confirm-ok")
    expect(b.page.locator("#error")).to_have_text(CHANGED_ELSEWHERE)
    expect(row(b, "Water the ferns")).to_have_class("task done")
    assert b.sent("DELETE") == []
    after = stored(created["id"])
    assert (after["completed"], after["version"]) == (True, 3)

    # Now B shows the current version: reopening it works, with If-Match, and clears the notice.
    row(b, "Water the ferns").locator("input.toggle").uncheck()
    expect(row(b, "Water the ferns")).not_to_have_class("task done")
    expect(b.page.locator("#error")).to_be_empty()
    reopened = b.sent("PATCH")[-1]
    assert reopened.url.endswith(f"/api/tasks/{created['id']}/complete")
    assert reopened.header_value("if-match") and answer(reopened).status == 200
    after = stored(created["id"])
    assert (after["title"], after["completed"], after["version"]) == ("Water the ferns", False, 4)

    # A deletes the other task, which nobody changed: DELETE with If-Match, 204.
    row(a, "Call the plumber").locator("button.delete").click()
    a.page.click("#confirm-ok")
    expect(row(a, "Call the plumber")).to_have_count(0)
    deleted = a.sent("DELETE")[-1]
    assert deleted.header_value("if-match") and answer(deleted).status == 204
    assert titles() == ["Water the ferns"]

    # Every write either page sent named its version or carried a key.
    for session in (a, b):
        for method in ("PUT", "PATCH", "DELETE"):
            assert all(r.header_value("if-match") for r in session.sent(method)), method
        assert all(r.header_value("idempotency-key") for r in session.sent("POST")), "POST"
    a.assert_clean([f"{FAILED_LOAD}net::ERR_CONNECTION_RESET"])
    b.assert_clean([f"{FAILED_LOAD}the server responded with a status of 412 (Precondition Failed)"])


LIVE_MS = 1000  # the "within a second"
RESTART_MS = 30_000  # the page's tries come 1, 2, 4, 8, then 15 s apart
EVENTS = "/api/events"
TICKETS = "/api/events/tickets"
REFUSED = f"{FAILED_LOAD}net::ERR_CONNECTION_REFUSED"
# A stream the server ends as it stops is cut short (its last chunk never comes).
CUT_SHORT = f"{FAILED_LOAD}net::ERR_INCOMPLETE_CHUNKED_ENCODING"


@pytest.fixture
def restartable(tmp_path: Path) -> Iterator[list[Server]]:
    """A server of the test's own, which it stops and starts again (the shared `server` serves
    the other tests of the module): the test appends the one it starts on the same port and
    data directory, and whichever runs at the end is stopped."""
    servers = [Server({"DATA_DIR": str(tmp_path / "data"), "BCRYPT_ROUNDS": "4"}).start()]
    yield servers
    for server in servers:
        server.stop()


def wait_until(page: Page, condition: Callable[[], bool], timeout_ms: int, what: str) -> None:
    """Polls `condition`, letting the page run (and Playwright take its events) in between."""
    for _ in range(timeout_ms // 100):
        if condition():
            return
        page.wait_for_timeout(100)
    assert condition(), what


def test_live_updates_across_pages(
    browser: Browser,
    restartable: list[Server],
    playwright_api: ModuleType,
    artifacts: Path,
) -> None:
    """Two pages on one account (two browser contexts, one token), both live: a change made in
    one (a create, a completion, a rename, a deletion), or through the API, shows in the other
    within a second, with no reload of the page, and the sidebar's counts with it.
    An editor open in a page keeps what is typed in it while the view behind it is reloaded,
    and saving it over a version changed meanwhile sends nothing stale. The server is stopped
    and started again on the same port and data directory: the pages say they are reconnecting,
    keep trying while it is down, and come back by themselves with a new ticket, resuming from
    the last event they had (a change made before they were back reaches them too). No event
    stream ever has the token in its URL. Logging out closes the stream."""
    expect = playwright_api.expect
    server = restartable[0]
    token = signup(server, "live@example.com")["access_token"]
    a, b = Watched(browser, server.base, LAPTOP), Watched(browser, server.base, LAPTOP)
    try:
        pages = (a, b)
        for session in pages:
            session.context.add_init_script(f"localStorage.setItem('{TOKEN_KEY}', '{token}')")

        def row(session: Watched, title: str) -> Any:
            page = session.page
            return page.locator("#tasks li.task", has=page.locator(".title", has_text=title))

        def inbox_count(session: Watched) -> Any:
            name = session.page.locator(".list-name", has_text="Inbox")
            return session.page.locator(".list-button", has=name).locator(".list-count")

        def status(session: Watched) -> Any:
            """The word shown (screen readers get a sentence instead: checked once below)."""
            return session.page.locator("#live-status-text")

        def api(method: str, path: str, body: Any = None) -> Any:
            reply = call(method, f"{server.base}{path}", body, token)
            assert reply.status in (200, 201), reply.body
            return reply.body

        for session in pages:
            session.page.goto(f"{server.base}/")
            expect(session.page.locator("#count")).to_have_text("No tasks yet")
            expect(status(session)).to_have_text("Live")
            expect(session.page.locator("#live-status-spoken")).to_have_text("Live updates on")
            expect(session.page.locator("#live-announce")).to_be_empty()  # nothing said on sign-in
            # Gone if the page is ever loaded again (a reload or any navigation).
            session.page.evaluate("window.sameDocument = true")

        # Page A adds a task: page B shows it within a second, and its sidebar counts it.
        a.page.fill("#new-title", "Buy milk")
        a.page.click("#add")
        expect(row(b, "Buy milk")).to_have_count(1, timeout=LIVE_MS)
        expect(inbox_count(b)).to_have_text("1 open", timeout=LIVE_MS)
        expect(b.page.locator("#count")).to_have_text("1 of 1 pending")
        expect(row(a, "Buy milk")).to_have_count(1)
        (task,) = api("GET", "/api/tasks")

        # Page B completes it: page A shows it done within a second.
        row(b, "Buy milk").locator("input.toggle").check()
        expect(row(a, "Buy milk")).to_have_class("task done", timeout=LIVE_MS)
        expect(a.page.locator("#count")).to_have_text("0 of 1 pending", timeout=LIVE_MS)
        expect(inbox_count(a)).to_have_text("0 open", timeout=LIVE_MS)

        # Changes made through the API show in both: a task renamed, a list added.
        api("PATCH", f"/api/tasks/{task['id']}", {"title": "Buy oat milk"})
        api("POST", "/api/lists", {"name": "Groceries", "color": "green"})
        for session in pages:
            expect(row(session, "Buy oat milk")).to_have_count(1, timeout=LIVE_MS)
            expect(session.page.locator("#lists .list-name")).to_have_text(
                ["All tasks", "Inbox", "Groceries"], timeout=LIVE_MS
            )

        # Page A edits the task it shows (changed twice elsewhere since A wrote it): its If-Match
        # names the version now, not the one A wrote, and the save goes through.
        row(a, "Buy oat milk").locator("button.edit").click()
        expect(a.page.locator("#edit-title")).to_have_value("Buy oat milk")
        a.page.fill("#edit-title", "Buy oat milk and bread")
        current = call("GET", f"{server.base}/api/tasks/{task['id']}", token=token)
        a.page.click("#edit-save")
        expect(a.page.locator("#edit-dialog")).to_be_hidden()
        saved = a.sent("PATCH")[-1]
        assert saved.header_value("if-match") == current.headers["etag"]
        assert (saved.response() or pytest.fail("no answer")).status == 200
        expect(row(b, "Buy oat milk and bread")).to_have_count(1, timeout=LIVE_MS)

        # Page B opens the editor and types; the task changes elsewhere meanwhile. The view behind
        # the dialog is reloaded, the dialog keeps what was typed, and its save over the version
        # it was opened on writes nothing (no request with a stale If-Match): B says so instead.
        row(b, "Buy oat milk and bread").locator("button.edit").click()
        b.page.fill("#edit-title", "Typed in page B")
        b.page.fill("#edit-tags", "kept")
        api("PATCH", f"/api/tasks/{task['id']}", {"priority": "high"})
        expect(row(b, "Buy oat milk and bread").locator(".priority")).to_have_text("high", timeout=LIVE_MS)
        expect(b.page.locator("#edit-dialog")).to_be_visible()
        expect(b.page.locator("#edit-title")).to_have_value("Typed in page B")
        expect(b.page.locator("#edit-tags")).to_have_value("kept")
        patches = len(b.sent("PATCH"))
        b.page.click("#edit-save")
        expect(b.page.locator("#error")).to_have_text(CHANGED_ELSEWHERE)
        expect(b.page.locator("#edit-dialog")).to_be_hidden()
        assert len(b.sent("PATCH")) == patches
        assert api("GET", f"/api/tasks/{task['id']}")["title"] == "Buy oat milk and bread"
        b.page.screenshot(path=str(artifacts / "live-laptop.png"))

        # The server stops: both pages say they are reconnecting, and go on trying while it is down
        # (each try asks for a ticket, which cannot be had).
        tickets_before = {session: len(session.sent("POST", TICKETS)) for session in pages}
        server.stop()
        for session in pages:
            expect(status(session)).to_have_text("Reconnecting…", timeout=10_000)
            expect(session.page.locator("#live-status")).to_have_class(re.compile(r"\breconnecting\b"))
            expect(session.page.locator("#live-announce")).to_have_text("Live updates lost: reconnecting…")

        def tried_while_down(session: Watched) -> bool:
            return any(r.failure for r in session.sent("POST", TICKETS)[tickets_before[session] :])

        for session in pages:
            wait_until(
                session.page, partial(tried_while_down, session), 10_000, "no try while the server was down"
            )

        # The same server again (port, data directory, secret): a change made before the pages
        # are back reaches them when they are, and one made after, within a second.
        server = Server(server.env, port=server.port).start()
        restartable.append(server)
        api("PATCH", f"/api/tasks/{task['id']}", {"title": "Made while reconnecting"})
        for session in pages:
            expect(row(session, "Made while reconnecting")).to_have_count(1, timeout=RESTART_MS)
            expect(status(session)).to_have_text("Live")
            expect(session.page.locator("#live-announce")).to_have_text("Live updates are back.")
        api("POST", "/api/tasks", {"title": "After the restart"})
        for session in pages:
            expect(row(session, "After the restart")).to_have_count(1, timeout=LIVE_MS)

        # Page A deletes it: page B shows it gone within a second.
        row(a, "After the restart").locator("button.delete").click()
        a.page.click("#confirm-ok")
        expect(row(a, "After the restart")).to_have_count(0)
        expect(row(b, "After the restart")).to_have_count(0, timeout=LIVE_MS)
        expect(b.page.locator("#count")).to_have_text("0 of 1 pending", timeout=LIVE_MS)

        # Neither page was ever loaded again, and no event stream carried the token: each was
        # opened with a ticket of its own (asked for with the token in a header), the ones after
        # the first resuming from the last event the page had.
        for session in pages:
            assert session.page.evaluate("window.sameDocument") is True
            assert [r.url for r in session.requests if r.resource_type == "document"] == [f"{server.base}/"]
            assert all(token not in r.url for r in session.requests)
            streams = session.sent("GET", EVENTS)
            assert len(streams) >= 2, [r.url for r in streams]
            tickets = []
            for opened in streams:
                path, _, query = opened.url.partition("?")
                assert path == f"{server.base}{EVENTS}", opened.url
                params = dict(part.split("=", 1) for part in query.split("&"))
                assert set(params) <= {"ticket", "last_event_id"}, opened.url
                assert params["ticket"].startswith("evt_"), opened.url
                assert opened.header_value("authorization") is None
                tickets.append(params["ticket"])
            assert len(set(tickets)) == len(tickets), tickets
            assert "last_event_id" not in streams[0].url
            assert re.search(r"[?&]last_event_id=\d+$", streams[-1].url), streams[-1].url
            asked = session.sent("POST", TICKETS)
            assert len(asked) > len(streams)  # and the tries while the server was down
            assert all(r.url == f"{server.base}{TICKETS}" for r in asked)
            assert all(r.header_value("authorization") == f"Bearer {token}" for r in asked)

        # Logging out closes the stream: a change made then reaches page A no more.
        a.page.click("#logout")
        expect(a.page.locator("#auth-view")).to_be_visible()
        expect(a.page.locator("#live-status")).to_be_hidden()
        sent_before = len(a.requests)
        api("POST", "/api/tasks", {"title": "After logging out"})
        expect(row(b, "After logging out")).to_have_count(1, timeout=LIVE_MS)
        a.page.wait_for_timeout(500)
        assert [r.url for r in a.requests[sent_before:]] == []

        for session in pages:  # the stream the stop cut, then the tries while the server was down
            session.assert_clean([CUT_SHORT], tolerated=[REFUSED])
    finally:
        for session in (a, b):
            session.close()


TOKENS = "/api/auth/tokens"
COPIED = "Copied to the clipboard."
COPY_BY_HAND = "The token is selected: press Ctrl+C (⌘C on a Mac) to copy it."
NO_CLIPBOARD = "Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });"
SELECTED_TEXT = "(({ value, selectionStart, selectionEnd }) => value.slice(selectionStart, selectionEnd))"


def shown_day(iso: str) -> str:
    """The date part of how the page shows `iso` (en-US, UTC): "Apr 15, 2031"."""
    when = dt.datetime.fromisoformat(iso)
    return f"{when:%b} {when.day}, {when.year}"


def page_storage(page: Page) -> str:
    """Everything the page keeps in localStorage and sessionStorage, as one string."""
    storage = page.evaluate("JSON.stringify([{...localStorage}, {...sessionStorage}])")
    assert isinstance(storage, str), storage
    return storage


def test_access_tokens_panel(
    watched: Callable[[ViewportSize], Watched],
    server: Server,
    playwright_api: ModuleType,
    artifacts: Path,
) -> None:
    """The Access tokens panel: a token made with only tasks:read for 30 days is shown once, in
    the page only (never stored), copies to the clipboard, reads tasks but cannot write them over
    real HTTP, is listed with its scope and never its value, is gone from the page after a
    reload, and stops working once revoked in the page. At phone width the panel fits, and
    without a clipboard API the Copy button selects the token for Ctrl+C."""
    expect = playwright_api.expect
    email = "tokens@example.com"
    signup(server, email, name="Tess Token")
    session = watched(LAPTOP)
    session.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.base)
    page = session.page
    panel = page.locator("#tokens-panel")
    rows = page.locator("#token-list li.token")

    # Sign in through the form; the panel starts closed and loads the list when opened.
    page.goto(f"{server.base}/")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#login")
    expect(page.locator("#app-view")).to_be_visible()
    login_token = session.token()
    assert login_token
    expect(panel).not_to_have_attribute("open", "")
    assert session.sent("GET", TOKENS) == []
    panel.locator("summary").click()
    expect(page.locator("#tokens-empty")).to_have_text("No access tokens yet.")
    expect(page.locator("#token-scope-read")).to_be_checked()
    expect(page.locator("#token-scope-write")).to_be_checked()
    expect(page.locator("#token-expiry")).to_have_value("90")
    expect(page.locator("#token-created")).to_be_hidden()

    # At least one scope: with both unchecked the browser refuses to submit the form.
    page.fill("#token-name", "Read-only agent")
    page.locator("#token-scope-read").uncheck()
    page.locator("#token-scope-write").uncheck()
    page.click("#token-create")
    assert session.sent("POST", TOKENS) == []
    assert page.evaluate("document.querySelector('#token-form').checkValidity()") is False

    # Create one that may only read, for 30 days: shown once, focused, with the warning.
    page.locator("#token-scope-read").check()
    page.select_option("#token-expiry", "30")
    page.click("#token-create")
    expect(page.locator("#token-created")).to_be_visible()
    expect(page.locator("#token-warning")).to_contain_text("won't be shown again")
    expect(page.locator("#token-value")).to_be_focused()
    secret = page.input_value("#token-value")
    assert re.fullmatch(r"tdo_[A-Za-z0-9_-]{43}", secret), secret
    (sent,) = session.sent("POST", TOKENS)
    assert sent.post_data_json == {"name": "Read-only agent", "scopes": ["tasks:read"], "expires_in_days": 30}
    assert sent.header_value("idempotency-key") is None  # a keyed answer would be kept to replay
    # The form is ready for the next one, and the list shows this one, used by nobody yet.
    expect(page.locator("#token-name")).to_have_value("")
    expect(page.locator("#token-scope-write")).to_be_checked()
    expect(page.locator("#token-expiry")).to_have_value("90")
    expect(rows).to_have_count(1)
    (listed,) = call("GET", f"{server.base}{TOKENS}", token=login_token).body
    assert (listed["name"], listed["scopes"], listed["last_used_at"]) == (
        "Read-only agent",
        ["tasks:read"],
        None,
    )
    created_at = dt.datetime.fromisoformat(listed["created_at"])
    assert dt.datetime.fromisoformat(listed["expires_at"]) - created_at == dt.timedelta(days=30)
    row = rows.first
    expect(row.locator(".token-name")).to_have_text("Read-only agent")
    expect(row.locator(".token-scopes .chip")).to_have_text(["tasks:read"])
    expect(row.locator(".created")).to_contain_text(shown_day(listed["created_at"]))
    expect(row.locator(".expires")).to_contain_text(shown_day(listed["expires_at"]))
    expect(row.locator(".last-used")).to_have_text("never")
    expect(row.locator(".revoke")).to_have_attribute("aria-label", "Revoke “Read-only agent”")
    assert secret not in page.locator("#token-list").inner_html()
    assert secret not in page_storage(page)

    # Over real HTTP the token reads tasks but cannot write one.
    assert call("GET", f"{server.base}/api/tasks", token=secret).status == 200
    refused = call("POST", f"{server.base}/api/tasks", {"title": "not allowed"}, secret)
    assert (refused.status, refused.body["code"]) == (403, "insufficient_scope"), refused.body

    # Copy puts exactly the token on the clipboard.
    page.click("#token-copy")
    expect(page.locator("#token-copy-status")).to_have_text(COPIED)
    assert page.evaluate("navigator.clipboard.readText()") == secret
    page.evaluate("document.activeElement && document.activeElement.blur()")
    panel.screenshot(path=str(artifacts / "tokens-laptop.png"))

    # After a reload the token is nowhere on the page; the list shows its use, not its value.
    page.reload()
    expect(page.locator("#app-view")).to_be_visible()
    panel.locator("summary").click()
    expect(rows).to_have_count(1)
    expect(page.locator("#token-created")).to_be_hidden()
    expect(page.locator("#token-value")).to_have_value("")
    expect(rows.first.locator(".last-used")).not_to_have_text("never")
    assert secret not in page.content()
    assert secret not in page.evaluate("document.body.innerText")
    assert secret not in page_storage(page)

    # Revoke, after a confirm that can be cancelled: the token gets 401 at once.
    rows.first.locator(".revoke").click()
    expect(page.locator("#confirm-dialog")).to_be_visible()
    expect(page.locator("#confirm-heading")).to_have_text("Revoke token?")
    expect(page.locator("#confirm-message")).to_contain_text("Read-only agent")
    expect(page.locator("#confirm-ok")).to_have_text("Revoke")
    page.click("#confirm-cancel")
    expect(page.locator("#confirm-dialog")).to_be_hidden()
    expect(rows).to_have_count(1)
    assert session.sent("DELETE", TOKENS) == []
    assert call("GET", f"{server.base}/api/tasks", token=secret).status == 200
    rows.first.locator(".revoke").click()
    page.click("#confirm-ok")
    expect(rows).to_have_count(0)
    expect(page.locator("#tokens-empty")).to_be_visible()
    (revoked,) = session.sent("DELETE", TOKENS)
    assert revoked.url == f"{server.base}{TOKENS}/{listed['id']}"
    gone = call("GET", f"{server.base}/api/tasks", token=secret)
    assert gone.status == 401, gone.body
    assert call("GET", f"{server.base}{TOKENS}", token=login_token).body == []
    expect(page.locator("#error")).to_be_empty()
    session.assert_clean()

    # Phone width, where the page has no clipboard API (as over plain http on a LAN): a token
    # that never expires, listed as such, and Copy selects it and says to press Ctrl+C.
    phone = watched(PHONE)
    phone.context.add_init_script(f"localStorage.setItem('{TOKEN_KEY}', '{login_token}')")
    phone.context.add_init_script(NO_CLIPBOARD)
    page = phone.page
    panel = page.locator("#tokens-panel")
    page.goto(f"{server.base}/")
    expect(page.locator("#app-view")).to_be_visible()
    panel.locator("summary").click()
    expect(page.locator("#tokens-empty")).to_be_visible()
    page.fill("#token-name", "Phone backup script")
    page.select_option("#token-expiry", "never")
    page.click("#token-create")
    expect(page.locator("#token-created")).to_be_visible()
    secret = page.input_value("#token-value")
    assert secret.startswith("tdo_")
    row = page.locator("#token-list li.token").first
    expect(row.locator(".token-scopes .chip")).to_have_text(["tasks:read", "tasks:write"])
    expect(row.locator(".expires")).to_have_text("never")
    expect(row.locator(".last-used")).to_have_text("never")
    page.locator("#token-name").focus()
    page.click("#token-copy")
    expect(page.locator("#token-copy-status")).to_have_text(COPY_BY_HAND)
    expect(page.locator("#token-value")).to_be_focused()
    assert page.evaluate(f"{SELECTED_TEXT}(document.activeElement)") == secret
    assert call("POST", f"{server.base}/api/tasks", {"title": "from the phone token"}, secret).status == 201
    page.evaluate("document.activeElement && document.activeElement.blur()")
    panel.screenshot(path=str(artifacts / "tokens-phone.png"))
    page.screenshot(path=str(artifacts / "tokens-phone-page.png"), full_page=True)
    # Nothing sticks out sideways, even with the long token in its field.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # "Done" drops the token from the page; logging out leaves nothing of the panel behind.
    page.click("#token-done")
    expect(page.locator("#token-created")).to_be_hidden()
    expect(page.locator("#token-value")).to_have_value("")
    assert secret not in page.content()
    page.click("#logout")
    expect(page.locator("#auth-view")).to_be_visible()
    expect(page.locator("#token-list li.token")).to_have_count(0)
    expect(panel).not_to_have_attribute("open", "")
    phone.assert_clean()


NAME_TAKEN = "You already have a list with that name"


def test_lists_subtasks_and_reordering(
    watched: Callable[[ViewportSize], Watched],
    server: Server,
    playwright_api: ModuleType,
    artifacts: Path,
) -> None:
    """Lists, subtasks and the user's order, in the page and on the server. At laptop width the
    lists are a sidebar: a list is added (a second of the same name, in any case, is refused with
    the server's 409 shown), picked, renamed and deleted, both with its tasks and moving them to
    the Inbox, whose Delete is off and says why. "Add subtask" nests a subtask under its parent.
    Tasks are reordered by dragging (before and after a sibling) and from the keyboard
    (Alt+ArrowDown, the Move up button), keeping the focus on the moved task and announcing the
    new place; a move of a version changed elsewhere writes nothing and says so. A task goes to
    another list through its keyboard-operable "Move to…" dialog, with its subtask, and by a drop
    on the sidebar. Every move sends If-Match and changes only the moved task. At phone width the
    lists are a picker. (The laptop page has no live updates: a task renamed through the API must
    still be shown with its old title when the page moves it.)"""
    expect = playwright_api.expect
    token = signup(server, "lists@example.com", name="Lin Lists")["access_token"]
    session = watched(LAPTOP)
    session.context.add_init_script(f"localStorage.setItem('{TOKEN_KEY}', '{token}')")
    session.context.add_init_script(NO_LIVE_UPDATES)
    page = session.page
    sidebar = page.locator("#lists")
    heading = page.locator("#list-heading")
    top_titles = page.locator("#tasks > li.task > .task-row .title")

    def server_lists() -> dict[str, dict[str, Any]]:
        reply = call("GET", f"{server.base}/api/lists", token=token)
        assert reply.status == 200, reply.body
        return {entry["name"]: entry for entry in reply.body}

    def in_order(list_id: int, parent: int | str = "none") -> list[dict[str, Any]]:
        """The tasks of one list under one parent, by position, as the server has them."""
        query = f"list_id={list_id}&parent_id={parent}&sort=position&limit=1000"
        reply = call("GET", f"{server.base}/api/tasks?{query}", token=token)
        assert reply.status == 200, reply.body
        assert [task["position"] for task in reply.body] == sorted(task["position"] for task in reply.body)
        return list(reply.body)

    def titles_in(list_id: int, parent: int | str = "none") -> list[str]:
        return [task["title"] for task in in_order(list_id, parent)]

    def stored(task_id: int) -> dict[str, Any]:
        reply = call("GET", f"{server.base}/api/tasks/{task_id}", token=token)
        assert reply.status == 200, reply.body
        return dict(reply.body)

    def list_button(name: str) -> Any:
        name_is = page.locator(".list-name", has_text=re.compile(f"^{re.escape(name)}$"))
        return sidebar.locator(".list-button", has=name_is)

    def row(task_id: int) -> Any:
        return page.locator(f'#tasks li.task[data-id="{task_id}"]')

    def task_row(task_id: int) -> Any:
        """The task's own row (its subtasks' rows are nested in its item, after it)."""
        return row(task_id).locator(":scope > .task-row")

    def control(task_id: int, name: str) -> Any:
        return task_row(task_id).locator(f".{name}")

    def last_move(task_id: int) -> Request:
        moves = session.sent("POST", f"/api/tasks/{task_id}/move")
        assert moves, f"no move of task {task_id} sent"
        assert moves[-1].header_value("if-match"), "a move without If-Match"
        return moves[-1]

    # Laptop: the sidebar, not the picker. Every list is shown first, the Inbox among the lists.
    page.goto(f"{server.base}/")
    expect(page.locator("#app-view")).to_be_visible()
    expect(sidebar).to_be_visible()
    expect(page.locator("#list-picker")).to_be_hidden()
    expect(sidebar.locator(".list-name")).to_have_text(["All tasks", "Inbox"])
    expect(heading).to_have_text("All tasks")
    expect(page.locator("#list-tools")).to_be_hidden()
    inbox = server_lists()["Inbox"]
    assert inbox["is_default"] is True

    # Add a list: it is shown at once, in the user's order; the same name again is refused.
    page.fill("#new-list-name", "Work")
    page.select_option("#new-list-color", "blue")
    page.click("#add-list")
    expect(heading).to_have_text("Work")
    expect(list_button("Work")).to_have_attribute("aria-current", "true")
    expect(sidebar.locator(".list-name")).to_have_text(["All tasks", "Inbox", "Work"])
    expect(page.locator("#sort")).to_have_value("position")
    expect(page.locator("#new-task-where")).to_have_text("in “Work”")
    work = server_lists()["Work"]
    assert (work["color"], work["is_default"]) == ("blue", False)
    (created_list,) = session.sent("POST", "/api/lists")
    assert created_list.header_value("idempotency-key")
    page.fill("#new-list-name", "WORK")
    page.click("#add-list")
    expect(page.locator("#error")).to_have_text(NAME_TAKEN)
    assert sorted(server_lists()) == ["Inbox", "Work"]

    # Three tasks added while Work is shown go into Work, last each time.
    for count, title in enumerate(("Alpha", "Beta", "Gamma"), start=1):
        page.fill("#new-title", title)
        page.click("#add")
        expect(top_titles).to_have_count(count)
    expect(page.locator("#error")).to_be_empty()
    expect(top_titles).to_have_text(["Alpha", "Beta", "Gamma"])
    assert titles_in(work["id"]) == ["Alpha", "Beta", "Gamma"]
    ids = {task["title"]: task["id"] for task in in_order(work["id"])}
    alpha, beta, gamma = ids["Alpha"], ids["Beta"], ids["Gamma"]
    expect(list_button("Work").locator(".list-count")).to_have_text("3 open")

    # "Add subtask": the subtask is nested under its parent, indented, in the parent's list.
    control(alpha, "add-subtask").click()
    expect(page.locator("#subtask-dialog")).to_be_visible()
    expect(page.locator("#subtask-parent")).to_have_text("Under “Alpha”")
    page.fill("#subtask-title", "Alpha notes")
    page.click("#subtask-add")
    expect(page.locator("#subtask-dialog")).to_be_hidden()
    nested = row(alpha).locator(":scope > .subtasks > li.task")
    expect(nested.locator(".title")).to_have_text(["Alpha notes"])
    expect(top_titles).to_have_text(["Alpha", "Beta", "Gamma"])
    (subtask,) = in_order(work["id"], alpha)
    assert (subtask["title"], subtask["parent_id"], subtask["list_id"]) == ("Alpha notes", alpha, work["id"])
    assert session.sent("POST")[-1].post_data_json == {"title": "Alpha notes", "parent_id": alpha}
    parent_box = control(alpha, "title").bounding_box()
    child_box = control(subtask["id"], "title").bounding_box()
    assert parent_box and child_box
    assert child_box["x"] >= parent_box["x"] + 20, (parent_box, child_box)
    assert child_box["y"] > parent_box["y"]

    # Mouse: drag Gamma by its handle onto the top half of Alpha's row (first), then Alpha onto
    # the bottom half of Beta's (after Beta). Only the dragged task changes on the server.
    versions = {task_id: stored(task_id)["version"] for task_id in (alpha, beta)}
    control(gamma, "drag-handle").drag_to(task_row(alpha), target_position={"x": 200, "y": 4})
    expect(top_titles).to_have_text(["Gamma", "Alpha", "Beta"])
    assert titles_in(work["id"]) == ["Gamma", "Alpha", "Beta"]
    assert last_move(gamma).post_data_json == {"after": None}
    assert {task_id: stored(task_id)["version"] for task_id in (alpha, beta)} == versions
    expect(page.locator("#status")).to_have_text("Moved “Gamma”: 1 of 3.")
    beta_row = task_row(beta)
    box = beta_row.bounding_box()
    assert box
    control(alpha, "drag-handle").drag_to(beta_row, target_position={"x": 200, "y": box["height"] - 4})
    expect(top_titles).to_have_text(["Gamma", "Beta", "Alpha"])
    assert titles_in(work["id"]) == ["Gamma", "Beta", "Alpha"]
    assert last_move(alpha).post_data_json == {"after": beta}
    expect(nested.locator(".title")).to_have_text(["Alpha notes"])  # the subtask went along
    assert titles_in(work["id"], alpha) == ["Alpha notes"]

    # Keyboard: Alt+ArrowUp on a focused row control, then the Move up button with Enter. The
    # focus stays on the moved task (on Move down once Move up is off at the top).
    control(alpha, "edit").focus()
    page.keyboard.press("Alt+ArrowUp")
    expect(top_titles).to_have_text(["Gamma", "Alpha", "Beta"])
    expect(control(alpha, "edit")).to_be_focused()
    expect(page.locator("#status")).to_have_text("Moved “Alpha” up: 2 of 3.")
    assert last_move(alpha).post_data_json == {"after": gamma}
    assert titles_in(work["id"]) == ["Gamma", "Alpha", "Beta"]
    control(alpha, "move-up").focus()
    page.keyboard.press("Enter")
    expect(top_titles).to_have_text(["Alpha", "Gamma", "Beta"])
    expect(control(alpha, "move-up")).to_be_disabled()
    expect(control(alpha, "move-down")).to_be_focused()
    expect(page.locator("#status")).to_have_text("Moved “Alpha” up: 1 of 3.")
    assert last_move(alpha).post_data_json == {"after": None}
    page.keyboard.press("Alt+ArrowDown")
    expect(top_titles).to_have_text(["Gamma", "Alpha", "Beta"])
    expect(control(alpha, "move-down")).to_be_focused()
    assert last_move(alpha).post_data_json == {"after": gamma}
    assert titles_in(work["id"]) == ["Gamma", "Alpha", "Beta"]

    # Gamma is renamed elsewhere: moving the version shown is refused (412), nothing moves, the
    # page reloads and says why; the move then works on the version now shown.
    renamed = call("PATCH", f"{server.base}/api/tasks/{gamma}", {"title": "Gamma ray"}, token)
    assert renamed.status == 200, renamed.body
    control(gamma, "edit").focus()
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator("#error")).to_have_text(CHANGED_ELSEWHERE)
    expect(top_titles).to_have_text(["Gamma ray", "Alpha", "Beta"])
    assert (last_move(gamma).response() or pytest.fail("no answer")).status == 412
    assert titles_in(work["id"]) == ["Gamma ray", "Alpha", "Beta"]
    expect(control(gamma, "edit")).to_be_focused()
    page.keyboard.press("Alt+ArrowDown")
    expect(top_titles).to_have_text(["Alpha", "Gamma ray", "Beta"])
    expect(page.locator("#error")).to_be_empty()
    assert titles_in(work["id"]) == ["Alpha", "Gamma ray", "Beta"]

    # Another list, then Alpha goes there with the keyboard ("Move to…", a select, Move): last in
    # Home, with its subtask; the focus goes to the row that took its place.
    page.fill("#new-list-name", "Home")
    page.click("#add-list")
    expect(heading).to_have_text("Home")
    list_button("Work").click()
    expect(heading).to_have_text("Work")
    expect(top_titles).to_have_text(["Alpha", "Gamma ray", "Beta"])
    home = server_lists()["Home"]
    control(alpha, "move-to").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#move-dialog")).to_be_visible()
    expect(page.locator("#move-list option")).to_have_text(["Inbox", "Home"])
    page.locator("#move-list").select_option(str(home["id"]))
    page.locator("#move-ok").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#move-dialog")).to_be_hidden()
    expect(top_titles).to_have_text(["Gamma ray", "Beta"])
    expect(control(gamma, "move-to")).to_be_focused()
    expect(page.locator("#status")).to_have_text("Moved “Alpha” to “Home”.")
    assert last_move(alpha).post_data_json == {"list_id": home["id"]}
    assert titles_in(home["id"]) == ["Alpha"]
    assert (stored(subtask["id"])["list_id"], stored(subtask["id"])["parent_id"]) == (home["id"], alpha)
    expect(list_button("Home").locator(".list-count")).to_have_text("2 open")
    expect(list_button("Work").locator(".list-count")).to_have_text("2 open")

    # A drop on a list in the sidebar moves the task there.
    control(beta, "drag-handle").drag_to(list_button("Inbox"))
    expect(top_titles).to_have_text(["Gamma ray"])
    assert last_move(beta).post_data_json == {"list_id": inbox["id"]}
    assert titles_in(inbox["id"]) == ["Beta"]
    expect(list_button("Inbox").locator(".list-count")).to_have_text("1 open")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.screenshot(path=str(artifacts / "lists-laptop.png"), full_page=True)

    # Rename: a name taken (in any case) is refused and the form stays; then Office, green.
    page.click("#rename-list")
    expect(page.locator("#rename-name")).to_be_focused()
    expect(page.locator("#rename-name")).to_have_value("Work")
    page.fill("#rename-name", "HOME")
    page.click("#rename-save")
    expect(page.locator("#error")).to_have_text(NAME_TAKEN)
    expect(page.locator("#rename-form")).to_be_visible()
    page.fill("#rename-name", "Office")
    page.select_option("#rename-color", "green")
    page.click("#rename-save")
    expect(page.locator("#rename-form")).to_be_hidden()
    expect(heading).to_have_text("Office")
    expect(page.locator("#rename-list")).to_be_focused()
    expect(page.locator("#error")).to_be_empty()
    expect(sidebar.locator(".list-name")).to_have_text(["All tasks", "Inbox", "Office", "Home"])
    office = server_lists()["Office"]
    assert (office["id"], office["color"]) == (work["id"], "green")
    assert all(r.header_value("if-match") for r in session.sent("PATCH", "/api/lists"))

    # Delete Home moving its tasks to the Inbox: Alpha and its subtask go there, still nested.
    list_button("Home").click()
    expect(heading).to_have_text("Home")
    page.click("#delete-list")
    expect(page.locator("#delete-list-dialog")).to_be_visible()
    expect(page.locator("#delete-list-message")).to_contain_text("2 tasks")
    expect(page.locator("#delete-list-move")).to_have_text("Move its tasks to “Inbox”")
    page.click("#delete-list-move")
    expect(heading).to_have_text("Inbox")
    expect(list_button("Inbox")).to_have_attribute("aria-current", "true")
    expect(sidebar.locator(".list-name")).to_have_text(["All tasks", "Inbox", "Office"])
    expect(top_titles).to_have_text(["Beta", "Alpha"])
    expect(nested.locator(".title")).to_have_text(["Alpha notes"])
    (deleted_home,) = session.sent("DELETE", "/api/lists")
    assert deleted_home.url == f"{server.base}/api/lists/{home['id']}?move_to={inbox['id']}"
    assert deleted_home.header_value("if-match")
    assert sorted(server_lists()) == ["Inbox", "Office"]
    assert titles_in(inbox["id"]) == ["Beta", "Alpha"]
    assert titles_in(inbox["id"], alpha) == ["Alpha notes"]

    # Delete Office with its tasks, after a cancel that deletes nothing.
    list_button("Office").click()
    expect(heading).to_have_text("Office")
    page.click("#delete-list")
    page.click("#delete-list-cancel")
    expect(page.locator("#delete-list-dialog")).to_be_hidden()
    assert len(session.sent("DELETE", "/api/lists")) == 1
    page.click("#delete-list")
    page.click("#delete-list-all")
    expect(heading).to_have_text("Inbox")
    expect(sidebar.locator(".list-name")).to_have_text(["All tasks", "Inbox"])
    deleted_office = session.sent("DELETE", "/api/lists")[-1]
    assert deleted_office.url == f"{server.base}/api/lists/{office['id']}"
    assert sorted(server_lists()) == ["Inbox"]
    assert call("GET", f"{server.base}/api/tasks/{gamma}", token=token).status == 404

    # The Inbox cannot be deleted: its Delete is off and the page says why (the server refuses too).
    expect(page.locator("#delete-list")).to_be_disabled()
    expect(page.locator("#inbox-note")).to_be_visible()
    expect(page.locator("#inbox-note")).to_contain_text("can be renamed, not deleted")
    refused = call("DELETE", f"{server.base}/api/lists/{inbox['id']}", token=token)
    assert refused.status == 409, refused.body
    expect(page.locator("#error")).to_be_empty()
    session.assert_clean(
        [
            f"{FAILED_LOAD}the server responded with a status of 409 (Conflict)",
            f"{FAILED_LOAD}the server responded with a status of 412 (Precondition Failed)",
            f"{FAILED_LOAD}the server responded with a status of 409 (Conflict)",
        ]
    )

    # Phone: a picker instead of the sidebar; picking the Inbox shows its tasks in the user's
    # order, subtask nested, and Move down works there too.
    phone = watched(PHONE)
    phone.context.add_init_script(f"localStorage.setItem('{TOKEN_KEY}', '{token}')")
    phone_page = phone.page
    phone_titles = phone_page.locator("#tasks > li.task > .task-row .title")
    phone_page.goto(f"{server.base}/")
    expect(phone_page.locator("#app-view")).to_be_visible()
    expect(phone_page.locator("#list-picker")).to_be_visible()
    expect(phone_page.locator("#lists")).to_be_hidden()
    expect(phone_page.locator("#list-picker option")).to_have_text(["All tasks (3 open)", "Inbox (3 open)"])
    # (Every list, newest first, shows the same two: wait for the Inbox's own request.)
    inbox_query = f"sort=position&limit=200&list_id={inbox['id']}"
    with phone_page.expect_response(lambda response: inbox_query in response.url):
        phone_page.select_option("#list-picker", str(inbox["id"]))
    expect(phone_page.locator("#list-heading")).to_have_text("Inbox")
    expect(phone_page.locator("#sort")).to_have_value("position")
    expect(phone_titles).to_have_text(["Beta", "Alpha"])
    phone_nested = phone_page.locator(f'#tasks li.task[data-id="{alpha}"] > .subtasks > li.task .title')
    expect(phone_nested).to_have_text(["Alpha notes"])
    phone_page.locator(f'#tasks li.task[data-id="{beta}"] > .task-row .move-down').click()
    expect(phone_titles).to_have_text(["Alpha", "Beta"])
    assert titles_in(inbox["id"]) == ["Alpha", "Beta"]
    phone_page.evaluate("document.activeElement && document.activeElement.blur()")
    phone_page.screenshot(path=str(artifacts / "lists-phone.png"), full_page=True)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.assert_clean()


PARIS = "Europe/Paris"
# Notification.requestPermission counted instead of asked (headless Chromium shows no prompt).
COUNT_PERMISSION_REQUESTS = """
window.permissionRequests = 0;
Notification.requestPermission = async () => { window.permissionRequests += 1; return 'default'; };
"""


def utc_iso(when: dt.datetime) -> str:
    """An aware datetime as the API writes it: "2026-12-07T08:00:00Z"."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def shown_time(when: dt.datetime) -> str:
    """How the page (en-US) shows `when` in its own zone: "Dec 7, 2026, 9:00 AM"."""
    hour = when.hour % 12 or 12
    return f"{when:%b} {when.day}, {when.year}, {hour}:{when:%M} {'AM' if when.hour < 12 else 'PM'}"


def test_recurring_task(browser: Browser, server: Server, playwright_api: ModuleType) -> None:
    """A page in Paris gives its user (still on UTC) the browser's zone, once. A task made there
    weekly on Monday and Thursday, due next Monday at 09:00, shows its rule in words; completing
    it shows the next occurrence at once, due that Thursday at 09:00 Paris time (computed here
    with zoneinfo), in the same series. Its edit dialog shows the rule in the picker and the
    zone, and takes a reminder before the due date and one at a time (the first one added asks,
    once, to show notifications); the bell shows them. A rule the server refuses is said next
    to the picker."""
    expect = playwright_api.expect
    token = signup(server, "repeat@example.com")["access_token"]
    session = Watched(browser, server.base, LAPTOP, timezone_id=PARIS)
    try:
        session.context.add_init_script(f"localStorage.setItem('{TOKEN_KEY}', '{token}')")
        session.context.add_init_script(COUNT_PERMISSION_REQUESTS)
        page = session.page
        paris = ZoneInfo(PARIS)
        today = dt.datetime.now(paris).date()
        monday = today + dt.timedelta(days=7 - today.weekday())  # 1 to 7 days ahead
        due = dt.datetime.combine(monday, dt.time(9, 0), paris)
        thursday = due + dt.timedelta(days=3)  # aware arithmetic: the same Paris clock time

        def rows(done: bool) -> Any:
            return page.locator(f"#tasks li.task{'.done' if done else ':not(.done)'}")

        def stored(path: str = "") -> Any:
            reply = call("GET", f"{server.base}/api/tasks{path}", token=token)
            assert reply.status == 200, reply.body
            return reply.body

        def me_patched(response: Response) -> bool:
            return response.request.method == "PATCH" and response.url == f"{server.base}/api/auth/me"

        with page.expect_response(me_patched):
            page.goto(f"{server.base}/")
        assert call("GET", f"{server.base}/api/auth/me", token=token).body["time_zone"] == PARIS

        # Weekly: the due date's day is ticked on picking it; Thursday is added.
        form = page.locator("#new-task")
        page.fill("#new-title", "Team sync")
        page.fill("#new-due", f"{monday.isoformat()}T09:00")
        page.select_option("#new-repeat", "weekly")
        expect(form.get_by_label("Monday")).to_be_checked()
        form.get_by_label("Thursday").check()
        expect(page.locator("#new-repeat-words")).to_have_text("Repeats weekly on Monday and Thursday")
        page.click("#add")
        expect(rows(done=False)).to_have_count(1)
        expect(rows(done=False).locator(".repeat-text")).to_have_text("weekly on Monday and Thursday")
        expect(rows(done=False).locator(".due")).to_have_text(f"Due {shown_time(due)}")
        expect(page.locator("#new-repeat")).to_have_value("none")
        expect(page.locator("#new-repeat-days")).to_be_hidden()
        (first,) = stored()
        assert (first["recurrence"], first["time_zone"], first["due_date"]) == (
            "FREQ=WEEKLY;BYDAY=MO,TH",
            PARIS,
            utc_iso(due),
        )

        # Done: the next occurrence is there, due on Thursday.
        rows(done=False).locator("input.toggle").check()
        expect(rows(done=True)).to_have_count(1)
        expect(rows(done=False)).to_have_count(1)
        expect(rows(done=False).locator(".due")).to_have_text(f"Due {shown_time(thursday)}")
        expect(rows(done=False).locator(".repeat-text")).to_have_text("weekly on Monday and Thursday")
        (following,) = [task for task in stored() if not task["completed"]]
        assert (following["due_date"], following["series_id"]) == (utc_iso(thursday), first["series_id"])
        assert following["id"] != first["id"]

        # Its dialog: the rule in the picker, the zone, and two reminders.
        rows(done=False).locator("button.edit").click()
        dialog = page.locator("#edit-dialog")
        expect(page.locator("#edit-repeat")).to_have_value("weekly")
        expect(dialog.get_by_label("Monday")).to_be_checked()
        expect(dialog.get_by_label("Thursday")).to_be_checked()
        expect(dialog.get_by_label("Tuesday")).not_to_be_checked()
        expect(page.locator("#edit-zone")).to_have_text(PARIS)
        reminders = page.locator("#edit-reminders .reminder")
        expect(reminders).to_have_count(0)
        page.click("#add-reminder")
        expect(reminders.nth(0).locator(".reminder-amount")).to_be_focused()
        expect(reminders.nth(0).locator(".reminder-amount")).to_have_value("15")
        page.click("#add-reminder")
        reminders.nth(1).locator(".reminder-kind").select_option("at")
        reminders.nth(1).locator(".reminder-at").fill(f"{thursday.date().isoformat()}T08:30")
        page.click("#edit-save")
        expect(dialog).to_be_hidden()
        half_past_eight = thursday - dt.timedelta(minutes=30)
        expect(rows(done=False).locator(".reminders-text")).to_have_text(
            f"15 minutes before, at {shown_time(half_past_eight)}"
        )
        saved = stored(f"/{following['id']}")
        assert saved["reminders"] == [{"before": "PT15M"}, {"at": utc_iso(half_past_eight)}]
        assert page.evaluate("window.permissionRequests") == 1

        # A rule the server refuses: its words next to the picker, the dialog kept open.
        rows(done=False).locator("button.edit").click()
        page.select_option("#edit-repeat", "custom")
        page.fill("#edit-rrule", "FREQ=HOURLY")
        page.click("#edit-save")
        refused = "is not a valid RRULE: FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"
        expect(page.locator("#edit-repeat-error")).to_have_text(f"Repeats: {refused}")
        expect(page.locator("#edit-rrule")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#edit-error")).to_have_text(f"recurrence: {refused}")
        expect(dialog).to_be_visible()
        page.click("#edit-cancel")
        assert stored(f"/{following['id']}")["version"] == saved["version"]
        session.assert_clean(
            [f"{FAILED_LOAD}the server responded with a status of 422 (Unprocessable Entity)"]
        )
    finally:
        session.close()


# A page allowed to show notifications, whose notifications are recorded as they are made.
RECORD_NOTIFICATIONS = """
window.notifications = [];
window.Notification = class extends Notification {
  constructor(title, options) {
    super(title, options);
    window.notifications.push({ title, body: options.body, tag: options.tag });
  }
};
"""
# Each stream's last reminder.due message, and replayReminder() to deliver it again from the
# same stream, as a stream resuming from before it would.
RECORD_REMINDERS = """
window.EventSource = class extends EventSource {
  constructor(...args) {
    super(...args);
    this.addEventListener('reminder.due', (message) => {
      window.reminderEvent = JSON.parse(message.data);
      const again = { data: message.data, lastEventId: message.lastEventId };
      window.replayReminder = () => this.dispatchEvent(new MessageEvent('reminder.due', again));
    });
  }
};
"""


def test_reminder_notifications(
    watched: Callable[[ViewportSize], Watched], server: Server, playwright_api: ModuleType
) -> None:
    """A reminder due 2 to 3 s ahead (set through the API) reaches two live pages of one account.
    The page allowed to show notifications shows one: the task's title, its due time and the
    reminder, tagged with the event's id. The other, which may not, shows a notice in a polite
    live region instead, once even when its stream delivers the event again, until dismissed."""
    expect = playwright_api.expect
    token = signup(server, "remind@example.com")["access_token"]
    allowed, refused = watched(LAPTOP), watched(LAPTOP)
    allowed.context.grant_permissions(["notifications"], origin=server.base)
    allowed.context.add_init_script(RECORD_NOTIFICATIONS)
    refused.context.add_init_script(RECORD_REMINDERS)
    for session in (allowed, refused):
        session.context.add_init_script(f"localStorage.setItem('{TOKEN_KEY}', '{token}')")
        session.page.goto(f"{server.base}/")
        expect(session.page.locator("#live-status-text")).to_have_text("Live")

    now = dt.datetime.now(dt.UTC)
    due = (now + dt.timedelta(hours=1)).replace(second=0, microsecond=0)
    at = (now + dt.timedelta(seconds=3)).replace(microsecond=0)  # 2 to 3 s ahead
    body = {"title": "Call the bank", "due_date": utc_iso(due), "reminders": [{"at": utc_iso(at)}]}
    assert call("POST", f"{server.base}/api/tasks", body, token).status == 201
    text = f"Due {shown_time(due)} · Reminder at {shown_time(at)}"

    notices = refused.page.locator("#notices .notice")
    expect(notices).to_have_count(1, timeout=10_000)
    expect(notices.locator(".notice-title")).to_have_text("Call the bank")
    expect(notices.locator(".notice-text")).to_have_text(text)
    region = refused.page.locator("#notices")
    expect(region).to_have_attribute("role", "status")
    expect(region).to_have_attribute("aria-live", "polite")
    event = refused.page.evaluate("window.reminderEvent")
    assert (event["type"], event["data"]["reminder"]["at"]) == ("reminder.due", utc_iso(at))

    wait_until(
        allowed.page,
        lambda: allowed.page.evaluate("window.notifications.length") > 0,
        5000,
        "no notification",
    )
    (shown,) = allowed.page.evaluate("window.notifications")
    assert shown["title"] == "Call the bank"
    assert " ".join(shown["body"].split()) == text  # Intl puts a narrow no-break space before AM/PM
    assert shown["tag"] == str(event["id"])
    expect(allowed.page.locator("#notices .notice")).to_have_count(0)

    refused.page.evaluate("window.replayReminder()")
    expect(notices).to_have_count(1)
    notices.locator(".notice-dismiss").click()
    expect(notices).to_have_count(0)
    armed = call("GET", f"{server.base}/api/reminders?before={utc_iso(due)}", token=token)
    assert (armed.status, armed.body) == (200, [])
    for session in (allowed, refused):
        session.assert_clean()


RULES_IN_WORDS = {
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE": "every 2 weeks on Monday and Wednesday",
    "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR": "every weekday",
    "FREQ=MONTHLY;BYMONTHDAY=15": "monthly on day 15",
    "FREQ=DAILY;COUNT=3": "every day, 3 times",
    "FREQ=DAILY;UNTIL=20301231": "every day until 31 Dec 2030",
    "FREQ=WEEKLY;BYDAY=TU;UNTIL=20301231T170000Z": "weekly on Tuesday until 31 Dec 2030",
    "FREQ=MONTHLY;BYDAY=-1FR;COUNT=1": "monthly on the last Friday, once",
    "FREQ=YEARLY;BYMONTH=3,9;BYMONTHDAY=1,15": "yearly on days 1 and 15 in March and September",
    "rrule:freq=daily;interval=3": "every 3 days",
    # What the words cannot say: the page shows the rule itself.
    "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1": None,
    "FREQ=MONTHLY;BYDAY=6MO": None,
    "FREQ=HOURLY": None,
    "FREQ=DAILY;FREQ=WEEKLY": None,
}
DURATIONS_IN_WORDS = {
    "PT15M": "15 minutes",
    "PT2H": "2 hours",
    "P1D": "1 day",
    "P1W": "7 days",
    "PT30S": "PT30S",
}


def test_rules_in_words(
    watched: Callable[[ViewportSize], Watched], server: Server, playwright_api: ModuleType
) -> None:
    """static/schedule.js's words for rules and reminder durations, run in the page; and a task
    from the server whose rule has no words shows the rule itself."""
    expect = playwright_api.expect
    token = signup(server, "words@example.com")["access_token"]
    unsaid = "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"
    body = {"title": "Pay day", "due_date": "2031-01-31T12:00:00Z", "recurrence": unsaid}
    assert call("POST", f"{server.base}/api/tasks", body, token).status == 201
    session = watched(LAPTOP)
    session.context.add_init_script(f"localStorage.setItem('{TOKEN_KEY}', '{token}')")
    page = session.page
    page.goto(f"{server.base}/")
    expect(page.locator("#tasks .repeat-text")).to_have_text(unsaid)
    said = page.evaluate("(rules) => rules.map(describeRule)", list(RULES_IN_WORDS))
    assert dict(zip(RULES_IN_WORDS, said, strict=True)) == RULES_IN_WORDS
    durations = page.evaluate("(texts) => texts.map(durationWords)", list(DURATIONS_IN_WORDS))
    assert dict(zip(DURATIONS_IN_WORDS, durations, strict=True)) == DURATIONS_IN_WORDS
    session.assert_clean()


# OAuth: the consent page and the Connected apps panel ---------------------------------------------

CALLBACK = "http://127.0.0.1:4713/callback"  # the app's redirect URI: answered by the test itself


def oauth_request(
    server: Server, client_name: str, scope: str = "tasks:read tasks:write"
) -> tuple[str, PKCE, str]:
    """A client registered over HTTP: its id, a PKCE pair, and the authorization URL it opens."""
    registered = call(
        "POST", f"{server.base}/register", {"redirect_uris": [CALLBACK], "client_name": client_name}
    )
    assert registered.status == 201, registered.body
    client_id = registered.body["client_id"]
    pkce = PKCE.new()
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": CALLBACK,
        "code_challenge": pkce.challenge,
        "code_challenge_method": "S256",
        "state": "browser-state",
        "scope": scope,
        "resource": f"{server.base}/mcp",
    }
    return client_id, pkce, f"{server.base}/authorize?{urlencode(query)}"


def answered_with(page: Page) -> dict[str, str]:
    """Where the page ended: the app's redirect URI, with what it carries."""
    assert page.url.startswith(CALLBACK + "?"), page.url
    return answer_of(page.url)


def redeemed(server: Server, client_id: str, pkce: PKCE, code: str) -> dict[str, Any]:
    form = urlencode(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "client_id": client_id,
            "code_verifier": pkce.verifier,
        }
    ).encode()
    request = urllib.request.Request(f"{server.base}/token", data=form, method="POST")
    with urllib.request.urlopen(request, timeout=10) as answer:
        tokens: dict[str, Any] = json.loads(answer.read())
    return tokens


def answer_callbacks(session: Watched) -> None:
    """The app's side of the redirect, and its requests taken off the page's foreign ones."""
    session.context.route(f"{CALLBACK}**", lambda route: route.fulfill(status=200, body="Connected."))


def left_for_the_app(session: Watched) -> set[str]:
    """The app's addresses the page went to (Chromium may report one navigation twice), taken
    off the page's foreign requests: all the others are the service's own."""
    callbacks = {url for url in session.foreign_requests if url.startswith(CALLBACK)}
    session.foreign_requests = [url for url in session.foreign_requests if not url.startswith(CALLBACK)]
    return callbacks


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_oauth_consent_page(
    viewport: ViewportSize,
    watched: Callable[[ViewportSize], Watched],
    browser: Browser,
    server: Server,
    playwright_api: ModuleType,
    artifacts: Path,
    request: pytest.FixtureRequest,
) -> None:
    """The sign-in and consent page an app opens: it says who asks for what; signed in at `/`
    in this browser, Approve is all it takes; otherwise the email and password (a wrong one
    says so); Deny sends the app away with nothing; and without JavaScript it works the same.
    It fits a phone's width."""
    expect = playwright_api.expect
    label = request.node.callspec.id
    email = f"consent-{label}@example.com"
    signup(server, email, name="Cleo Consent")

    # Signed in at `/`: the page knows it, and Approve alone connects the app.
    session = watched(viewport)
    answer_callbacks(session)
    page = session.page
    page.goto(f"{server.base}/")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#login")
    expect(page.locator("#app-view")).to_be_visible()
    client_id, pkce, url = oauth_request(server, "Claude")
    page.goto(url)
    expect(page.locator("h1")).to_have_text("Connect Claude to your tasks?")
    expect(page.locator(".consent-facts")).to_contain_text("the name it gives itself")
    expect(page.locator(".consent-facts")).to_contain_text("an app on this device")
    expect(page.locator(".consent-scopes li")).to_have_text(
        [
            "tasks:read See your tasks and lists.",
            "tasks:write Add, change, complete and delete your tasks and lists.",
        ]
    )
    expect(page.locator("#signed-in")).to_be_visible()
    expect(page.locator("#signed-in-as")).to_have_text(f"Cleo Consent ({email})")
    expect(page.locator("#credentials")).to_be_hidden()
    page.screenshot(path=str(artifacts / f"consent-{label}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.click("#approve")
    expect(page).to_have_url(re.compile(re.escape(CALLBACK) + r"\?code="))
    sent = answered_with(page)
    assert (sent["state"], sent["iss"]) == ("browser-state", server.base)
    tokens = redeemed(server, client_id, pkce, sent["code"])
    assert call("GET", f"{server.base}/api/tasks", token=tokens["access_token"]).status == 200
    assert left_for_the_app(session) == {page.url}
    session.assert_clean()

    # Not signed in here: the email and password, a wrong one said so (401), then Deny.
    stranger = watched(viewport)
    answer_callbacks(stranger)
    page = stranger.page
    client_id, pkce, url = oauth_request(server, "ChatGPT", scope="tasks:read")
    page.goto(url)
    expect(page.locator("#credentials")).to_be_visible()
    expect(page.locator("#signed-in")).to_be_hidden()
    expect(page.locator(".consent-scopes li")).to_have_text(["tasks:read See your tasks and lists."])
    page.fill("#consent-email", email)
    page.fill("#consent-password", "not my password")
    with page.expect_response(lambda response: response.url.endswith("/authorize/consent")) as posted:
        page.click("#approve")
    assert posted.value.status == 401
    expect(page.locator("#consent-error")).to_have_text("Incorrect email or password.")
    expect(page.locator("#consent-email")).to_have_value(email)
    expect(page.locator("#consent-password")).to_have_value("")
    page.click("#deny")
    expect(page).to_have_url(re.compile(re.escape(CALLBACK) + r"\?error=access_denied"))
    assert answered_with(page)["state"] == "browser-state"
    # Back again, with the right password this time.
    page.goto(url)
    page.fill("#consent-email", email)
    page.fill("#consent-password", PASSWORD)
    page.click("#approve")
    expect(page).to_have_url(re.compile(re.escape(CALLBACK) + r"\?code="))
    tokens = redeemed(server, client_id, pkce, answered_with(page)["code"])
    assert tokens["scope"] == "tasks:read"
    assert len(left_for_the_app(stranger)) == 2  # denied, then approved
    # Chromium logs the 401 the wrong password got.
    stranger.assert_clean(
        expected_errors=[
            "error: Failed to load resource: the server responded with a status of 401 (Unauthorized)"
        ]
    )

    # Without JavaScript: the same form, posted as it is.
    context = browser.new_context(viewport=viewport, java_script_enabled=False)
    try:
        context.route(f"{CALLBACK}**", lambda route: route.fulfill(status=200, body="Connected."))
        page = context.new_page()
        client_id, pkce, url = oauth_request(server, "A plain client")
        page.goto(url)
        expect(page.locator("#credentials")).to_be_visible()
        page.fill("#consent-email", email)
        page.fill("#consent-password", PASSWORD)
        page.click("#approve")
        expect(page).to_have_url(re.compile(re.escape(CALLBACK) + r"\?code="))
        assert "access_token" in redeemed(server, client_id, pkce, answered_with(page)["code"])
    finally:
        context.close()


def test_connected_apps_panel(
    watched: Callable[[ViewportSize], Watched],
    server: Server,
    playwright_api: ModuleType,
    artifacts: Path,
) -> None:
    """The page at `/` lists the apps connected to the account, with their scopes and last use,
    and Disconnect ends an app's access at once (after a confirm that can be cancelled). It fits
    a phone's width."""
    expect = playwright_api.expect
    email = "panel@example.com"
    login = signup(server, email)["access_token"]
    connected = {}
    for name, scope in (("Claude", "tasks:read tasks:write"), ("Reader", "tasks:read")):
        client_id, pkce, url = oauth_request(server, name, scope)
        with urllib.request.urlopen(url, timeout=10) as page:  # the page, read as a client without JavaScript
            form = consent_form(page.read().decode())
            cookie = page.headers["Set-Cookie"].split(";")[0]
        body = urlencode({**form.filled("approve", email=email, password=PASSWORD)}, doseq=True).encode()
        post = urllib.request.Request(f"{server.base}{form.action}", data=body, headers={"Cookie": cookie})
        with pytest.raises(urllib.error.HTTPError) as redirect:  # urllib does not follow a 302 to POST
            urllib.request.build_opener(NoRedirects).open(post, timeout=10)
        code = answer_of(redirect.value.headers["Location"])["code"]
        connected[name] = redeemed(server, client_id, pkce, code)
    assert call("GET", f"{server.base}/api/tasks", token=connected["Claude"]["access_token"]).status == 200

    session = watched(PHONE)
    session.context.add_init_script(f"localStorage.setItem('{TOKEN_KEY}', '{login}')")
    page = session.page
    panel = page.locator("#connections-panel")
    rows = page.locator("#connection-list li.connection")
    page.goto(f"{server.base}/")
    expect(page.locator("#app-view")).to_be_visible()
    expect(panel).not_to_have_attribute("open", "")
    panel.locator("summary").click()
    expect(rows).to_have_count(2)
    expect(rows.locator(".connection-name")).to_have_text(["Claude", "Reader"])
    expect(rows.locator(".connection-client")).to_have_count(2)
    expect(rows.nth(0).locator(".connection-client")).to_be_hidden()  # a registered client's id says nothing
    expect(page.locator("#mcp-url")).to_have_text(f"{server.base}/mcp")
    expect(rows.nth(0).locator(".connection-scopes .chip")).to_have_text(["tasks:read", "tasks:write"])
    expect(rows.nth(1).locator(".connection-scopes .chip")).to_have_text(["tasks:read"])
    expect(rows.nth(0).locator(".last-used")).not_to_have_text("never")  # it read the tasks above
    expect(rows.nth(1).locator(".last-used")).to_have_text("never")
    expect(rows.nth(0).locator(".disconnect")).to_have_attribute("aria-label", "Disconnect “Claude”")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    panel.screenshot(path=str(artifacts / "connections-phone.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Cancelled, nothing happens; confirmed, Claude's tokens stop working at once.
    rows.nth(0).locator(".disconnect").click()
    expect(page.locator("#confirm-heading")).to_have_text("Disconnect app?")
    expect(page.locator("#confirm-message")).to_contain_text("Claude")
    page.click("#confirm-cancel")
    expect(rows).to_have_count(2)
    assert session.sent("DELETE", "/api/auth/connections") == []
    rows.nth(0).locator(".disconnect").click()
    page.click("#confirm-ok")
    expect(rows).to_have_count(1)
    expect(rows.locator(".connection-name")).to_have_text(["Reader"])
    assert call("GET", f"{server.base}/api/tasks", token=connected["Claude"]["access_token"]).status == 401
    assert call("GET", f"{server.base}/api/tasks", token=connected["Reader"]["access_token"]).status == 200
    # The last one: the panel says there is none.
    rows.nth(0).locator(".disconnect").click()
    page.click("#confirm-ok")
    expect(rows).to_have_count(0)
    expect(page.locator("#connections-empty")).to_be_visible()
    # Logging out leaves nothing of them on the page.
    page.click("#logout")
    expect(panel).not_to_have_attribute("open", "")
    expect(page.locator("#connection-list li")).to_have_count(0)
    session.assert_clean()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:
        return None


def test_your_data_panel(
    watched: Callable[[ViewportSize], Watched], server: Server, playwright_api: ModuleType, artifacts: Path
) -> None:
    """The Your data panel: Download everything saves the export; a file chosen to import is
    first checked (a dry run: its counts and what it would change, nothing written), then
    imported on Import, and the tasks are on the page; a file that cannot be imported says
    where, and offers no Import. Run on a phone, where the panel must fit."""
    expect = playwright_api.expect
    ann = signup(server, "data-ann@example.com")["access_token"]
    work = call("POST", f"{server.base}/api/lists", {"name": "Garden", "color": "green"}, token=ann).body
    parent = call(
        "POST", f"{server.base}/api/tasks", {"title": "Plant tulips", "list_id": work["id"]}, token=ann
    ).body
    call(
        "POST",
        f"{server.base}/api/tasks",
        {"title": "Buy bulbs", "parent_id": parent["id"], "tags": ["shop"]},
        token=ann,
    )
    bob = signup(server, "data-bob@example.com")["access_token"]
    session = watched(PHONE)
    page = session.page
    page.goto(f"{server.base}/")
    page.fill("#email", "data-ann@example.com")
    page.fill("#password", PASSWORD)
    page.click("#login")
    expect(page.locator("#app-view")).to_be_visible()
    page.locator("#data-panel summary").click()

    # Export: the file the API names, holding Ann's lists and tasks.
    with page.expect_download() as download:
        page.click("#export-data")
    saved = download.value
    assert re.fullmatch(r"todo-export-\d{4}-\d{2}-\d{2}\.json", saved.suggested_filename)
    exported = json.loads(Path(saved.path()).read_text())
    assert exported["format"] == "todo-api/1"
    assert [task["title"] for task in exported["tasks"]] == ["Plant tulips", "Buy bulbs"]
    expect(page.locator("#export-status")).to_have_text(f"Downloaded {saved.suggested_filename}.")

    # Bob imports it: checked first (nothing written), then imported on Import.
    page.click("#logout")
    page.fill("#email", "data-bob@example.com")
    page.fill("#password", PASSWORD)
    page.click("#login")
    expect(page.locator("#app-view")).to_be_visible()
    expect(page.locator("#data-panel")).not_to_have_attribute("open", "")
    page.locator("#data-panel summary").click()
    page.set_input_files("#import-file", saved.path())
    page.click("#import-check")
    expect(page.locator("#import-summary")).to_have_text("This file has 2 tasks to add, 1 new list.")
    expect(page.locator("#import-problems-box")).to_be_hidden()
    expect(page.locator("#import-confirm")).to_be_focused()
    (dry,) = session.sent("POST", "/api/import")
    assert "dry_run=true" in dry.url and dry.header_value("idempotency-key") is None
    assert api_tasks(server, bob) == {}, "a dry run writes nothing"
    page.screenshot(path=str(artifacts / "your-data-phone.png"), full_page=True)
    page.click("#import-confirm")
    expect(page.locator("#import-result")).to_have_text("Imported 2 tasks and 1 new list.")
    expect(page.locator("#import-preview")).to_be_hidden()
    expect(page.locator("#tasks")).to_contain_text("Plant tulips")
    expect(page.locator("#lists")).to_contain_text("Garden")
    imported = api_tasks(server, bob)
    assert imported["Buy bulbs"]["parent_id"] == imported["Plant tulips"]["id"] and imported["Buy bulbs"][
        "tags"
    ] == ["shop"]
    assert session.sent("POST", "/api/import")[-1].header_value("idempotency-key")

    # A Todoist project's CSV, with what changes on the way in, into the list named.
    todoist = (
        "TYPE,CONTENT,PRIORITY,INDENT,DATE,TIMEZONE\r\n"
        "task,Mulch @garden,1,1,2030-04-01,UTC\r\nsection,Later,,,,\r\ntask,Prune,4,1,next spring,UTC\r\n"
    )
    page.fill("#import-list", "Orchard")
    page.set_input_files(
        "#import-file", {"name": "Orchard.csv", "mimeType": "text/csv", "buffer": todoist.encode()}
    )
    page.click("#import-check")
    expect(page.locator("#import-summary")).to_have_text("This file has 2 tasks to add, 1 new list.")
    expect(page.locator("#import-problems li")).to_have_count(2)
    expect(page.locator("#import-problems li").first).to_contain_text(
        "Orchard.csv:3 Section 'Later' is not kept"
    )
    page.click("#import-cancel")
    expect(page.locator("#import-preview")).to_be_hidden()
    assert "Mulch" not in api_tasks(server, bob)

    # A file that cannot be imported: where, and no Import.
    bad = "TYPE,CONTENT,PRIORITY,INDENT\r\ntask,Fine,4,1\r\ntask," + "x" * 201 + ",4,1\r\n"
    page.set_input_files("#import-file", {"name": "Bad.csv", "mimeType": "text/csv", "buffer": bad.encode()})
    page.click("#import-check")
    expect(page.locator("#import-summary")).to_contain_text("This file cannot be imported")
    expect(page.locator("#import-problems li")).to_have_text(
        ["Bad.csv:3 CONTENT: Value error, title must be 1 to 200 characters after trimming"]
    )
    expect(page.locator("#import-confirm")).to_be_disabled()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "the panel fits a phone"
    )
    session.assert_clean([f"{FAILED_LOAD}the server responded with a status of 422 (Unprocessable Entity)"])
