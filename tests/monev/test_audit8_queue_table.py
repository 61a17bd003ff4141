"""audit8: once the bulk letters are downloaded, htmx asks for the round's queue table again (lindungdesa.js
says "download-done" on the bulk form): the same address answers with the table alone, the new letter
numbers in it and the cases sent with the request still checked."""

import re

import pytest

from tests.monev.rounds import (  # noqa: F401  (fixtures)
    shared_analyst,
    shared_opened,
    shared_roster,
    shared_round,
)
from tests.web.conftest import MUKOK_DESA, PENYELADI

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("monev-audit8-queue")]

HTMX = {"HX-Request": "true", "HX-Target": "antrean-kasus"}


def checked_boxes(html: str) -> list[str]:
    return re.findall(r'name="cases" value="(\d+)"[^>]*\schecked>', html)


def test_the_queue_table_comes_alone_with_the_new_numbers_and_the_boxes_checked(client, analyst, opened):
    client.force_login(analyst)
    a, b = opened.cases.get(desa_id=PENYELADI), opened.cases.get(desa_id=MUKOK_DESA)
    address = f"/monev/{opened.pk}/?antrean=semua&kabupaten=61.03"
    page = client.get(address).content.decode()
    # The table asks for itself at the queue's own address, with the checked boxes sent along.
    hx_get = f'hx-get="/monev/{opened.pk}/?antrean=semua&amp;kabupaten=61.03"'
    assert hx_get in page
    assert 'hx-trigger="download-done from:#aksi-massal"' in page
    assert client.post(f"/monev/{opened.pk}/", {"cases": [a.pk, b.pk], "action": "surat"}).status_code == 200
    a.refresh_from_db()
    b.refresh_from_db()
    response = client.get(f"{address}&cases={a.pk}&cases={b.pk}", headers=HTMX)
    table = response.content.decode()
    assert table.lstrip().startswith('<div class="table-wrap" id="antrean-kasus"')
    assert "<html" not in table and "Laporan putaran" not in table
    assert a.letter_number and b.letter_number and a.letter_number in table and b.letter_number in table
    assert sorted(checked_boxes(table)) == sorted([str(a.pk), str(b.pk)])
    # It asks for itself again at the queue's address, not with these cases in it.
    assert hx_get in table
    assert {"HX-Request", "HX-Target"} <= {v.strip() for v in response["Vary"].split(",")}


def test_other_htmx_requests_and_a_plain_visit_get_the_whole_page(client, analyst, opened):
    client.force_login(analyst)
    for headers in ({}, {"HX-Request": "true"}, {**HTMX, "HX-History-Restore-Request": "true"}):
        html = client.get(f"/monev/{opened.pk}/", headers=headers).content.decode()
        assert "<html" in html and "Laporan putaran" in html
        assert checked_boxes(html) == []
