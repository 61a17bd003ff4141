"""Browser tests: Playwright (Python) driving Debian's Chromium against pytest-django's live server."""

import os
from collections.abc import Iterator

import pytest

from lindungdesa.accounts.models import User
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


PHONE = {"width": 360, "height": 740}  # the village operator's device
OPERATOR_PASSWORD = "sandi-uji-12345"
PENYELADI = "61.03.01.2007"


def village_operator_make() -> User:
    """Penyeladi's village operator, "yanti" (call from a fixture that needs `regions`)."""
    yanti = User(username="yanti", role=User.Role.VILLAGE_OPERATOR, region_id=PENYELADI)
    yanti.set_password(OPERATOR_PASSWORD)
    yanti.save()
    return yanti


def log_in(page, username: str = "yanti", password: str = OPERATOR_PASSWORD) -> None:
    """Fill the login page the browser is on (by default as the village operator) and send it."""
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").click()


def sign_in(page, base: str, username: str, region: str, password: str = OPERATOR_PASSWORD) -> None:
    """Sign in from the login page and wait for the user's landing page, their region's."""
    page.goto(base + "/masuk/")
    log_in(page, username, password)
    page.wait_for_url(f"**/wilayah/{region}/**")


def sign_in_on_phone(page, base: str) -> None:
    """The village operator on a 360 px phone, signed in and on the desa's page."""
    page.set_viewport_size(PHONE)
    sign_in(page, base, "yanti", PENYELADI)


def slow_link(page, latency: int = 400) -> None:
    """A village's mobile link, through Chromium's own network emulation (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": latency,
            "downloadThroughput": 50 * 1024,
            "uploadThroughput": 50 * 1024,
        },
    )


def budget_rules_ensure() -> None:
    """The contribution rules, which come with a data migration: an earlier live-server test in this process
    emptied every table when it ended (call from a fixture that needs `regions`)."""
    from importlib import import_module

    from django.apps import apps

    from lindungdesa.budget.models import ContributionRule

    if not ContributionRule.objects.exists():
        import_module("lindungdesa.budget.migrations.0002_seed_rules").seed(apps, None)


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
