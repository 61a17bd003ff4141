"""Officials without a NIK on the pages: the desa's roster says "NIK belum ada" where the NIK would be, and
the desa, regency and monev figures say how many serve without one (docs/imports.md)."""

import pytest

from lindungdesa.imports.services import roster_import_file
from tests.imports.conftest import ROSTER_HEADER, to_csv
from tests.web.conftest import PENYELADI

pytestmark = pytest.mark.django_db


def _import_one_without_nik():
    row = dict.fromkeys(ROSTER_HEADER, "")
    row.update(
        kode_desa=PENYELADI,
        nama="Agustinus Jemadu",
        tanggal_lahir="21/09/1983",
        jabatan="Kaur Keuangan",
        tanggal_sk="02/08/2021",
        penghasilan_bulanan="2022200",
    )
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [row]), file_name="r.csv")
    assert summary.accepted == 1


def test_the_desa_page_lists_nik_belum_ada_and_counts_them(client, village_operator):
    _import_one_without_nik()
    client.force_login(village_operator)
    html = client.get(f"/wilayah/{PENYELADI}/").content.decode()
    assert "Agustinus Jemadu" in html
    assert "NIK belum ada" in html
    assert "1 orang yang menjabat belum punya NIK" in html


def test_the_regency_page_counts_them(client, sanggau_operator):
    _import_one_without_nik()
    client.force_login(sanggau_operator)
    html = client.get("/wilayah/61.03/").content.decode()
    assert "1 orang yang menjabat belum punya NIK" in html


# A past month keeps its count: the NIK has no history, so the month's snapshot stores who lacked one ------


def _serving_without_nik_since_2022():
    from datetime import date

    from lindungdesa.officials.models import Office, Person
    from lindungdesa.regions.models import Region
    from tests.factories import make_position

    person = Person.objects.create(nik=None, name="Agustinus Jemadu", sex="L", birth_date=date(1983, 9, 21))
    make_position(Region.objects.get(code=PENYELADI), Office.KAUR_KEUANGAN, date(2022, 8, 2), person=person)
    return person


def _complete_the_nik(person):
    from lindungdesa.officials.services import person_update
    from tests.factories import make_nik

    nik = make_nik("61.03.01", person.birth_date, "L", serial=77)
    person_update(
        region=None, person=person, nik=nik, name=person.name, sex="L", birth_date=person.birth_date
    )


def _months():
    from django.utils import timezone

    from lindungdesa.lib.months import Month

    this_month = Month.of(timezone.localdate())
    return this_month.add(-1), this_month


def test_a_past_months_count_stays_after_the_nik_is_completed(client, sanggau_operator):
    from lindungdesa.indicators.selectors import serving_without_nik
    from lindungdesa.indicators.services import snapshot_take
    from lindungdesa.reports.kemendagri import report_build

    last_month, this_month = _months()
    person = _serving_without_nik_since_2022()
    snapshot_take(period=last_month)  # the month's closing, made after it ended
    _complete_the_nik(person)

    assert serving_without_nik(PENYELADI, last_month) == 1
    assert serving_without_nik("61.03", last_month) == 1
    assert serving_without_nik(PENYELADI, this_month) == 0  # the running month is counted live
    client.force_login(sanggau_operator)
    html = client.get(f"/wilayah/61.03/?periode={last_month}").content.decode()
    assert "1 orang yang menjabat belum punya NIK" in html
    assert "belum punya NIK" not in client.get("/wilayah/61.03/").content.decode()
    assert report_build(province_code="61", period=last_month).without_nik == 1

    snapshot_take(period=last_month)  # taken again: the closing count is kept, the NIK completed since or not
    assert serving_without_nik("61", last_month) == 1


def test_a_snapshot_made_before_the_count_was_stored_is_counted_live():
    from lindungdesa.indicators.models import RegionFigure
    from lindungdesa.indicators.selectors import serving_without_nik
    from lindungdesa.indicators.services import snapshot_take

    last_month, _ = _months()
    person = _serving_without_nik_since_2022()
    snapshot = snapshot_take(period=last_month)
    RegionFigure.objects.filter(snapshot=snapshot).update(serving_without_nik=None)  # as migrated
    assert serving_without_nik("61.03", last_month) == 1
    _complete_the_nik(person)
    assert serving_without_nik("61.03", last_month) == 0  # today's NIKs: the count it could not keep


def test_the_monev_count_per_desa_reads_the_closing_snapshot():
    from lindungdesa.indicators.selectors import serving_without_nik_by_desa
    from lindungdesa.indicators.services import snapshot_take

    last_month, _ = _months()
    person = _serving_without_nik_since_2022()
    snapshot_take(period=last_month)
    _complete_the_nik(person)
    assert serving_without_nik_by_desa({PENYELADI, "61.03.01.2008"}, last_month) == {PENYELADI: 1}
