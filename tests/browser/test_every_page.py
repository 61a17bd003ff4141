"""Every page of each role, opened in Chromium at the role's device size (issue 20).

Each role signs in and follows every link of its menu and pages (one address per kind of page), as a person
clicking through would. A page fails when it scrolls sideways, writes an error to the console, or asks for
a file the server does not have (a static file, the favicon). The village operator works on a 360 x 740
phone, the others at 1366 x 768; the public pages are read on a phone. Screenshots of each role's home go
to test-results/.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from lindungdesa.accounts.models import User
from lindungdesa.indicators.services import snapshot_take, target_set, ucj_set
from lindungdesa.lib.months import Month
from lindungdesa.monev.services import round_open
from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.factories import enrol, make_position

pytestmark = pytest.mark.browser

PASSWORD = "sandi-uji-12345"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}
DESA = "61.03.01.2007"
ROLES = [
    # username, role, region, viewport
    ("operator.desa", User.Role.VILLAGE_OPERATOR, DESA, PHONE),
    ("operator.kab", User.Role.REGENCY_OPERATOR, "61.03", DESKTOP),
    ("admin.kab", User.Role.REGENCY_ADMIN, "61.03", DESKTOP),
    ("analis", User.Role.PROVINCE_ANALYST, "61", DESKTOP),
    ("bpjs", User.Role.BPJS_OFFICER, "61", DESKTOP),
    ("asosiasi", User.Role.ASSOCIATION_OFFICER, "61", DESKTOP),
    ("peninjau", User.Role.VIEWER, "61", DESKTOP),
    ("admin", User.Role.ADMIN, "61", DESKTOP),
]
# Links not to follow: files, signing out, the admin site and the API (not pages of a role's job).
SKIP = re.compile(
    r"\.(csv|xlsx|pdf|json|zip)(\?|$)|/keluar/|/admin/|/api/|/lampiran/|/surat|format=|/unduh|"
    r"/templat|/dua-langkah/"
)
MAX_PAGES = 60


@pytest.fixture
def world(regions):
    """A province with people, memberships, targets, UCJ figures, snapshots and an open monev round."""
    today = Month.of(timezone.localdate())
    desa_list = list(Region.objects.filter(kind=Region.Kind.DESA, regency_code="61.03").order_by("code")[::9])
    desa_list += list(Region.objects.filter(kind=Region.Kind.DESA).exclude(regency_code="61.03")[::200])
    desa_list.append(Region.objects.get(code=DESA))
    for i, desa in enumerate(dict.fromkeys(desa_list)):
        kades = make_position(desa, Office.KEPALA_DESA, date(2020, 1, 1), name=f"Kepala Desa {i}")
        if i % 3:
            enrol(kades.person, date(2020, 2, 1), date(2099, 12, 1))
        make_position(desa, Office.BPD_KETUA, date(2020, 1, 1), name=f"Ketua BPD {i}")
    target_set(region_code="61", indicator="aparat", year=2030, value=100)
    ucj_set(region_code="61", year=today.year, working_population=2_500_000, participants=700_000)
    for back in range(3, 0, -1):
        snapshot_take(period=today.add(-back))
    users = {}
    for username, role, region, _size in ROLES:
        user = User(username=username, role=role, region_id=region, first_name=username)
        user.set_password(PASSWORD)
        user.save()
        users[username] = user
    round_open(province=Region.objects.get(code="61"), period=str(today.add(-1)), user=users["analis"])
    return today


@dataclass
class Visit:
    problems: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)


def _kind(path: str) -> str:
    """One address per kind of page: digits and region codes stand for any."""
    return re.sub(r"\d+", "N", path.split("?")[0])


def crawl(page, base: str, start: str, visit: Visit) -> None:
    bad_files: list[str] = []
    errors: list[str] = []
    leaving: list[bool] = [False]

    def failed(request) -> None:
        # Leaving a page cancels what it still fetched (a slow boundary file after the 5 s wait for quiet):
        # the browser's doing, not the page's fault.
        if not (leaving[0] and request.failure == "net::ERR_ABORTED"):
            bad_files.append(f"failed {request.url} ({request.failure})")

    handlers = {
        "console": lambda m: errors.append(m.text) if m.type == "error" else None,
        "response": lambda r: bad_files.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        "requestfailed": failed,
    }
    for event, handler in handlers.items():
        page.on(event, handler)
    try:
        _walk(page, base, start, visit, errors, bad_files, leaving)
    finally:
        for event, handler in handlers.items():
            page.remove_listener(event, handler)


def _walk(
    page, base: str, start: str, visit: Visit, errors: list[str], bad_files: list[str], leaving: list[bool]
) -> None:
    queue, kinds = [start], set()
    while queue and len(visit.pages) < MAX_PAGES:
        path = queue.pop(0)
        if _kind(path) in kinds:
            continue
        kinds.add(_kind(path))
        errors.clear()
        bad_files.clear()
        leaving[0] = True
        response = page.goto(base + path)
        leaving[0] = False
        try:
            page.wait_for_load_state("networkidle", timeout=5_000)
        except Exception:  # a page that polls (a snapshot being taken) is never idle
            pass
        here = urlparse(page.url).path
        visit.pages.append(here)
        if response is None or response.status >= 400:
            visit.problems.append(f"{path}: HTTP {response.status if response else '?'}")
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if width[0] > width[1]:
            visit.problems.append(f"{here}: scrolls sideways ({width[0]} px on {width[1]} px)")
        visit.problems += [f"{here}: console error: {e}" for e in errors]
        visit.problems += [f"{here}: {f}" for f in bad_files]
        for href in page.eval_on_selector_all(
            ".site-nav a, main a, .site-footer a", "els => els.map(e => e.getAttribute('href'))"
        ):
            if not href or href.startswith(("#", "http", "mailto:")) or SKIP.search(href):
                continue
            if href.startswith("?"):
                href = here + href
            href = href.split("#")[0]
            if _kind(href) not in kinds:
                queue.append(href)


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()


def test_every_page_of_every_role_fits_its_screen_without_errors(world, live_server, browser_page):
    page = browser_page
    context = page.context
    shots = Path("test-results")
    shots.mkdir(exist_ok=True)
    report: dict[str, Visit] = {}
    for username, _role, _region, size in ROLES:
        context.clear_cookies()
        page.set_viewport_size(size)
        sign_in(page, live_server.url, username)
        assert "/masuk/" not in page.url, f"{username} could not sign in"
        page.screenshot(path=shots / f"home-{username}.png", full_page=True)
        visit = report[username] = Visit()
        crawl(page, live_server.url, "/", visit)
    context.clear_cookies()
    page.set_viewport_size(PHONE)
    visit = report["publik"] = Visit()
    crawl(page, live_server.url, "/publik/", visit)

    problems = [f"{who}: {p}" for who, v in report.items() for p in v.problems]
    assert problems == [], "\n".join(problems)
    # Each role really went through its pages (menus, dashboards, lists, the monev round, its account).
    for who, v in report.items():
        assert len(v.pages) >= (3 if who == "publik" else 8), (who, v.pages)
    assert any(p.startswith("/monev/") and p != "/monev/" for p in report["operator.desa"].pages)
