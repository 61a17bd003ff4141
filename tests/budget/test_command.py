"""`lindungdesa budget`: the JSON contract, the sheets it writes, and its errors (exit code 2)."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from lindungdesa.budget.models import Budget
from tests.budget.conftest import (
    ALL_SERVING_TOTAL,
    CURRENT_BY_PROGRAMME,
    CURRENT_BY_SOURCE,
    CURRENT_TOTAL,
    KAPUAS,
    NANGA_BIANG_TOTAL,
    NEXT,
    PENYELADI,
)
from tests.budget.roster_once import fresh_budget_roster, module_budget_roster  # noqa: F401  (fixtures: made once)

pytestmark = pytest.mark.django_db

FIELDS = {"region", "year", "scenario", "persons", "total", "by_source", "by_programme", "by_account"}


def run(*args: str) -> str:
    out = StringIO()
    call_command("budget", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_json_is_one_object_with_the_agreed_fields(budget_roster):
    data = json.loads(run("--year", str(NEXT), "--region", KAPUAS, "--json"))
    assert set(data) == FIELDS | {"children"}
    assert (data["region"], data["year"], data["scenario"]) == (KAPUAS, NEXT, "current")
    assert data["total"] == CURRENT_TOTAL + NANGA_BIANG_TOTAL
    assert data["persons"] == 4
    assert set(data["by_source"]) == {"APBD", "APBDES", "PESERTA"}
    assert set(data["by_programme"]) == {"JKK", "JKM", "JHT", "JP"}
    assert all(isinstance(v, int) for v in [*data["by_source"].values(), *data["by_programme"].values()])
    assert len(data["children"]) == 26  # the desa and kelurahan of Kecamatan Kapuas
    assert all(set(child) == FIELDS for child in data["children"])
    children = {c["region"]: c for c in data["children"]}
    assert children[PENYELADI]["by_source"] == CURRENT_BY_SOURCE
    assert children[PENYELADI]["by_programme"] == CURRENT_BY_PROGRAMME
    assert sum(c["total"] for c in data["children"]) == data["total"]


def test_the_scenario_and_a_region_without_dots(budget_roster):
    data = json.loads(
        run("--year", str(NEXT), "--region", "6103012007", "--scenario", "all-serving", "--json")
    )
    assert (data["region"], data["scenario"], data["total"]) == (PENYELADI, "all-serving", ALL_SERVING_TOTAL)
    assert data["children"] == []
    more = json.loads(
        run("--year", str(NEXT), "--region", PENYELADI, "--scenario", "all-serving", "--add", "jht", "--json")
    )
    assert more["scenario"] == "all-serving+JHT" and more["total"] > ALL_SERVING_TOTAL


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2027", "--region", "99.99"], "tidak ditemukan"),
        (["--year", "27", "--region", "61"], "empat angka"),
        (["--year", "1999", "--region", "61"], "antara 2024"),
        (["--year", "2027", "--region", "61", "--scenario", "semua"], "Skenario tidak dikenal"),
        (["--year", "2027", "--region", "61", "--risk-group", "7"], "Kelompok risiko"),
        (["--year", "2027", "--region", "61", "--risk-group", "II"], "Kelompok risiko"),
        (["--year", "2027", "--region", "61", "--add", "JKP"], "Program tambahan"),
    ],
)
def test_bad_input_is_a_clear_error_with_exit_code_2(args, message):
    with pytest.raises(CommandError, match=message) as exc:
        run(*args, "--json")
    assert exc.value.returncode == 2


def test_a_wrong_file_type_is_refused(tmp_path):
    with pytest.raises(CommandError, match=r"\.xlsx atau \.pdf") as exc:
        run("--year", str(NEXT), "--region", "61", "--out", str(tmp_path / "anggaran.csv"))
    assert exc.value.returncode == 2


def test_it_writes_the_xlsx_and_pdf_sheets(budget_roster, tmp_path):
    xlsx = tmp_path / "penyeladi.xlsx"
    assert "Ditulis ke" in run("--year", str(NEXT), "--region", PENYELADI, "--out", str(xlsx))
    rows = list(load_workbook(xlsx)["Rincian"].iter_rows(values_only=True))
    assert sum(r[14] for r in rows[1:]) == CURRENT_TOTAL
    pdf = tmp_path / "penyeladi.pdf"
    run("--year", str(NEXT), "--region", PENYELADI, "--out", str(pdf))
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Rp2.024.496" in text


def test_save_adopts_the_budget(budget_roster, village_operator):
    run("--year", str(NEXT), "--region", PENYELADI, "--json", "--save", village_operator.username)
    stored = Budget.objects.get()
    assert (stored.region_id, stored.year, stored.total, stored.created_by) == (
        PENYELADI,
        NEXT,
        CURRENT_TOTAL,
        village_operator,
    )
    with pytest.raises(CommandError, match="tidak ada") as exc:
        run("--year", str(NEXT), "--region", PENYELADI, "--json", "--save", "siapa")
    assert exc.value.returncode == 2
