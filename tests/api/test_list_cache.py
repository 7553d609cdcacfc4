"""Cached list pages are never stale and never another user's: every kind of task write, by this
worker or another one, shows in the next list."""

from __future__ import annotations

from starlette.testclient import TestClient

from handlers.http.page_cache import ENTRY_OVERHEAD_BYTES, Page, PageCache
from settings import Settings
from tests.support.accounts import auth, signup
from tests.support.live import Server, call


def listed(client: TestClient, headers: dict[str, str]) -> list[tuple[str, bool, str]]:
    response = client.get("/api/tasks?sort=created_at", headers=headers)
    assert response.status_code == 200
    return [(task["title"], task["completed"], task["priority"]) for task in response.json()]


def test_every_write_shows_in_the_next_list(client: TestClient) -> None:
    headers = auth(signup(client)["access_token"])
    assert listed(client, headers) == [] == listed(client, headers)  # the second one is cached
    first = client.post("/api/tasks", json={"title": "a"}, headers=headers).json()["id"]
    assert listed(client, headers) == [("a", False, "medium")]
    client.patch(f"/api/tasks/{first}", json={"priority": "high"}, headers=headers)
    assert listed(client, headers) == [("a", False, "high")]
    client.put(f"/api/tasks/{first}", json={"title": "b"}, headers=headers)
    assert listed(client, headers) == [("b", False, "high")]
    client.patch(f"/api/tasks/{first}/complete", headers=headers)
    assert listed(client, headers) == [("b", True, "high")]
    second = client.post("/api/tasks", json={"title": "c"}, headers=headers).json()["id"]
    assert listed(client, headers) == [("b", True, "high"), ("c", False, "medium")]
    client.delete(f"/api/tasks/{second}", headers=headers)
    assert listed(client, headers) == [("b", True, "high")]
    client.delete("/api/tasks?completed=true", headers=headers)
    assert listed(client, headers) == []


def test_a_write_through_another_worker_shows(settings: Settings, client: TestClient) -> None:
    """The other worker is a real second server process on the same database."""
    headers = auth(signup(client)["access_token"])
    assert listed(client, headers) == [] == listed(client, headers)
    other = Server.sharing(settings).start()
    try:
        token = headers["Authorization"].removeprefix("Bearer ")
        assert call("POST", f"{other.base}/api/tasks", {"title": "elsewhere"}, token).status == 201
    finally:
        other.stop()
    assert listed(client, headers) == [("elsewhere", False, "medium")]


def test_the_same_url_never_answers_another_users_page(client: TestClient) -> None:
    ann, bob = (
        auth(signup(client, email)["access_token"]) for email in ("ann@example.com", "bob@example.com")
    )
    client.post("/api/tasks", json={"title": "ann's"}, headers=ann)
    assert listed(client, ann) == [("ann's", False, "medium")]
    assert listed(client, bob) == []


def test_cached_answer_keeps_the_headers(client: TestClient) -> None:
    headers = auth(signup(client)["access_token"])
    for number in range(3):
        client.post("/api/tasks", json={"title": str(number)}, headers=headers)
    first, second = (client.get("/api/tasks?limit=2", headers=headers) for _ in range(2))
    for response in (first, second):
        assert response.headers["x-total-count"] == "3"
        assert 'rel="next"' in response.headers["link"]
        assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert first.content == second.content


def test_pages_are_kept_per_address(client: TestClient) -> None:
    """A page's urls are absolute, and a page found in the cache was answered for that very query."""
    headers = auth(signup(client)["access_token"])
    task = client.post("/api/tasks", json={"title": "a"}, headers=headers).json()["id"]
    for host in ("a.example", "b.example:8080", "a.example"):
        for _ in range(2):
            listed = client.get("/api/tasks?limit=5", headers={**headers, "Host": host})
            assert listed.json()[0]["url"] == f"http://{host}/api/tasks/{task}"
    for bad in ("limit=0", "limit=5&sort=colour", "limit=5&offset=-1"):
        assert client.get(f"/api/tasks?{bad}", headers=headers).status_code == 422, bad
    assert client.get("/api/tasks?limit=5", headers=headers).json()[0]["id"] == task


def test_cache_is_bounded() -> None:
    entry = Page(b"x" * 30, [(b"etag", b'W/"1"')])
    assert entry.size() == 30 + 4 + 5 + ENTRY_OVERHEAD_BYTES
    cache = PageCache(max_bytes=3 * entry.size(), max_entry_bytes=60)
    cache.put(("big",), Page(b"x" * 61, []))
    assert cache.get(("big",)) is None
    for key in range(5):
        cache.put((key,), entry)
        assert cache.size <= 3 * entry.size()
    assert cache.get((4,)) == entry
    assert cache.get((2,)) is None  # the fourth page found it full: it started again empty


def test_token_verification_is_cached_but_revocation_is_not(client: TestClient) -> None:
    account = signup(client)
    headers = auth(account["access_token"])
    assert client.get("/api/tasks", headers=headers).status_code == 200
    change = {"current_password": "correct horse battery", "new_password": "another good password"}
    assert client.post("/api/auth/password", json=change, headers=headers).status_code == 204
    assert client.get("/api/tasks", headers=headers).status_code == 401
