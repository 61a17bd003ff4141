"""The parts of pages that name people, kept rendered in the process's memory (web/kept.py): the desa roster
and the reconciliation lists. The same HTML as without keeping, for each role; never another role's or
region's; the reader's own CSRF token; and a write through each path the part shows changes it at once."""

import ast
import os
import re
import subprocess
import sys
from datetime import date

import pytest
from django.test import Client

from lindungdesa.accounts.models import User
from lindungdesa.enrolment.models import Enrolment, MatchProposal, StatusRule
from lindungdesa.enrolment.reconcile import match_confirm, match_proposals_refresh
from lindungdesa.imports.models import ImportBatch
from lindungdesa.officials.models import Office, Position
from lindungdesa.officials.services import person_update, position_end, position_replace
from lindungdesa.regions.models import Region
from lindungdesa.web import kept
from tests.factories import enrol, make_nik, make_position
from tests.web.conftest import KAPUAS, PENYELADI, PERIOD, make_user, register
from tests.web.roster_once import fresh_roster, module_roster  # noqa: F401  (fixtures: made once)

pytestmark = pytest.mark.django_db

DESA = f"/wilayah/{PENYELADI}/?periode={PERIOD}"
RECONCILE = f"/rekonsiliasi/{PENYELADI}/?periode={PERIOD}"
RECONCILE_KAPUAS = f"/rekonsiliasi/{KAPUAS}/?periode={PERIOD}"
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')
NO_CACHE = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}


def get(client, user: User, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    assert kept.CSRF_PLACEHOLDER not in html
    return html


def blank_tokens(html: str) -> str:
    return TOKEN.sub(r"\1-\2", html)


def roster_part(html: str) -> str:
    """The desa page's kept part: from the roster's first section to the end of the page's content."""
    start = html.index('id="daftar-aparat"')
    return html[start : html.index("</main>")]


def reconcile_part(html: str) -> str:
    """The reconciliation page's kept lists (before the match proposals)."""
    return html[html.index('id="belum-terdaftar"') : html.index('id="usulan"')]


@pytest.fixture
def bpjs(db) -> User:
    return make_user("bpjs", User.Role.BPJS_OFFICER, "61", "Petugas BPJS")


@pytest.fixture
def viewer(db) -> User:
    return make_user("peninjau", User.Role.VIEWER, "61", "Peninjau")


@pytest.fixture
def regency_admin(db) -> User:
    return make_user("admkab", User.Role.REGENCY_ADMIN, "61.03", "Admin")


def test_each_role_gets_the_same_html_kept_or_not(
    client, settings, roster, village_operator, sanggau_operator, analyst, bpjs, viewer, regency_admin
):
    readers = [village_operator, sanggau_operator, analyst, bpjs, viewer, regency_admin]
    pages = [DESA, RECONCILE, RECONCILE_KAPUAS]
    settings.CACHES = {**settings.CACHES, "pages": NO_CACHE}
    plain = {}
    for user in readers:
        for url in pages:
            if user.can_see_region(url.split("/")[2]) and (url == DESA or user.role != User.Role.VIEWER):
                plain[user.username, url] = blank_tokens(get(client, user, url))
    assert len(plain) == 15
    settings.CACHES = {key: value for key, value in settings.CACHES.items() if key != "pages"} | {
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kept-test"}
    }
    for (username, url), html in plain.items():
        user = User.objects.get(username=username)
        assert blank_tokens(get(client, user, url)) == html, (username, url)  # kept now
        assert blank_tokens(get(client, user, url)) == html, (username, url)  # read from the cache


def test_a_reader_of_another_role_or_region_never_gets_anothers_kept_part(
    client, roster, village_operator, sanggau_operator, analyst, bpjs
):
    """The first reader's part is kept; a reader whose role or region differs gets their own."""
    own = {}
    for user, url in [
        (sanggau_operator, DESA),
        (analyst, DESA),
        (sanggau_operator, RECONCILE),
        (bpjs, RECONCILE),
    ]:
        kept.clear()
        own[user.username, url] = blank_tokens(get(client, user, url))
    kept.clear()
    get(client, village_operator, DESA)  # kept for a village operator of Penyeladi, who edits and reveals
    get(client, village_operator, RECONCILE)
    for (username, url), html in own.items():
        assert blank_tokens(get(client, User.objects.get(username=username), url)) == html, (username, url)
    # The parts differ by what each may do, so a part served to the wrong reader would show.
    assert "Akhiri" in roster_part(own["rudi", DESA]) and "Akhiri" not in roster_part(own["dewi", DESA])
    assert get(client, village_operator, DESA) != own["rudi", DESA]


def test_a_kept_part_carries_its_readers_own_csrf_token(client, roster, village_operator):
    """A NIK revealed from a page whose roster was kept for another reader: the form's token is this one's."""
    other = make_user("yanti2", User.Role.VILLAGE_OPERATOR, PENYELADI, "Yanti Dua")
    first = Client(enforce_csrf_checks=True)
    first.force_login(village_operator)
    first_html = first.get(DESA).content.decode()
    second = Client(enforce_csrf_checks=True)
    second.force_login(other)
    html = second.get(DESA).content.decode()
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', roster_part(html)))
    first_tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', roster_part(first_html)))
    assert tokens and not tokens & first_tokens
    action = re.search(r'<form class="inline-form" method="post" action="([^"]+)"', roster_part(html))[1]
    revealed = second.post(action, {"csrfmiddlewaretoken": tokens.pop()}, HTTP_HX_REQUEST="true")
    assert revealed.status_code == 200
    assert re.search(r"\d{16}", revealed.content.decode())


@pytest.mark.parametrize(
    ("entries", "backend"),
    [(None, "locmem.LocMemCache"), ("50", "locmem.LocMemCache"), ("0", "dummy.DummyCache")],
)
def test_the_pages_cache_is_in_memory_only_and_0_keeps_nothing(entries, backend):
    """Never the file cache; PAGES_CACHE_ENTRIES=0 keeps nothing (the in-memory cache would never cull)."""
    env = {k: v for k, v in os.environ.items() if k != "PAGES_CACHE_ENTRIES"}
    if entries is not None:
        env["PAGES_CACHE_ENTRIES"] = entries
    code = "from lindungdesa import settings; print(settings.CACHES['pages'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    pages = ast.literal_eval(out.stdout.strip())
    assert pages["BACKEND"] == f"django.core.cache.backends.{backend}"
    if entries != "0":
        assert pages["OPTIONS"]["MAX_ENTRIES"] == int(entries or 500)


# A write through each path the kept parts show changes them at the next request ---------------------------


@pytest.fixture
def kept_pages(client, village_operator, roster):
    """Both pages kept before the write; a function that reads them again."""

    def read() -> tuple[str, str]:
        return roster_part(get(client, village_operator, DESA)), reconcile_part(
            get(client, village_operator, RECONCILE)
        )

    read()
    return read


def test_a_new_position_shows(kept_pages):
    make_position(Region.objects.get(code=PENYELADI), Office.BPD_ANGGOTA, date(2024, 2, 1), name="Orang Baru")
    desa, reconcile = kept_pages()
    assert "Orang Baru" in desa and "Orang Baru" in reconcile  # serving, not enrolled


def test_an_ended_position_shows(kept_pages, roster):
    position = Position.objects.get(person=roster.yohanes)
    before = kept_pages()[0]
    assert "Riwayat jabatan" in before
    position_end(
        region=None, position=position, last_day=date(2026, 1, 31), reason=Position.EndReason.RESIGNED
    )
    desa, reconcile = kept_pages()
    assert "Yohanes Apui" not in desa.split("Riwayat jabatan")[0]  # no longer serving at the end of March
    assert "Yohanes Apui" not in reconcile


def test_a_replaced_position_shows(kept_pages, roster):
    successor = register(KAPUAS, date(1991, 2, 2), 55, "Penerus Baru")
    position_replace(
        region=None,
        position=Position.objects.get(person=roster.yohanes),
        successor=successor,
        term_start=date(2026, 2, 1),
    )
    desa, reconcile = kept_pages()
    assert "Penerus Baru" in desa and "Penerus Baru" in reconcile


def test_a_corrected_name_shows(kept_pages, roster):
    person = roster.yohanes
    person_update(
        region=None,
        person=person,
        nik=person.nik,
        name="Yohanes Diperbaiki",
        sex=person.sex,
        birth_date=person.birth_date,
    )
    desa, reconcile = kept_pages()
    assert "Yohanes Diperbaiki" in desa and "Yohanes Diperbaiki" in reconcile


def test_a_new_membership_shows(kept_pages, roster):
    assert "Yohanes Apui" in kept_pages()[1]  # serving, not enrolled
    enrol(roster.yohanes, date(2024, 1, 1), date(2026, 3, 1))
    desa, reconcile = kept_pages()
    assert "Yohanes Apui" not in reconcile
    assert desa.count("Terlindungi") == 3  # Budi, Yohanes; Maria in the BPD


def test_a_changed_status_rule_shows(kept_pages):
    before = kept_pages()[0]
    assert "Menunggak" in before  # Siti, paid through January 2026
    StatusRule.objects.create(valid_from=date(2026, 3, 1), grace_months=3, lapse_months=6)
    # Siti (paid through January) is protected under three months' grace, Ahmad (October) in arrears.
    assert kept_pages()[0].count("Terlindungi") == before.count("Terlindungi") + 1


def test_a_reconciliation_decision_shows(kept_pages, roster, village_operator):
    Enrolment.objects.create(
        nik=make_nik(KAPUAS, date(1990, 8, 17), serial=99),
        bpjs_name="YOHANES APUI",
        bpjs_birth_date=roster.yohanes.birth_date,
        kpj="98765432101",
        programmes="JKK,JKM",
        category="PU",
        start_date=date(2024, 1, 1),
        paid_through=date(2026, 3, 1),
    )
    match_proposals_refresh()
    proposal = MatchProposal.objects.get(person=roster.yohanes)
    assert "Yohanes Apui" in kept_pages()[1]
    match_confirm(proposal=proposal, region=None, user=village_operator)
    desa, reconcile = kept_pages()
    assert "Yohanes Apui" not in reconcile.split('id="menunggak"')[0]  # no longer "not enrolled"
    assert desa.count("Terlindungi") == 3


def test_an_import_and_its_undo_show(kept_pages):
    from lindungdesa.imports.services import batch_undo, roster_import_file
    from tests.imports.conftest import ROSTER_HEADER, People, to_csv

    rows = [People(Region.objects.get(code=PENYELADI)).row("Paulina Impor", "Kaur Perencanaan", serial=77)]
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, rows), file_name="r.csv", scope_code="61.03")
    assert summary.created, summary
    desa, reconcile = kept_pages()
    assert "Paulina Impor" in desa and "Paulina Impor" in reconcile
    batch_undo(batch=ImportBatch.objects.filter(state=ImportBatch.State.DONE).latest("id"))
    desa, reconcile = kept_pages()
    assert "Paulina Impor" not in desa and "Paulina Impor" not in reconcile
