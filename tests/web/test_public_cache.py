"""Public pages kept whole for readers who are not signed in (indicators/pagecache.py): never a signed-in
reader's copy, never another region's, and never after the figures changed."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.factories import make_position
from tests.web.conftest import SAMBAS

pytestmark = pytest.mark.django_db


def read(client: Client, url: str = "/publik/61.03/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def test_a_reader_not_signed_in_is_served_the_kept_page_without_rendering_it(client):
    first, _ = read(client)
    second, queries = read(Client())
    assert second.content == first.content
    assert queries == 2  # the versions the key is made of, nothing else
    assert "public" in second["Cache-Control"] and "max-age=300" in second["Cache-Control"]
    assert "Cookie" in second["Vary"]


def test_a_signed_in_readers_page_is_private_and_never_kept_nor_served_from_the_cache(client, analyst):
    read(Client())  # kept for the public
    client.force_login(analyst)
    mine, queries = read(client)
    assert "Dewi" in mine.content.decode() and queries > 2  # rendered for her, not the public's copy
    assert "private" in mine["Cache-Control"] and "public" not in mine["Cache-Control"]
    public, _ = read(Client())
    assert "Dewi" not in public.content.decode() and "csrfmiddlewaretoken" not in public.content.decode()


def test_a_signed_in_readers_page_is_not_kept_for_the_public(client, analyst):
    client.force_login(analyst)
    read(client)
    public, queries = read(Client())
    assert queries > 2 and "Dewi" not in public.content.decode()


def test_a_reader_with_a_message_waiting_gets_the_page_rendered_for_them(client):
    read(Client())
    client.cookies["messages"] = "waiting"
    response, queries = read(client)
    assert queries > 2 and "private" in response["Cache-Control"]


def test_one_regions_kept_page_is_never_anothers():
    sanggau, _ = read(Client(), "/publik/61.03/")
    sambas, queries = read(Client(), f"/publik/{SAMBAS}/")
    assert queries > 2
    assert Region.objects.get(code=SAMBAS).name in sambas.content.decode()
    assert Region.objects.get(code="61.03").name not in sambas.content.decode().split("<main")[1][:2000]
    assert sanggau.content != sambas.content


def test_a_change_to_the_figures_shows_at_the_next_read():
    before, _ = read(Client())
    desa = Region.objects.filter(regency_code="61.03", kind=Region.Kind.DESA).order_by("code").first()
    make_position(desa, Office.SEKRETARIS_DESA, date(2020, 1, 1))
    after, queries = read(Client())
    assert queries > 2 and after.content != before.content
