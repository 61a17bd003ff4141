import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.factories import enrol, make_position

pytestmark = pytest.mark.django_db

KEYS = {
    "villages",
    "villages_registered",
    "villages_registered_pct",
    "villages_fully_covered",
    "aparat_serving",
    "aparat_protected",
    "aparat_coverage_pct",
    "bpd_serving",
    "bpd_protected",
    "bpd_coverage_pct",
}


def run(*args: str) -> str:
    out = StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def test_it_prints_one_json_object_with_children():
    desa = Region.objects.filter(regency_code="61.03", kind=Region.Kind.DESA).first()
    kades = make_position(desa, Office.KEPALA_DESA, date(2020, 1, 1))
    enrol(kades.person, date(2020, 2, 1), date(2026, 10, 1))

    data = json.loads(run("--region", "61", "--period", "2026-11", "--json"))
    assert set(data) == {"region", "name", "period", "children"} | KEYS
    assert (data["region"], data["name"], data["period"]) == ("61", "Kalimantan Barat", "2026-11")
    assert (data["villages"], data["villages_registered"], data["aparat_coverage_pct"]) == (2046, 1, 100.0)
    assert len(data["children"]) == 14
    assert all(set(c) == {"region", "name"} | KEYS for c in data["children"])


def test_the_region_may_be_written_without_dots():
    data = json.loads(run("--region", "6103", "--period", "2026-11", "--json"))
    assert data["region"] == "61.03"
    assert data["name"] == "Kabupaten Sanggau"


def test_the_default_period_is_the_current_month():
    data = json.loads(run("--region", "61.03", "--json"))
    assert data["period"] == timezone.localdate().strftime("%Y-%m")


def test_it_prints_a_readable_summary_without_json():
    assert "Kabupaten Sanggau" in run("--region", "61.03", "--period", "2026-11")


def test_unknown_region_and_bad_period_are_clear_errors():
    with pytest.raises(CommandError, match="tidak ditemukan"):
        run("--region", "99.99", "--json")
    with pytest.raises(CommandError, match="TTTT-BB"):
        run("--region", "61", "--period", "11-2026")
