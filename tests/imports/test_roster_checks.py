"""The roster reader remembers a new position's verdict by its shape (`RosterRows._checks`): the verdict it
remembers must be the one a fresh reader, remembering nothing, gives of every row."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindungdesa.imports.roster import RosterRows
from lindungdesa.regions.models import Region
from tests.factories import make_nik

_DAYS = ["01/01/2019", "01/08/2019", "31/07/2027", "31/12/2030", "01/01/2040", "2021-05-17", ""]

_ROW = st.fixed_dictionaries(
    {
        "jabatan": st.sampled_from(
            ["Kepala Desa", "Sekretaris Desa", "Kaur Keuangan", "Kepala Dusun", "Anggota BPD", "Ketua BPD"]
        ),
        "status_jabatan": st.sampled_from(["", "Pj", "Plt", "Definitif"]),
        "nama_dusun": st.sampled_from(["", "Dusun I", " dusun i ", "Sungai Ambawang"]),
        "mulai_menjabat": st.sampled_from(_DAYS),
        "akhir_menjabat": st.sampled_from(_DAYS),
        "tanggal_sk": st.sampled_from(_DAYS),
        "nomor_sk": st.sampled_from(["", "141/1/KPTS/2019", "  141/2/KPTS/2019 ", "x" * 100]),
        "penghasilan_bulanan": st.sampled_from(["", "2426640", "2.426.640,00", "Rp 1.000.000,50", "0"]),
        "serial": st.integers(min_value=1, max_value=9999),
    }
)


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_ROW, min_size=1, max_size=12))
def test_remembered_position_checks_agree_with_fresh_ones(rows):
    desa = Region.objects.filter(regency_code="61.03", kind=Region.Kind.DESA).order_by("code").first()
    remembering = RosterRows(scope_code=None, default_desa=desa)
    for cells in rows:
        values = {
            **{k: v for k, v in cells.items() if k != "serial"},
            "nik": make_nik(desa.district_code, date(1980, 5, 17), serial=cells["serial"]),
            "nama": "Budi Santoso",
        }
        reading = remembering.read(values)
        if reading.row is not None:
            remembered = (reading.row["person_ok"], reading.row["position_ok"])
            # A reader that has seen no other row: nothing remembered.
            assert remembered == RosterRows(scope_code=None, default_desa=desa)._checks(reading.row)
