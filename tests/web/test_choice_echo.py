"""A value outside a choice field's choices is never shown back: a forged desa code or NIK sent in place of
a choice would otherwise come back whole in Django's "Pilih pilihan yang valid. X bukan salah satu …". The
page names the field to choose again instead, and every form of the project says so the same way."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

import lindungdesa
from lindungdesa.lib.forms import ChoiceAgain
from tests.web.conftest import NANGA_BIANG, PENYELADI
from tests.web.roster_once import fresh_roster, module_roster  # noqa: F401  (fixtures: made once)

pytestmark = pytest.mark.django_db

FORGED_NIK = "6103014708920077"
ECHO = "bukan salah satu"


def project_forms() -> list[type]:
    """Every form class defined in the project's modules (not the tests', not Django's)."""
    found = []
    for info in pkgutil.walk_packages(lindungdesa.__path__, "lindungdesa."):
        if ".migrations" in info.name or ".management" in info.name or info.name.endswith("settings"):
            continue
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def test_every_form_of_the_project_names_the_field_instead_of_echoing_the_value():
    forms_found = project_forms()
    assert len(forms_found) > 15
    missing = [
        f"{cls.__module__}.{cls.__qualname__}" for cls in forms_found if not issubclass(cls, ChoiceAgain)
    ]
    assert missing == []


def test_a_forged_desa_in_the_village_operators_upload_is_not_shown_back(client, village_operator):
    client.force_login(village_operator)
    response = client.post(
        "/impor/",
        {
            "jenis": "roster",
            "berkas": SimpleUploadedFile("d.csv", b"nik;nama\n"),
            "desa": NANGA_BIANG,
            "uji_coba": "on",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert NANGA_BIANG not in html
    assert ECHO not in html
    assert "Pilih lagi “Desa” dari daftar." in html


def test_a_forged_office_in_the_add_form_is_not_shown_back(client, village_operator, roster):
    client.force_login(village_operator)
    response = client.post(
        f"/wilayah/{PENYELADI}/aparat/tambah/",
        {"nik": FORGED_NIK, "name": "Theresia Wulan", "sex": FORGED_NIK[::-1], "office": FORGED_NIK},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert FORGED_NIK[::-1] not in html
    assert ECHO not in html
    assert "Pilih lagi “Jabatan” dari daftar." in html
    assert "Pilih lagi “Jenis kelamin” dari daftar." in html


def test_a_forged_choice_in_a_multiple_choice_field_is_not_shown_back():
    class Form(ChoiceAgain, forms.Form):
        many = forms.MultipleChoiceField(label="Kriteria", choices=[("a", "A")])
        typed = forms.TypedChoiceField(label="Tahun", coerce=int, choices=[(2026, "2026")])

    form = Form({"many": ["a", FORGED_NIK], "typed": FORGED_NIK})
    assert not form.is_valid()
    assert form.errors == {
        "many": ["Pilih lagi “Kriteria” dari daftar."],
        "typed": ["Pilih lagi “Tahun” dari daftar."],
    }


def test_a_forms_own_message_that_echoes_nothing_is_kept():
    class Form(ChoiceAgain, forms.Form):
        reason = forms.ChoiceField(label="Alasan", choices=[("a", "A")])

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["reason"].error_messages["invalid_choice"] = "Pilih alasan dari daftar."

    form = Form({"reason": FORGED_NIK})
    assert form.errors == {"reason": ["Pilih alasan dari daftar."]}


def test_a_forged_period_is_cut_to_the_length_of_a_month_when_shown_back(client, village_operator, roster):
    client.force_login(village_operator)
    for url in (f"/wilayah/{PENYELADI}/", f"/rekonsiliasi/{PENYELADI}/"):
        html = client.get(url, {"periode": FORGED_NIK}).content.decode()
        assert FORGED_NIK not in html
        assert "Periode “6103014…” tidak dikenal." in html


def test_a_forged_extract_month_is_cut_to_the_length_of_a_month_when_shown_back(client, sanggau_operator):
    client.force_login(sanggau_operator)
    response = client.post(
        "/impor/",
        {"jenis": "bpjs", "berkas": SimpleUploadedFile("b.csv", b"nik;nama\n"), "bulan": FORGED_NIK},
    )
    html = response.content.decode()
    # The month is a text input: what was typed stays in it, but the message does not repeat it whole.
    assert f"“{FORGED_NIK}”" not in html
    assert "Bulan “6103014…” tidak dikenal." in html


def test_a_forged_choice_in_the_worklist_names_the_field_by_its_label(client, sanggau_operator):
    client.force_login(sanggau_operator)
    html = client.get("/wilayah/61.03/tindak-lanjut/", {"daftar": FORGED_NIK}).content.decode()
    assert FORGED_NIK not in html
    assert "Pilih lagi “Daftar” dari daftar." in html


def test_a_forged_budget_year_is_cut_to_the_length_of_a_year_when_shown_back(client, sanggau_operator):
    client.force_login(sanggau_operator)
    html = client.get("/anggaran/61.03/", {"tahun": FORGED_NIK}).content.decode()
    assert FORGED_NIK not in html
    assert "bukan &#x27;6103…&#x27;" in html


def test_a_field_without_a_label_is_not_named_by_its_code_name():
    class Form(ChoiceAgain, forms.Form):
        urut = forms.ChoiceField(choices=[("nama", "Nama")])

    assert Form({"urut": FORGED_NIK}).errors == {"urut": ["Pilih lagi dari daftar."]}
