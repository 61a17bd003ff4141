"""The reconciliation page's lists, whose ids are kept per region, month and data version (page_lists)."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindungdesa.enrolment.models import Enrolment
from lindungdesa.enrolment.reconcile import (
    data_differences,
    enrolled_not_serving,
    page_lists,
    serving_in_arrears,
    serving_not_enrolled,
)
from lindungdesa.indicators.versioned import region_cache_key
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Office, Position
from lindungdesa.officials.services import position_end
from lindungdesa.regions.models import Region
from tests.factories import enrol, make_position

pytestmark = pytest.mark.django_db

NOV = Month(2026, 11)
START = date(2020, 1, 1)


@pytest.fixture
def sanggau_desa() -> Region:
    return Region.objects.filter(regency_code="61.03", kind=Region.Kind.DESA).order_by("code").first()


@pytest.fixture
def sambas_desa() -> Region:
    return Region.objects.filter(regency_code="61.01", kind=Region.Kind.DESA).order_by("code").first()


def rows(found) -> list[tuple]:
    return [(f.person.pk, f.desa_code, f.office, f.detail) for f in found.rows]


def lists_of(code: str) -> list[tuple]:
    """The four lists as the page gets them: (count, rows) each."""
    return [(found.count, rows(found)) for found in page_lists(code, NOV, 100)]


def fill(desa: Region, tag: str) -> None:
    make_position(desa, Office.SEKRETARIS_DESA, START, name=f"Belum Daftar {tag}")
    arrears = make_position(desa, Office.KAUR_KEUANGAN, START, name=f"Menunggak {tag}")
    enrol(arrears.person, START, date(2026, 8, 1))
    left = make_position(desa, Office.KASI_PELAYANAN, START, date(2026, 6, 30), name=f"Berhenti {tag}")
    enrol(left.person, START, date(2026, 11, 1))
    differs = make_position(desa, Office.KAUR_PERENCANAAN, START, name=f"Nama Roster {tag}")
    enrolment = enrol(differs.person, START, date(2026, 11, 1))
    Enrolment.objects.filter(pk=enrolment.pk).update(
        bpjs_name=f"Nama Lain {tag}", bpjs_birth_date=date(1999, 1, 1)
    )


def test_the_page_s_lists_are_the_lists(sanggau_desa, sambas_desa):
    fill(sanggau_desa, "A")
    fill(sambas_desa, "B")
    for code in ("61", "61.03", sanggau_desa.code):
        whole = [
            serving_not_enrolled(code, NOV),
            serving_in_arrears(code, NOV),
            enrolled_not_serving(code, NOV),
            data_differences(code, NOV),
        ]
        expected = [
            (len(found), [(f.person.pk, f.desa_code, f.office, f.detail) for f in found]) for found in whole
        ]
        assert lists_of(code) == expected, code
        assert lists_of(code) == expected, code  # read again, from the cache


def test_a_second_read_skips_the_large_reads(sanggau_desa):
    fill(sanggau_desa, "A")
    with CaptureQueriesContext(connection) as cold:
        page_lists("61", NOV, 100)
    with CaptureQueriesContext(connection) as warm:
        page_lists("61", NOV, 100)
    assert len(warm) < len(cold)
    assert not any("EXISTS" in q["sql"] for q in warm.captured_queries)


def test_a_change_to_the_data_is_in_the_next_read(sanggau_desa):
    fill(sanggau_desa, "A")
    before = lists_of("61.03")
    newcomer = make_position(sanggau_desa, Office.KAUR_TU_UMUM, START, name="Baru")
    after = lists_of("61.03")
    assert after[0][0] == before[0][0] + 1
    assert newcomer.person.pk in [row[0] for row in after[0][1]]
    # Ending a term (a service, as the pages do it) moves the person from a serving list.
    position_end(
        region=None, position=newcomer, last_day=date(2026, 10, 31), reason=Position.EndReason.DISMISSED
    )
    assert lists_of("61.03")[0] == before[0]
    enrol(newcomer.person, START, date(2026, 11, 1))  # paid up though no longer serving
    assert lists_of("61.03")[2][0] == before[2][0] + 1


def test_one_region_s_lists_are_never_another_s(sanggau_desa, sambas_desa):
    fill(sanggau_desa, "A")
    fill(sambas_desa, "B")
    sanggau, sambas = lists_of("61.03"), lists_of("61.01")
    assert {row[1][:5] for _count, found in sanggau for row in found} == {"61.03"}
    assert {row[1][:5] for _count, found in sambas for row in found} == {"61.01"}


def test_what_is_kept_names_nobody(sanggau_desa):
    fill(sanggau_desa, "A")
    page_lists("61.03", NOV, 100)
    kept = cache.get(region_cache_key("reconcile-ids", "61.03", NOV))
    assert kept is not None

    def plain(value) -> bool:
        return isinstance(value, int) or (isinstance(value, list | tuple) and all(plain(v) for v in value))

    assert plain(kept)  # ids only: the names, NIKs and dates shown are read for each request


def test_a_kept_id_whose_row_has_gone_is_left_out(sanggau_desa):
    fill(sanggau_desa, "A")
    lists_of("61.03")
    # Deleted without a signal (no data version counted it): the kept ids still name it.
    Position.objects.filter(person__name="Belum Daftar A").delete()
    Enrolment.objects.filter(person__name="Berhenti A").delete()
    not_enrolled, arrears, not_serving, _differing = page_lists("61.03", NOV, 100)
    assert not_enrolled.rows == [] and not_serving.rows == []
    assert [f.person.name for f in arrears.rows] == ["Menunggak A"]


def test_the_differences_are_read_again_for_the_rows_shown(sanggau_desa):
    fill(sanggau_desa, "A")
    differing = lists_of("61.03")[3]
    assert differing[0] == 1 and "Nama Lain A" in differing[1][0][3]
    # Only their ids were kept: what differs is read again, so a correction shows at once...
    Enrolment.objects.filter(bpjs_name="Nama Lain A").update(bpjs_name="Nama Lain Lagi")
    assert "Nama Lain Lagi" in lists_of("61.03")[3][1][0][3]
    # ...and a person no longer serving there (a change no data version counted) is left out.
    Position.objects.filter(person__name="Nama Roster A").update(term_end=date(2026, 1, 31))
    assert lists_of("61.03")[3][1] == []
