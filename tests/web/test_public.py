"""The public page and open data: no login, aggregates only, no personal data in the demo province."""

import csv
import io
import re

import pytest
from django.utils import timezone

from lindungdesa.demodata import demo_load
from lindungdesa.indicators.services import snapshot_take
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Person

pytestmark = pytest.mark.django_db

PAGES = ["/publik/", "/publik/61/", "/publik/61.03/", "/publik/data.csv", "/publik/data.json"]


def test_the_public_pages_of_the_demo_province_hold_no_nik_name_or_phone(client):
    today = Month.of(timezone.localdate())
    demo_load(province_code="61", seed=1, as_of=today)
    for back in range(2, -1, -1):
        snapshot_take(period=today.add(-back))
    people = list(Person.objects.values_list("nik", "name", "phone"))
    assert len(people) > 30_000
    for url in PAGES:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8-sig")
        assert not re.search(r"(?<!\d)\d{16}(?!\d)", body), url
        assert not re.search(r"(?<!\d)08\d{8,11}(?!\d)", body), url  # no phone numbers
        for _nik, name, _phone in people:
            assert name not in body, (url, name)
    html = client.get("/publik/61/").content.decode()
    assert "Kabupaten Sanggau" in html and "Cakupan aparat desa" in html and 'class="trend-svg"' in html


def test_open_data_has_one_row_per_region_and_snapshot(client):
    snapshot_take(period=Month(2026, 10))
    snapshot_take(period=Month(2026, 11))
    text = client.get("/publik/data.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2 * 15  # the province and its 14 kabupaten/kota, twice
    assert rows[0]["kode_wilayah"] == "61" and rows[0]["periode"] == "2026-10"
    assert set(rows[0]) >= {"aparat_persen", "bpd_persen", "desa_terdaftar"}
    data = client.get("/publik/data.json").json()
    assert len(data["data"]) == 30 and "tanpa data pribadi" in data["keterangan"]


def test_only_provinces_and_kabupaten_are_public(client):
    assert client.get("/publik/61.03.01/").status_code == 404
    assert client.get("/publik/99/").status_code == 404
    assert client.get("/publik/").status_code == 302  # one province: straight to it
