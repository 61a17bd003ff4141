import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lindungdesa.officials.models import Person
from tests.imports.conftest import ROSTER_HEADER, to_csv

pytestmark = pytest.mark.django_db


def run(*args: str) -> dict:
    out = StringIO()
    call_command("import", *args, stdout=out)
    return json.loads(out.getvalue())


def test_roster_json_contract(people, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(
        to_csv(
            ROSTER_HEADER, [people.row("Budi", "Kepala Desa", serial=1), people.row("X", "Camat", serial=2)]
        )
    )
    data = run("roster", str(path), "--json")
    assert set(data) >= {
        "batch",
        "total_rows",
        "accepted",
        "rejected",
        "created",
        "updated",
        "unchanged",
        "errors",
    }
    assert (data["total_rows"], data["accepted"], data["rejected"], data["created"]) == (2, 1, 1, 1)
    assert isinstance(data["batch"], int)
    assert data["errors"] == [{"row": 3, "field": "jabatan", "message": data["errors"][0]["message"]}]


def test_dry_run_has_no_batch_and_writes_nothing(people, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(to_csv(ROSTER_HEADER, [people.row("Budi", "Kepala Desa", serial=1)]))
    data = run("roster", str(path), "--dry-run", "--json")
    assert (data["batch"], data["created"]) == (None, 1)
    assert Person.objects.count() == 0


def test_an_unreadable_file_exits_2(tmp_path):
    path = tmp_path / "kosong.xlsx"
    path.write_bytes(b"")
    with pytest.raises(CommandError) as exc:
        run("roster", str(path), "--json")
    assert exc.value.returncode == 2
    with pytest.raises(CommandError) as exc:
        run("roster", str(tmp_path / "tidak-ada.csv"))
    assert exc.value.returncode == 2


def test_bpjs_needs_the_extract_month(tmp_path):
    path = tmp_path / "bpjs.csv"
    path.write_bytes(b"nik,nama\n")
    with pytest.raises(CommandError):
        call_command("import", "bpjs", str(path), "--as-of", "Oktober")


def test_the_template_is_written(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "templat.xlsx"
    call_command("template", "roster", "--out", str(out), stdout=StringIO())
    wb = load_workbook(out)
    assert wb.sheetnames == ["Data", "Petunjuk"]
    headers = [c.value for c in wb["Data"][1]]
    # Written out once here: files in the field carry these names, so renaming one is a change of contract.
    assert headers == [
        "kode_desa",
        "nama_desa",
        "nik",
        "nama",
        "jenis_kelamin",
        "tanggal_lahir",
        "kelompok",
        "jabatan",
        "nama_dusun",
        "status_jabatan",
        "nomor_sk",
        "tanggal_sk",
        "mulai_menjabat",
        "akhir_menjabat",
        "penghasilan_bulanan",
        "no_hp",
    ]
    assert wb["Data"]["C2"].number_format == "@"  # NIK typed as text


def test_on_behalf_of_a_user_it_keeps_to_that_users_rights(people, tmp_path):
    from lindungdesa.accounts.models import AuditEntry, User

    path = tmp_path / "roster.csv"
    path.write_bytes(to_csv(ROSTER_HEADER, [people.row("Budi", "Kepala Desa", serial=1)]))
    User.objects.create_user(username="lihat", role=User.Role.VIEWER, region_id="61.03")
    with pytest.raises(CommandError, match="tidak mengizinkan impor ini"):
        run("roster", str(path), "--json", "--user", "lihat")
    rudi = User.objects.create_user(username="rudi", role=User.Role.REGENCY_OPERATOR, region_id="61.03")
    data = run("roster", str(path), "--json", "--user", "rudi")
    assert AuditEntry.objects.get(action="import", object_id=str(data["batch"])).user == rudi
