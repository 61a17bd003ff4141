"""The regency summary of Sanggau as a PDF (one row for each of its desa, several pages), read back with
pypdf. Laying it out takes seconds, so it is laid out once for the tests here (`tests/shared.py`), from
the hand-made roster of tests/budget/conftest.py."""

from collections.abc import Iterator
from io import BytesIO

import pytest
from pypdf import PdfReader

from lindungdesa.budget import exports
from lindungdesa.regions.models import Region
from tests.budget.conftest import budget_roster_make
from tests.budget.test_exports import TODAY, budget, pdf_text
from tests.shared import shared

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("budget-regency-summary")]


@pytest.fixture(scope="module")
def summary(django_db_setup, django_db_blocker) -> Iterator[bytes]:
    def build() -> bytes:
        budget_roster_make()
        return exports.budget_pdf(budget("61.03", lines=False), today=TODAY)

    yield from shared(django_db_blocker, build)


def test_the_regency_summary_pdf_lists_its_desa(summary):
    text = pdf_text(summary)
    assert "REKAPITULASI KEBUTUHAN ANGGARAN IURAN" in text
    assert "PEMERINTAH KABUPATEN SANGGAU" in text
    assert "Penyeladi" in text and "Nanga Biang" in text
    assert "Rp2.181.744" in text  # Penyeladi and Nanga Biang


def test_a_long_regency_summary_never_splits_a_row(summary):
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(summary)).pages]
    desa = Region.objects.filter(code__startswith="61.03.", kind__in=Region.VILLAGE_KINDS)
    assert len(pages) >= 2 and desa.count() > 40
    for name, district in desa.values_list("name", "parent__name"):
        # Name and kecamatan are one cell of one row: on one page, together.
        assert sum(f"{name} ({district})" in text for text in pages) >= 1, name
    assert "Dasar hukum dan aturan iuran yang dipakai" in pages[-1]
    assert "Kepala Dinas Pemberdayaan Masyarakat dan Desa" in pages[-1]
