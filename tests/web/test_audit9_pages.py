"""audit9: defects a user met on the pages, each with the test that failed before its fix."""

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.officials.models import Person, Position
from tests.web.conftest import PENYELADI, make_user


@pytest.mark.django_db
def test_the_audit_page_shows_an_sk_number_shaped_like_an_impossible_date(client, roster, village_operator):
    """An SK number typed "2026-02-30" (text, not a date) made the audit page of the desa, its regency and
    its province answer 500 for everyone, from the moment it was saved."""
    position = Position.objects.get(person=roster.ahmad)
    client.force_login(village_operator)
    saved = client.post(
        f"/jabatan/{position.pk}/ubah/",
        {"term_start": "01/03/2021", "sk_number": "2026-02-30", "sk_date": "", "monthly_income": ""},
    )
    assert saved.status_code == 302
    admin = make_user("kab", User.Role.REGENCY_ADMIN, "61.03", "Admin")
    client.force_login(admin)
    page = client.get("/audit/")
    assert page.status_code == 200
    assert "<ins>2026-02-30</ins>" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ['=HYPERLINK("http://contoh.id","Budi")', "+62 Budi", "@Budi", "-Budi"])
def test_a_name_typed_as_a_formula_is_refused_beside_the_name(client, roster, village_operator, name):
    """A name pasted from a spreadsheet's formula was saved as the person's name (the exports show it as text,
    the pages and letters as it is); it is now refused beside the field, on the add and the edit forms."""
    client.force_login(village_operator)
    added = client.post(
        f"/wilayah/{PENYELADI}/aparat/tambah/",
        {
            "name": name,
            "birth_date": "17/08/1980",
            "sex": "L",
            "office": "kasi_pelayanan",
            "term_start": "01/12/2026",
        },
    )
    edited = client.post(
        f"/orang/{roster.siti.pk}/ubah/",
        {"nik": roster.siti.nik, "name": name, "birth_date": "05/07/1983", "sex": "P"},
    )
    for response in (added, edited):
        assert response.status_code == 200  # the form again, not saved
        assert response.context["form"].errors["name"] == [
            f"Nama tidak boleh diawali “{name[0]}”: tulis nama seperti di KTP, diawali huruf."
        ]
    assert not Person.objects.filter(name=name).exists()
    assert Person.objects.get(pk=roster.siti.pk).name == "Siti Aminah"


@pytest.mark.django_db
def test_a_name_pasted_with_invisible_characters_is_kept_as_an_import_keeps_it(
    client, roster, village_operator
):
    """A name copied from a chat carries zero-width spaces: the add and edit forms kept them, so the page
    showed the name as typed while a roster file of the same person gave "Dewi Lestari" (the imports' reading,
    `lib.values.parse_text`); a search or an export found two spellings of one name."""
    client.force_login(village_operator)
    added = client.post(
        f"/wilayah/{PENYELADI}/aparat/tambah/",
        {
            "name": "\u200bDewi\u200b  Lestari\ufeff",
            "birth_date": "17/08/1980",
            "sex": "P",
            "office": "kasi_pelayanan",
            "term_start": "01/12/2026",
        },
    )
    assert added.status_code == 302
    assert Person.objects.filter(name="Dewi Lestari").count() == 1
    edited = client.post(
        f"/orang/{roster.siti.pk}/ubah/",
        {"nik": roster.siti.nik, "name": "Siti\u200c Aminah\u2060", "birth_date": "05/07/1983", "sex": "P"},
    )
    assert edited.status_code == 302
    assert Person.objects.get(pk=roster.siti.pk).name == "Siti Aminah"


@pytest.mark.django_db
def test_a_dusun_typed_with_two_spaces_is_the_dusun_a_file_names(client, roster, village_operator):
    """A dusun typed on a phone as "Hulu  Hilir" (two spaces) was another seat than the roster file's
    "Hulu Hilir": the dusun got two kepala dusun at once. The form reads it as an import does."""
    client.force_login(village_operator)
    data = {"birth_date": "17/08/1980", "sex": "L", "office": "kepala_dusun", "term_start": "01/12/2026"}
    first = client.post(
        f"/wilayah/{PENYELADI}/aparat/tambah/", {**data, "name": "Dedi Susanto", "unit_name": "Hulu Hilir"}
    )
    assert first.status_code == 302
    second = client.post(
        f"/wilayah/{PENYELADI}/aparat/tambah/",
        {**data, "name": "Agus Salim", "unit_name": " Hulu\u200b  Hilir "},
    )
    assert second.status_code == 200  # the seat is held: refused, not a second kepala dusun of Hulu Hilir
    assert second.context["form"].errors
    assert Position.objects.filter(desa_id=PENYELADI, unit_name__icontains="hilir").count() == 1
