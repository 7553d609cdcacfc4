"""The browser the e2e tests drive: Debian's Chromium through Playwright (skipped, in CI failed,
when either is missing)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING

import pytest

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.skips import skip_or_fail

if TYPE_CHECKING:
    from playwright.sync_api import Browser

EXPECT_MS = 15_000


@pytest.fixture(scope="module")
def playwright_api() -> ModuleType:
    if not CHROMIUM.is_file():
        skip_or_fail(f"no browser: {CHROMIUM} is missing (apt-get install chromium)")
    try:
        api = importlib.import_module("playwright.sync_api")
    except ImportError:
        skip_or_fail("the playwright package is missing (pip install -r requirements-dev.txt)")
    # An assertion waits up to 15 s for the page (Playwright's default is 5): the suite runs in
    # parallel processes on two cores, where a page's first load can take seconds.
    api.expect.set_options(timeout=EXPECT_MS)
    return api


@pytest.fixture(scope="module")
def browser(playwright_api: ModuleType) -> Iterator[Browser]:
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
