"""Take docs/screenshot.png, the README's picture of the page at `/`.

A real `uvicorn router:app` on a free port with a temporary DATA_DIR, a realistic account made
through the API (lists, tasks with subtasks, tags, a due date, a recurring task), and the page
at laptop size in Debian's headless Chromium, driven by the Playwright Python package as
tests/e2e/test_browser.py drives it; then compressed with pngquant when it is installed (apt-get
install pngquant: a third of the size, no difference to see). Run from the project's root:

    .venv/bin/python scripts/screenshot.py [OUTPUT.png]
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import expect, sync_playwright

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, LAPTOP, TOKEN_KEY
from tests.support.live import Server, call

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "screenshot.png"
SHOWN_LIST = "Work"


def seed(base: str) -> str:
    """Sam's account, made through the API; the bearer token."""
    account = {"email": "sam@example.com", "password": "correct horse", "name": "Sam Carter"}
    token: str = call("POST", f"{base}/api/auth/signup", account).body["access_token"]

    def send(method: str, path: str, body: Any = None) -> Any:
        reply = call(method, f"{base}{path}", body, token)
        assert reply.status in (200, 201), (method, path, reply.status, reply.body)
        return reply.body

    send("PATCH", "/api/auth/me", {"time_zone": "Europe/Paris"})
    colors = {"Work": "blue", "Home": "green", "Trip to Lisbon": "orange"}
    lists = {
        name: send("POST", "/api/lists", {"name": name, "color": color})["id"]
        for name, color in colors.items()
    }
    friday = next_weekday(4).replace(hour=15)
    monday = next_weekday(0).replace(hour=8)

    def task(title: str, **fields: Any) -> int:
        task_id: int = send("POST", "/api/tasks", {"title": title, **fields})["id"]
        return task_id

    task("Team meeting", list_id=lists["Work"], tags=["meetings"], due_date=iso(monday),
         recurrence="FREQ=WEEKLY;BYDAY=MO,WE", reminders=[{"before": "PT15M"}])  # fmt: skip
    report = task("Quarterly report", list_id=lists["Work"], priority="high", tags=["finance"],
                  due_date=iso(friday), reminders=[{"before": "PT2H"}])  # fmt: skip
    figures = task("Collect the figures", parent_id=report)
    task("Draft the charts", parent_id=report, tags=["design"])
    send("PATCH", f"/api/tasks/{figures}/complete", {"completed": True})
    task("Reply to Alex about the offsite", list_id=lists["Work"], priority="low", tags=["email"])
    task("Book dentist appointment", tags=["health"])
    task("Buy milk and bread", list_id=lists["Home"], priority="low", tags=["errands"])
    task("Water the plants", list_id=lists["Home"], recurrence="FREQ=DAILY", due_date=iso(monday))
    flights = task("Book flights", list_id=lists["Trip to Lisbon"], priority="high")
    send("PATCH", f"/api/tasks/{flights}/complete", {"completed": True})
    task("Renew passport", list_id=lists["Trip to Lisbon"], tags=["admin", "travel"])
    return token


def next_weekday(weekday: int) -> dt.datetime:
    """Midnight UTC of the next such day (0 Monday) at least two days ahead."""
    day = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=2)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def iso(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def shoot(base: str, token: str, output: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport=LAPTOP, locale="en-US", timezone_id="Europe/Paris", color_scheme="light"
        )
        context.add_init_script(f"localStorage.setItem('{TOKEN_KEY}', '{token}')")
        page = context.new_page()
        page.goto(f"{base}/")
        name = page.locator(".list-name", has_text=re.compile(f"^{SHOWN_LIST}$"))
        page.locator("#lists-nav .list-button", has=name).click()
        expect(page.locator("#list-heading-name")).to_have_text(SHOWN_LIST)
        expect(page.locator("#tasks li.task")).to_have_count(5)
        expect(page.locator("#live-status-text")).to_have_text("Live")
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.mouse.move(0, 0)
        page.screenshot(path=str(output), full_page=True)
        browser.close()


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    with tempfile.TemporaryDirectory() as data_dir:
        server = Server({"DATA_DIR": data_dir, "BCRYPT_ROUNDS": "4"}).start()
        try:
            shoot(server.base, seed(server.base), output)
        finally:
            server.stop()
    if pngquant := shutil.which("pngquant"):
        quantize = [pngquant, "--quality", "70-95", "--speed", "1", "--force", "--output", output, output]
        subprocess.run(quantize, check=True)
    print(f"wrote {output}{'' if pngquant else ' (not compressed: pngquant is not installed)'}")


if __name__ == "__main__":
    main()
