"""Properties of the import policy on rows drawn at random, as villages type them (docs/imports.md, "What
is refused and what is warned"): every row is accepted or refused, never lost; every refusal and warning
names a row of the file, a column and a message; a warning belongs to a kept row; importing the same file
again creates nobody (officials without a NIK are found again by name and birth date)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindungdesa.imports.models import ImportBatch
from lindungdesa.imports.services import roster_import_file
from lindungdesa.officials.models import Person, Position
from tests.imports.conftest import ROSTER_HEADER, to_csv

PENYELADI = "61.03.01.2007"
# (name, birth date, the NIK that agrees with them): a pool, so that rows repeat people as files do.
_PEOPLE = [
    ("Yohanes Ale", "17/05/1980", "6103011705800001"),
    ("Maria Ulfa", "09/02/1988", "6103014902880002"),
    ("Paulus Ajon", "01/02/1970", "6103010102700004"),
    ("Hj. Siti Aminah, S.Pd", "12/12/1975", "6103015212750005"),
    ("Agustinus Jemadu", "21/09/1983", "6103012109830008"),
]
_ROW = st.fixed_dictionaries(
    {
        "who": st.sampled_from(range(len(_PEOPLE))),
        "nik": st.sampled_from(["given", "given", "", "-", "belum ada", "6,10301E+15", "123"]),
        "tanggal_lahir": st.sampled_from(["given", "given", "", "31/02/1980"]),
        "jabatan": st.sampled_from(
            [
                "Kepala Desa",
                "Kaur Keuangan",
                "Kepala Dusun",
                "Kadus",
                "Kadus II",
                "Kepala Dusun Sungai Ringin",
                "Kepala Dusun Dusun Tanjung",
                "Anggota BPD",
                "Staf Desa",
            ]
        ),
        "nama_dusun": st.sampled_from(["", "", "Pasir Putih"]),
        "no_hp": st.sampled_from(["", "081234567890", "0812-34"]),
        "penghasilan_bulanan": st.sampled_from(["2022200", "", "dua juta"]),
    }
)


def _cells(drawn: dict) -> dict:
    name, born, nik = _PEOPLE[drawn["who"]]
    row = dict.fromkeys(ROSTER_HEADER, "")
    row.update(
        kode_desa=PENYELADI,
        nama=name,
        nik=nik if drawn["nik"] == "given" else drawn["nik"],
        tanggal_lahir=born if drawn["tanggal_lahir"] == "given" else drawn["tanggal_lahir"],
        jabatan=drawn["jabatan"],
        nama_dusun=drawn["nama_dusun"],
        no_hp=drawn["no_hp"],
        penghasilan_bulanan=drawn["penghasilan_bulanan"],
        tanggal_sk="03/01/2022",
        kelompok="BPD" if "BPD" in drawn["jabatan"] else "",
    )
    return row


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=st.lists(_ROW, min_size=1, max_size=10))
def test_every_row_is_kept_or_refused_with_row_field_and_message(drawn):
    data = to_csv(ROSTER_HEADER, [_cells(d) for d in drawn])
    preview = roster_import_file(data=data, file_name="r.csv", dry_run=True)
    summary = roster_import_file(data=data, file_name="r.csv")
    try:
        assert preview.as_dict() | {"batch": None} == summary.as_dict() | {"batch": None}
        assert summary.accepted + summary.rejected == summary.total_rows == len(drawn)
        rows = range(2, len(drawn) + 2)  # the header is row 1
        for problem in (*summary.errors, *summary.warnings):
            assert problem.row in rows and problem.field and problem.message
        refused = {e.row for e in summary.errors}
        assert len(refused) == summary.rejected
        assert not refused & {w.row for w in summary.warnings}  # a warning belongs to a kept row
        again = roster_import_file(data=data, file_name="r.csv")
        assert (again.created, again.accepted) == (0, summary.accepted)
    finally:
        # Hypothesis runs every example in the one test's transaction: start each from an empty roster.
        ImportBatch.objects.all().delete()
        Position.objects.all().delete()
        Person.objects.all().delete()
