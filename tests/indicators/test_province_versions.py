"""A data version per province: a change in one province (Kalimantan Barat, 61) leaves what is kept about
another (a small Jawa Tengah, 33, made here) in use, under the same key, and is read at once in its own
province and in everything about the whole country."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindungdesa.budget.selectors import totals_version
from lindungdesa.enrolment.models import StatusRule
from lindungdesa.indicators.dashboard import dashboard_version, page_dashboard
from lindungdesa.indicators.models import DataVersion, Snapshot
from lindungdesa.indicators.selectors import fresh_snapshot, region_figures, usable_snapshot
from lindungdesa.indicators.services import data_changed, snapshot_take
from lindungdesa.indicators.versioned import data_version_key, region_cache_key, region_cached
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.factories import enrol, make_position

pytestmark = pytest.mark.django_db

NOV = Month(2026, 11)
START = date(2020, 1, 1)


@pytest.fixture
def jateng() -> Region:
    """Province 33 with one desa, loaded as `regions_load` loads (which counts as a change everywhere)."""
    made = [
        Region(code="33", name="Jawa Tengah", level=1, kind="provinsi", province_code="33"),
        Region(
            code="33.01", name="Cilacap", level=2, kind="kabupaten", province_code="33", regency_code="33.01"
        ),
        Region(
            code="33.01.01",
            name="Dayeuhluhur",
            level=3,
            kind="kecamatan",
            province_code="33",
            regency_code="33.01",
            district_code="33.01.01",
        ),
        Region(
            code="33.01.01.2001",
            name="Hanum",
            level=4,
            kind="desa",
            province_code="33",
            regency_code="33.01",
            district_code="33.01.01",
        ),
    ]
    for region in made:
        region.parent_id = region.code.rsplit(".", 1)[0] if "." in region.code else None
        region.save()
    data_changed()
    return made[0]


def desa_of(province: str) -> Region:
    return Region.objects.filter(province_code=province, level=4, kind="desa").order_by("code").first()


def serve_in(province: str, office: str = Office.SEKRETARIS_DESA):
    return make_position(desa_of(province), office, START)


def test_a_change_in_one_province_moves_its_version_and_the_national_one_only(jateng):
    before = {code: data_version_key(code) for code in ("33", "33.01.01.2001", "61", "61.03", None)}
    serve_in("61")
    after = {code: data_version_key(code) for code in before}
    assert after["33"] == before["33"] and after["33.01.01.2001"] == before["33.01.01.2001"]
    assert after["61"] != before["61"] and after["61.03"] != before["61.03"]
    assert after[None] != before[None]
    assert after["61"] == after["61.03"]  # one version for the whole province


def test_kept_results_of_the_other_province_stay_warm_and_the_changed_one_recomputes(jateng):
    computed = []

    def kept(code: str) -> str:
        return region_cached("test", code, compute=lambda: computed.append(code) or f"figures of {code}")

    kept("33")
    kept("61")
    key_33 = region_cache_key("test", "33")
    serve_in("61")
    assert region_cache_key("test", "33") == key_33
    assert kept("33") == "figures of 33" and kept("61") == "figures of 61"
    assert computed == ["33", "61", "61"]  # 33 read back, 61 computed again


def test_the_other_province_s_dashboard_is_read_back_and_the_changed_one_shows_the_change(jateng):
    serve_in("33")
    kalbar = Region.objects.get(code="61")
    before_33 = page_dashboard(jateng, NOV)
    before_61 = page_dashboard(kalbar, NOV).total
    version_33 = dashboard_version("33")
    serve_in("61", Office.KAUR_KEUANGAN)
    assert dashboard_version("33") == version_33
    with CaptureQueriesContext(connection) as queries:
        again_33 = page_dashboard(jateng, NOV)
    assert len(queries) == 2  # the versions only: nothing computed
    assert again_33.total == before_33.total
    assert page_dashboard(kalbar, NOV).total.aparat_serving == before_61.aparat_serving + 1


def test_budget_totals_keep_their_version_in_the_other_province(jateng):
    before_33, before_61 = totals_version("33.01"), totals_version("61.03")
    serve_in("61")
    assert totals_version("33.01") == before_33
    assert totals_version("61.03") != before_61


def test_an_enrolment_and_a_person_move_the_provinces_of_their_positions(jateng):
    position = serve_in("61")
    before = data_version_key("61"), data_version_key("33")
    enrol(position.person, START, date(2026, 11, 1))
    assert data_version_key("61") != before[0] and data_version_key("33") == before[1]
    before = data_version_key("61"), data_version_key("33")
    position.person.name = "Nama Lain"
    position.person.save()
    assert data_version_key("61") != before[0] and data_version_key("33") == before[1]


def test_a_person_who_served_in_two_provinces_moves_both(jateng):
    earlier = make_position(desa_of("33"), Office.SEKRETARIS_DESA, date(2014, 1, 1), date(2019, 12, 31))
    position = make_position(desa_of("61"), Office.SEKRETARIS_DESA, START, person=earlier.person)
    before = data_version_key("61"), data_version_key("33")
    enrol(position.person, START, date(2026, 11, 1))
    assert data_version_key("61") != before[0] and data_version_key("33") != before[1]


def test_a_status_rule_moves_every_province(jateng):
    before = data_version_key("61"), data_version_key("33"), data_version_key()
    rule = StatusRule.objects.order_by("pk").first() or StatusRule.objects.create(valid_from=date(2020, 1, 1))
    rule.save()
    after = data_version_key("61"), data_version_key("33"), data_version_key()
    assert all(a != b for a, b in zip(after, before, strict=True))


def test_a_province_with_no_row_of_its_own_goes_by_the_national_version(jateng):
    DataVersion.objects.filter(province="33").delete()
    before = data_version_key("33")
    serve_in("61")
    assert data_version_key("33") != before  # never warmer than it should be
    serve_in("33")  # its first change makes its row
    assert DataVersion.objects.filter(province="33").exists()
    before = data_version_key("33")
    serve_in("61", Office.KAUR_KEUANGAN)
    assert data_version_key("33") == before


def test_the_month_s_snapshot_stays_fresh_for_the_provinces_a_change_left_alone(jateng):
    serve_in("33")
    kalbar = Region.objects.get(code="61")
    snapshot = snapshot_take(period=NOV)
    assert usable_snapshot(jateng, NOV) == (snapshot, False) and usable_snapshot(kalbar, NOV) == (
        snapshot,
        False,
    )
    serve_in("61")
    assert fresh_snapshot(NOV) is None  # the whole country's figures: stale after a change anywhere
    assert usable_snapshot(jateng, NOV) == (snapshot, False)
    assert region_figures(jateng, NOV).snapshot == snapshot
    assert usable_snapshot(kalbar, NOV) == (None, False)  # computed live, with the change
    assert region_figures(kalbar, NOV).total.aparat_serving == 1


def test_a_snapshot_made_before_versions_per_province_goes_by_the_national_version(jateng):
    snapshot = snapshot_take(period=NOV)
    Snapshot.objects.filter(pk=snapshot.pk).update(province_versions={})
    assert usable_snapshot(jateng, NOV)[0] == snapshot
    serve_in("61")
    assert usable_snapshot(jateng, NOV) == (None, False)


def test_kept_national_results_show_a_change_anywhere_at_once(jateng):
    kept = region_cached("national-test", "", compute=lambda: DataVersion.objects.count())
    assert region_cached("national-test", "", compute=lambda: -1) == kept
    serve_in("33")
    assert region_cached("national-test", "", compute=lambda: -1) == -1


def test_an_import_by_a_province_moves_that_province_and_a_national_import_every_one(jateng):
    from lindungdesa.imports.services import roster_import_file
    from tests.imports.conftest import ROSTER_HEADER, People, to_csv

    rows = [People(desa_of("61")).row("Paulus Baru", "Kaur Tata Usaha dan Umum", serial=31)]
    before = data_version_key("61"), data_version_key("33")
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, rows), file_name="roster.csv", scope_code="61")
    assert summary.created, summary
    assert data_version_key("61") != before[0] and data_version_key("33") == before[1]

    rows = [People(desa_of("61")).row("Yosef Baru", "Kaur Perencanaan", serial=32)]
    before = data_version_key("61"), data_version_key("33")
    roster_import_file(data=to_csv(ROSTER_HEADER, rows), file_name="roster-2.csv")
    assert data_version_key("61") != before[0] and data_version_key("33") != before[1]


def test_the_migration_starts_every_loaded_province_from_the_national_version(jateng):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("lindungdesa.indicators.migrations.0005_data_version_per_province")
    DataVersion.objects.exclude(province="").delete()
    national = DataVersion.objects.get(province="")
    migration.province_rows(apps, None)
    rows = dict(DataVersion.objects.values_list("province", "version"))
    assert rows == {"": national.version, "33": national.version, "61": national.version}
    assert data_version_key("33") == f"p33:{data_version_key()}"


def test_a_province_s_report_retakes_the_snapshot_only_after_a_change_in_that_province(jateng):
    from lindungdesa.reports.kemendagri import report_build

    serve_in("61")
    made = snapshot_take(period=NOV).made_at
    serve_in("33")
    report_build(province_code="61", period=NOV)
    assert Snapshot.objects.get(period=str(NOV), kind=Snapshot.Kind.MONTHLY).made_at == made
    serve_in("61", Office.KAUR_KEUANGAN)
    report_build(province_code="61", period=NOV)
    assert Snapshot.objects.get(period=str(NOV), kind=Snapshot.Kind.MONTHLY).made_at > made


def test_a_public_page_of_the_other_province_stays_kept_and_the_changed_one_is_rendered_again(jateng):
    from django.test import Client

    def queries_for(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(url).status_code == 200
        return len(queries)

    queries_for("/publik/33/")
    queries_for("/publik/61/")
    serve_in("61")
    assert queries_for("/publik/33/") == 2  # the versions the key is made of: served as kept
    assert queries_for("/publik/61/") > 2  # rendered again with the change


def test_a_snapshot_of_a_database_no_change_has_touched_keeps_version_zero(world):
    """Before any change there is no version row at all, not even the national one: the snapshot is taken
    and keeps "0" for each province (as `data_version_key` reads it), so it is fresh until a change."""
    DataVersion.objects.all().delete()
    snapshot = snapshot_take(period=NOV)
    assert set(snapshot.province_versions.values()) == {"0"}
    assert data_version_key("61") == "0"
    assert fresh_snapshot(NOV) == snapshot
