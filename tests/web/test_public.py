"""The public page and open data: no login, aggregates only (no personal data on the demo province's
public pages: tests/demo/test_whole_province.py)."""

import csv
import io

import pytest

from lindungdesa.indicators.services import snapshot_take
from lindungdesa.lib.months import Month

pytestmark = pytest.mark.django_db


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


def test_a_regency_held_to_its_provinces_target_names_the_province(client):
    """audit5: the public page of Sanggau said 'Target wilayah 61 berlaku' (a code, not a name)."""
    snapshot_take(period=Month(2026, 11))
    html = client.get("/publik/61.03/").content.decode()
    assert "Target Kalimantan Barat berlaku." in html and "Target wilayah 61" not in html
