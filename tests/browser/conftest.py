"""Browser tests: Playwright (Python) driving Debian's Chromium against pytest-django's live server."""

import os
from collections.abc import Iterator

import pytest

from lindungdesa.regions.services import regions_load

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    # This machine's network is closed: without these Chromium keeps trying to reach Google's hosts.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def regions(transactional_db) -> None:
    """The live server needs a transactional database, which is emptied after each test: reload regions."""
    regions_load(province_codes=["61"])


@pytest.fixture
def browser_page(live_server) -> Iterator:
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from such a
    # thread, so every fixture that writes to the database must run before this one.
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()
