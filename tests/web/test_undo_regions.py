"""Undoing a saved import while a later one, in another region, stays: the last import of its own region
can be undone (page and service), and the undo is refused, with the database unchanged, whenever it would
take back what came later: a later import in the same region (or the whole country), a later import of
another region that wrote the same rows, or a page edit."""

from datetime import date

import pytest

from lindungdesa.imports.models import BatchChange, ImportBatch
from lindungdesa.imports.services import UndoRefused, batch_undo, roster_import_file
from lindungdesa.officials.models import Person, Position
from lindungdesa.officials.services import person_update
from tests.factories import make_nik
from tests.imports.conftest import ROSTER_HEADER, to_csv
from tests.web.conftest import DALAM_KAUM, KAPUAS, PENYELADI

pytestmark = pytest.mark.django_db

SANGGAU, SAMBAS = "61.03", "61.01"


def import_one(
    desa: str, name: str, serial: int, *, scope: str, user=None, office: str = "Kasi Pelayanan"
) -> ImportBatch:
    born = date(1980, 5, serial)
    row = dict.fromkeys(ROSTER_HEADER, "")
    row.update(
        kode_desa=desa,
        nik=make_nik(desa.rpartition(".")[0], born, "L", serial=serial),
        nama=name,
        tanggal_lahir=born.strftime("%d/%m/%Y"),
        jenis_kelamin="L",
        jabatan=office,
        tanggal_sk="02/01/2026",
    )
    summary = roster_import_file(
        data=to_csv(ROSTER_HEADER, [row]), file_name=f"{name}.csv", scope_code=scope, user=user
    )
    assert summary.accepted == 1, summary
    return ImportBatch.objects.order_by("-pk").first()


def stored() -> tuple:
    return list(Person.objects.order_by("pk").values()), list(Position.objects.order_by("pk").values())


def test_a_later_import_in_another_region_does_not_block_the_undo(client, sanggau_operator):
    sanggau = import_one(PENYELADI, "Andreas Sanggau", 1, scope=SANGGAU, user=sanggau_operator)
    import_one(DALAM_KAUM, "Bahrun Sambas", 2, scope=SAMBAS)
    client.force_login(sanggau_operator)
    assert f'href="/impor/{sanggau.pk}/batalkan/"' in client.get(f"/impor/{sanggau.pk}/").content.decode()
    html = client.post(f"/impor/{sanggau.pk}/batalkan/", follow=True).content.decode()
    assert "Impor dibatalkan" in html
    assert list(Person.objects.values_list("name", flat=True)) == ["Bahrun Sambas"]  # Sambas's stays


@pytest.mark.parametrize("later_scope", [SANGGAU, PENYELADI, KAPUAS, ""])
def test_a_later_import_in_the_same_or_an_enclosing_region_blocks_it(client, sanggau_operator, later_scope):
    sanggau = import_one(PENYELADI, "Andreas Sanggau", 1, scope=SANGGAU, user=sanggau_operator)
    import_one(PENYELADI, "Bahrun Penyeladi", 2, scope=later_scope, office="Kasi Pemerintahan")
    before = stored()
    client.force_login(sanggau_operator)
    assert "Batalkan impor ini" not in client.get(f"/impor/{sanggau.pk}/").content.decode()
    with pytest.raises(UndoRefused, match="Hanya impor terakhir yang dapat dibatalkan"):
        batch_undo(batch=sanggau)
    assert stored() == before


def test_a_later_import_of_another_region_that_wrote_the_same_person_blocks_it():
    sanggau = import_one(PENYELADI, "Andreas Sanggau", 1, scope=SANGGAU)
    sambas = import_one(DALAM_KAUM, "Bahrun Sambas", 2, scope=SAMBAS)
    # A person serving in both regions: the Sambas import's log names the Sanggau import's person too.
    andreas = Person.objects.get(name="Andreas Sanggau")
    BatchChange.objects.create(
        batch=sambas, model="officials.Person", object_id=andreas.pk, action="update", before={"phone": ""}
    )
    before = stored()
    with pytest.raises(UndoRefused, match=f"sudah diubah oleh impor nomor {sambas.pk} sesudahnya"):
        batch_undo(batch=sanggau)
    assert stored() == before
    batch_undo(batch=sambas)  # once the later one is undone, the earlier one can be
    batch_undo(batch=sanggau)
    assert not Person.objects.filter(name="Andreas Sanggau").exists()


def test_an_undo_in_another_region_does_not_hide_a_page_edit():
    sanggau = import_one(PENYELADI, "Andreas Sanggau", 1, scope=SANGGAU)
    andreas = Person.objects.get(name="Andreas Sanggau")
    person_update(
        region=SANGGAU,
        person=andreas,
        nik=andreas.nik,
        name="Andreas Sanggau",
        sex="L",
        birth_date=andreas.birth_date,
        phone="081234567890",
    )
    sambas = import_one(DALAM_KAUM, "Bahrun Sambas", 2, scope=SAMBAS)
    batch_undo(batch=sambas)
    with pytest.raises(UndoRefused, match="sudah diubah sesudahnya"):
        batch_undo(batch=sanggau)
    assert Person.objects.get(pk=andreas.pk).phone == "081234567890"
