"""A batch's messages may name a person: the predecessor a new holder replaces ("Menggantikan …"), the
holder of a seat ("masih dijabat …"). They are shown, on the page and in the API, only to a reader who may
read that person's name (`people.view` where the rows land), as a roster shows it; to any other the name
is withheld, and so is the batch's list of people."""

from datetime import date

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.imports.models import ImportBatch
from lindungdesa.officials.rules import mask_names
from lindungdesa.regions.models import Region
from tests.imports.conftest import ROSTER_HEADER, People, to_csv
from tests.web.conftest import PENYELADI, SAMBAS, make_user
from tests.web.test_import_pages import page, upload, uploaded_batch

pytestmark = pytest.mark.django_db

REPLACED = "Menggantikan Yohanes Ale (Kepala Desa): masa jabatannya diakhiri 31-01-2026 (Diganti)."
HELD = "masih dijabat Markus Lesek"


@pytest.fixture
def replaced(client, sanggau_operator) -> ImportBatch:
    """Sanggau's operator imports Yohanes Ale as kepala desa, then Markus Lesek in his seat: the second
    batch warns whose term it ends, and refuses Lusia in the same seat from 2025, naming its new holder."""
    people = People(Region.objects.get(code=PENYELADI))
    first = people.row("Yohanes Ale", "Kepala Desa", serial=11)
    uploaded_batch(upload(client, sanggau_operator, to_csv(ROSTER_HEADER, [first]), dry_run=False))
    second = people.row("Markus Lesek", "Kepala Desa", serial=12, mulai_menjabat="01/02/2026")
    overlapping = people.row(
        "Lusia Biang", "Kepala Desa", born=date(1984, 4, 4), sex="P", serial=13, mulai_menjabat="01/01/2025"
    )
    data = to_csv(ROSTER_HEADER, [second, overlapping])
    batch = uploaded_batch(upload(client, sanggau_operator, data, dry_run=True))
    assert any(w["message"] == REPLACED for w in batch.warnings)
    assert batch.rejected_rows.filter(message__contains=HELD).exists()
    return batch


def test_the_regency_operator_reads_the_names(client, sanggau_operator, replaced):
    client.force_login(sanggau_operator)
    html = page(client, f"/impor/{replaced.pk}/")
    assert REPLACED in html and HELD in html and "Markus Lesek" in html
    data = client.get(f"/api/imports/{replaced.pk}/").json()
    assert REPLACED in [w["message"] for w in data["warnings"]]


def test_the_analyst_reads_the_names_with_the_days_masked(client, analyst, replaced):
    """`people.view` without `personal.view`: names as on the roster, the days masked as before."""
    client.force_login(analyst)
    html = page(client, f"/impor/{replaced.pk}/")
    assert "Menggantikan Yohanes Ale (Kepala Desa): masa jabatannya diakhiri **-**-****" in html
    assert HELD in html


def test_a_reader_moved_out_of_the_region_reads_no_name(client, sanggau_operator, replaced):
    """The uploader still sees its own batch after moving to Sambas, but the people of Sanggau are no
    longer its to know: the names are withheld from the messages, the list of people is gone."""
    User.objects.filter(pk=sanggau_operator.pk).update(region_id=SAMBAS)
    client.force_login(User.objects.get(pk=sanggau_operator.pk))
    html = page(client, f"/impor/{replaced.pk}/")
    assert "Yohanes Ale" not in html and "Markus Lesek" not in html and "Lusia Biang" not in html
    assert "Menggantikan (nama disembunyikan) (Kepala Desa)" in html
    assert "masih dijabat (nama disembunyikan)" in html
    data = client.get(f"/api/imports/{replaced.pk}/").json()
    assert "Yohanes" not in str(data)
    assert "Menggantikan (nama disembunyikan) (Kepala Desa)" in data["warnings"][0]["message"]


def test_a_reader_of_another_region_does_not_see_the_batch(client, replaced):
    client.force_login(make_user("sambas-op", User.Role.REGENCY_OPERATOR, SAMBAS, "Sambas"))
    assert client.get(f"/impor/{replaced.pk}/").status_code == 404


def test_the_names_withheld_are_those_the_messages_quote():
    assert mask_names(REPLACED) == (
        "Menggantikan (nama disembunyikan) (Kepala Desa): masa jabatannya diakhiri 31-01-2026 (Diganti)."
    )
    held = "Kepala Desa di Penyeladi masih dijabat Budi Santoso (10-01-2022 s.d. sekarang). Akhiri."
    assert mask_names(held) == held.replace("Budi Santoso", "(nama disembunyikan)")
    named = "Nama “budi s” tidak sama dengan nama yang tercatat untuk NIK ini; periksa NIK atau nama."
    assert mask_names(named) == named.replace("budi s", "(nama disembunyikan)")
    assert mask_names("Tanggal lahir 01-01-1980 tidak mungkin.") == "Tanggal lahir 01-01-1980 tidak mungkin."
