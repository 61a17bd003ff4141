"""A batch whose columns were not recognised waits for the user to choose them (nothing was read): the
detail and list pages say so, not "Gagal"; a batch that did fail still says "Gagal"."""

import re

import pytest

from lindungdesa.regions.models import Region
from tests.imports.conftest import People
from tests.web.conftest import PENYELADI
from tests.web.test_import_pages import page, unknown_header_rows, upload, uploaded_batch

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows() -> list[dict]:
    return [People(Region.objects.get(code=PENYELADI)).row("Yohanes Ale", "Kepala Desa", serial=11)]


def state_labels(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<span class="state state-([a-z]+)">([^<]*)</span>', html)


def test_a_batch_waiting_for_its_columns_is_not_called_failed(client, sanggau_operator, rows):
    batch = uploaded_batch(upload(client, sanggau_operator, unknown_header_rows(rows)))
    assert batch.state == "failed" and batch.needs_mapping
    html = page(client, f"/impor/{batch.pk}/")
    assert f'action="/impor/{batch.pk}/pemetaan/"' in html
    assert state_labels(html) == [("pending", "Menunggu pilihan kolom")]
    assert "Gagal" not in html and "message-error" not in html
    assert "Belum ada baris yang dibaca: impor berjalan sesudah kolomnya dipilih." in html
    assert ("pending", "Menunggu pilihan kolom") in state_labels(page(client, "/impor/"))
    # A mapping that cannot be taken comes back on the same page, with the same state.
    mapping = {"kolom_0": "kode_desa", "kolom_1": "nik", "kolom_2": "nama", "kolom_3": "nama"}
    html = client.post(f"/impor/{batch.pk}/pemetaan/", mapping).content.decode()
    assert "Satu isian hanya dari satu kolom." in html
    assert state_labels(html) == [("pending", "Menunggu pilihan kolom")]


def test_a_failed_batch_is_still_called_failed(client, sanggau_operator):
    batch = uploaded_batch(upload(client, sanggau_operator, b"PK\x03\x04 bukan excel", name="daftar.xlsx"))
    assert batch.state == "failed" and not batch.needs_mapping
    assert state_labels(page(client, f"/impor/{batch.pk}/")) == [("failed", "Gagal")]
