"""audit6: a letter (and its WhatsApp text) of a case the regency's DPMD follows up, as new cases are, is the
DPMD's: its kop, number, signature and copies name the regency's office and "Bupati Sanggau", not the
province's DPMPD and "Bupati/Wali Kota Kabupaten Sanggau". A case given to the DPMPD keeps the province's."""

import pytest

from lindungdesa.monev.letters import letters_html, regency_head, whatsapp_text
from lindungdesa.monev.models import Agency, Case
from lindungdesa.monev.services import cases_assign, letters_number
from lindungdesa.regions.models import Region
from tests.monev.rounds import (  # noqa: F401  (fixtures)
    TODAY,
    shared_analyst,
    shared_opened,
    shared_roster,
    shared_round,
)
from tests.web.conftest import MUKOK_DESA, PENYELADI

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("monev-audit6-letters")]


def case_of(round_, desa) -> Case:
    return round_.cases.select_related("round__province", "agency").get(desa_id=desa)


def text(html: str) -> str:
    return " ".join(html.split())


def test_a_regencys_letter_is_its_own(opened, roster):
    case = case_of(opened, PENYELADI)
    assert case.agency.kind == Agency.Kind.DPMD and case.agency.name == "DPMD Kabupaten Sanggau"
    letter = text(letters_html([case], today=TODAY))
    assert "PEMERINTAH KABUPATEN SANGGAU" in letter and "PEMERINTAH PROVINSI" not in letter
    assert "DINAS PEMBERDAYAAN MASYARAKAT DAN DESA" in letter
    assert "400.10/1/DPMD/2026" in letter and "/DPMPD/" not in letter
    assert "Kepala DPMD Kabupaten Sanggau <br>" in letter or "Kepala DPMD Kabupaten Sanggau<br>" in letter
    assert "Kepala DPMPD<br>" not in letter
    assert (
        "Tembusan:<br>1. Bupati Sanggau;<br>2. Kepala DPMPD Provinsi Kalimantan Barat;<br>"
        "3. Kepala Kantor Cabang BPJS Ketenagakerjaan;<br>4. Camat Kapuas." in letter
    )
    assert "Bupati/Wali Kota" not in letter
    assert "pendaftaran kepada kami" in letter  # the evidence goes back to the sender
    message = whatsapp_text(case_of(opened, PENYELADI))
    assert message.endswith("Terima kasih. — DPMD Kabupaten Sanggau")
    assert "Surat resmi nomor 400.10/1/DPMD/2026." in message


def test_a_case_given_to_the_province_has_the_provinces_letter(opened, roster, analyst):
    dpmpd = Agency.objects.get(kind=Agency.Kind.DPMPD, region_id="61")
    cases_assign(cases=[case_of(opened, PENYELADI)], agency=dpmpd, user=analyst)
    case = case_of(opened, PENYELADI)
    [case] = letters_number(cases=[case], today=TODAY)
    assert case.letter_number == "400.10/1/DPMPD/2026"
    letter = text(letters_html([case], today=TODAY))
    assert "PEMERINTAH PROVINSI KALIMANTAN BARAT" in letter
    assert "DINAS PEMBERDAYAAN MASYARAKAT DAN PEMERINTAHAN DESA" in letter
    assert "Tembusan:<br>1. Bupati Sanggau;<br>2. Kepala DPMD Kabupaten Sanggau;<br>" in letter
    assert "pendaftaran kepada DPMD Kabupaten Sanggau" in letter
    assert whatsapp_text(case).endswith("Terima kasih. — DPMPD Kalimantan Barat")


def test_several_letters_each_name_their_own_regency(opened, roster):
    cases = [case_of(opened, PENYELADI), case_of(opened, MUKOK_DESA)]
    letter = text(letters_html(cases, today=TODAY))
    for case in cases:
        regency = Region.objects.get(code=case.desa_id[:5]).name
        assert f"PEMERINTAH {regency.upper()}" in letter
        assert f"1. {regency_head(regency)};" in letter


@pytest.mark.parametrize(
    ("code", "head"),
    [("61.03", "Bupati Sanggau"), ("61.71", "Wali Kota Pontianak"), ("61.72", "Wali Kota Singkawang")],
)
def test_the_head_of_a_regency_or_city_by_title(code, head):
    regency = Region.objects.get(code=code)
    assert regency.kind == ("kota" if head.startswith("Wali Kota") else "kabupaten")
    assert regency_head(regency.name) == head
