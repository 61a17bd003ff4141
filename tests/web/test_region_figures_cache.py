"""The region page's figures kept rendered (web/region.html's cache blocks): the same for every reader of
the region, so kept once; what depends on the reader (name, rights, job cards) rendered for each; another
region, period, sort order or a change of the figures never served what was kept."""

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client

from lindungdesa.accounts.models import User
from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.factories import make_position
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db


def page(user: User, url: str = "/wilayah/61.03/") -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def figures(html: str) -> str:
    """The parts of the page kept for every reader: from the headline figures to the end of the content,
    without the links between them, which depend on the reader's rights."""
    kept = html.split('<section class="figures"', 1)[1].split("</main>", 1)[0]
    return re.sub(r'<p class="page-links">.*?</p>', "", kept, flags=re.S)


@pytest.fixture
def viewer(db) -> User:
    """Sari, a read-only viewer for the province: aggregates only, no reconciliation."""
    return make_user("sari", User.Role.VIEWER, "61", "Sari")


def test_the_figures_are_kept_once_and_each_reader_gets_their_own_header_and_links(analyst, viewer):
    mine = page(analyst)
    keys_after_first = set(cache._cache)  # the test settings' local-memory cache
    theirs = page(viewer)
    assert set(cache._cache) == keys_after_first  # nothing new kept: the viewer was served the same
    assert figures(mine).replace("Dewi", "") == figures(theirs).replace("Sari", "")
    assert "Dewi" in mine and "Dewi" not in theirs and "Sari" in theirs
    # A right the viewer lacks: the reconciliation link is outside what is kept.
    assert "/rekonsiliasi/61.03/" in mine and "/rekonsiliasi/61.03/" not in theirs


def test_another_region_is_never_served_what_was_kept_for_one(analyst):
    sanggau = page(analyst, "/wilayah/61.03/")
    sambas = page(analyst, "/wilayah/61.01/")
    sambas_child = Region.objects.filter(parent_id="61.01").order_by("code").first()
    sanggau_child = Region.objects.filter(parent_id="61.03").order_by("code").first()
    assert sambas_child.name in figures(sambas) and sanggau_child.name not in figures(sambas)
    assert sanggau_child.name in figures(sanggau)


def test_the_period_and_the_sort_order_each_have_their_own(analyst):
    def table(url: str) -> str:
        return figures(page(analyst, url)).split('<table class="figures-table">', 1)[1].split("</table>")[0]

    ascending = table("/wilayah/61/?urut=nama&arah=asc")
    descending = table("/wilayah/61/?urut=nama&arah=desc")
    first, last = (r.name for r in Region.objects.filter(parent_id="61").order_by("name")[::13])
    assert ascending.index(first) < ascending.index(last)
    assert descending.index(last) < descending.index(first)
    assert figures(page(analyst, "/wilayah/61/?periode=2026-03")) != figures(page(analyst, "/wilayah/61/"))


def test_a_change_to_the_figures_shows_at_the_next_read(analyst):
    before = figures(page(analyst))
    desa = Region.objects.filter(regency_code="61.03", kind=Region.Kind.DESA).order_by("code").first()
    make_position(desa, Office.SEKRETARIS_DESA, date(2020, 1, 1))
    assert figures(page(analyst)) != before
