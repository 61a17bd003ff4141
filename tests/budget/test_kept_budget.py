"""The budget page's figures, comparisons and a desa's people, kept rendered in the process's memory
(web/kept.py): the same HTML as without keeping for each role, never another role's or region's, and a
change to the roster, a membership or a budget rule shows at the next request."""

from datetime import date
from decimal import Decimal

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.budget.models import ContributionRule
from lindungdesa.officials.models import Office
from lindungdesa.web import kept
from tests.budget.conftest import NEXT, enrol, person, serve
from tests.budget.roster_once import fresh_budget_roster, module_budget_roster  # noqa: F401  (fixtures: made once)
from tests.web.conftest import KAPUAS, PENYELADI, make_user
from tests.web.test_kept_pages import blank_tokens
from tests.web.test_kept_pages import get as read_page

pytestmark = pytest.mark.django_db

DESA = f"/anggaran/{PENYELADI}/?tahun={NEXT}"
PAGES = [DESA, f"/anggaran/{PENYELADI}/?tahun={NEXT}&skenario=all-serving", f"/anggaran/61.03/?tahun={NEXT}"]
PAGES += [f"/anggaran/61/?tahun={NEXT}"]


def get(client, user: User, url: str) -> str:
    """The page as `user` reads it, its CSRF tokens blanked."""
    return blank_tokens(read_page(client, user, url))


def part(html: str) -> str:
    """The kept part: the figures up to the adopted budgets."""
    return html[html.index('<div id="anggaran">') : html.index("yang sudah ditetapkan")]


@pytest.fixture
def readers(village_operator, sanggau_operator, analyst) -> list[User]:
    viewer = make_user("peninjau", User.Role.VIEWER, "61", "Peninjau")
    return [village_operator, sanggau_operator, analyst, viewer]


def test_each_role_gets_the_same_html_kept_or_not(client, settings, budget_roster, readers):
    plain = {}
    settings.CACHES = {**settings.CACHES, "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    for user in readers:
        for url in PAGES:
            if user.can_see_region(url.split("/")[2]):
                plain[user.username, url] = get(client, user, url)
    assert len(plain) == 13
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    for (username, url), html in plain.items():
        user = User.objects.get(username=username)
        assert get(client, user, url) == html, (username, url)  # kept now
        assert get(client, user, url) == html, (username, url)  # read from the cache


def test_a_reader_of_another_role_never_gets_anothers_kept_part(client, budget_roster, readers):
    village_operator, _, analyst, viewer = readers
    own = {}
    for user in (analyst, viewer):
        kept.clear()
        own[user.username] = get(client, user, DESA)
    kept.clear()
    get(client, village_operator, DESA)  # who adopts, and sees the people
    for user in (analyst, viewer):
        assert get(client, user, DESA) == own[user.username]
    assert "Siti Aminah" in part(own["dewi"]) and "Siti Aminah" not in part(own["peninjau"])
    assert "Tetapkan anggaran ini" in part(get(client, village_operator, DESA))
    assert "Tetapkan anggaran ini" not in part(own["dewi"])


def test_a_new_person_and_membership_show(client, budget_roster, village_operator):
    everyone, current = PAGES[1], DESA  # who serves; who is enrolled now
    before = part(get(client, village_operator, everyone)), part(get(client, village_operator, current))
    newcomer = person(KAPUAS, date(1992, 1, 1), 41, "Orang Baru")
    serve(newcomer, PENYELADI, Office.KAUR_PERENCANAAN, "2426640")
    assert "Orang Baru" not in before[0] and "Orang Baru" in part(get(client, village_operator, everyone))
    assert "Orang Baru" not in part(get(client, village_operator, current))
    enrol(newcomer, "JKK,JKM")
    assert "Orang Baru" in part(get(client, village_operator, current))


def test_a_changed_contribution_rule_shows(client, budget_roster, village_operator, sanggau_operator):
    before = part(get(client, village_operator, DESA)), part(get(client, sanggau_operator, PAGES[2]))
    rule = ContributionRule.objects.filter(programme="JKM").order_by("-valid_from").first()
    rule.employer_rate = rule.employer_rate + Decimal("0.1")
    rule.save()
    after = part(get(client, village_operator, DESA)), part(get(client, sanggau_operator, PAGES[2]))
    assert after[0] != before[0] and after[1] != before[1]


def test_an_adopted_budget_shows_beside_the_kept_part(client, budget_roster, village_operator):
    get(client, village_operator, DESA)
    response = client.post(f"/anggaran/{PENYELADI}/tetapkan/", {"tahun": NEXT, "skenario": "current"})
    assert response.status_code == 302
    assert "Belum ada anggaran yang ditetapkan" not in get(client, village_operator, DESA)
