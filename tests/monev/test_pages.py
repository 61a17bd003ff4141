"""Monev pages of an opened round: the queue and its bulk actions, a case, letters, approval, scope.

Opening a round from its page is in test_opening_pages.py: the round here is opened once for the module
(tests/monev/rounds.py)."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from lindungdesa.lib.months import Month, month_label_id
from lindungdesa.monev import rules
from lindungdesa.monev.letters import whatsapp_text
from lindungdesa.monev.models import AgencyMember, Case, Round
from lindungdesa.monev.services import regencies_to_confirm, round_confirm_regency
from lindungdesa.regions.models import Region
from tests.monev.rounds import (  # noqa: F401  (fixtures)
    TODAY,
    shared_analyst,
    shared_opened,
    shared_roster,
    shared_round,
)
from tests.web.conftest import DALAM_KAUM, MUKOK_DESA, PENYELADI

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("monev-pages-round")]


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\xa0", " ")


def test_the_round_page_shows_counts_the_report_and_the_queue(client, analyst, opened):
    client.force_login(analyst)
    html = client.get(f"/monev/{opened.pk}/").content.decode()
    assert "Putaran Triwulan I 2026" in html and "2.044" in html  # cases
    assert "Laporan putaran" in html and "Kabupaten Sanggau" in html
    assert (
        f'href="/monev/kasus/{opened.cases.get(desa_id=PENYELADI).pk}/"' in html or "halaman 1 dari" in html
    )


def test_each_user_sees_only_the_cases_of_their_region(client, sanggau_operator, outsider, opened):
    client.force_login(sanggau_operator)
    html = client.get(f"/monev/{opened.pk}/?antrean=semua&status=semua").content.decode()
    codes = set(re.findall(r'class="muted">(61\.\d\d)\.', html))
    assert codes == {"61.03"}
    other = opened.cases.exclude(desa__regency_code="61.03").first()
    assert client.get(f"/monev/kasus/{other.pk}/").status_code == 404
    client.force_login(outsider)
    assert client.get(f"/monev/kasus/{opened.cases.get(desa_id=PENYELADI).pk}/").status_code == 404


def test_the_queue_is_the_users_agency(client, sanggau_operator, opened):
    from lindungdesa.monev.models import Agency

    bpjs = Agency.objects.get(kind=Agency.Kind.BPJS)
    AgencyMember.objects.create(user=sanggau_operator, agency=bpjs)
    case = opened.cases.get(desa_id=PENYELADI)
    case.agency = bpjs
    case.save()
    client.force_login(sanggau_operator)
    html = client.get(f"/monev/{opened.pk}/").content.decode()
    assert f'/monev/kasus/{case.pk}/"' in html and html.count('name="cases" value=') == 1


def test_bulk_moves_report_each_refusal(client, analyst, opened):
    client.force_login(analyst)
    a, b = opened.cases.get(desa_id=PENYELADI), opened.cases.get(desa_id=MUKOK_DESA)
    response = client.post(
        f"/monev/{opened.pk}/",
        {"cases": [a.pk, b.pk], "action": "status", "to_state": rules.CLOSED, "note": ""},
        follow=True,
    )
    html = response.content.decode()
    assert "0 kasus menjadi Ditutup." in html and "hanya dapat ditutup dengan alasan tertulis" in html
    client.post(
        f"/monev/{opened.pk}/", {"cases": [a.pk, b.pk], "action": "status", "to_state": rules.LETTER_SENT}
    )
    assert set(Case.objects.filter(pk__in=[a.pk, b.pk]).values_list("state", flat=True)) == {
        rules.LETTER_SENT
    }


def test_the_queue_sends_back_the_cases_it_shows_whatever_their_number(client, analyst, opened):
    """audit7: a case numbered 1,000 or more was shown as "2.302" (the thousands separator): checked, the
    bulk action refused it ("2.302 bukan salah satu dari pilihan") and moved nothing."""
    client.force_login(analyst)
    html = client.get(f"/monev/{opened.pk}/?antrean=semua&kabupaten=61.12").content.decode()
    shown = re.findall(r'name="cases" value="([^"]+)"', html)[:2]
    assert len(shown) == 2 and all(v.isdigit() for v in shown), shown
    assert max(int(v) for v in shown) >= 1000
    response = client.post(
        f"/monev/{opened.pk}/",
        {"cases": shown, "action": "status", "to_state": rules.LETTER_SENT},
        follow=True,
    )
    assert "2 kasus menjadi Surat terkirim." in response.content.decode()
    assert opened.cases.filter(desa__regency_code="61.12", state=rules.LETTER_SENT).count() == 2


def test_bulk_letters_come_as_one_pdf(client, analyst, opened):
    client.force_login(analyst)
    a, b = opened.cases.get(desa_id=PENYELADI), opened.cases.get(desa_id=MUKOK_DESA)
    response = client.post(f"/monev/{opened.pk}/", {"cases": [a.pk, b.pk], "action": "surat"})
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    flat = " ".join(text.split())
    assert (
        "Yth. Kepala Desa Penyeladi" in flat and "Yth. Kepala Desa Kedukul" in flat
    )  # the desa of Kecamatan Mukok


def test_the_letter_names_who_is_not_protected_and_the_premium_in_words(client, analyst, opened, roster):
    client.force_login(analyst)
    case = opened.cases.get(desa_id=PENYELADI)
    client.post(f"/monev/kasus/{case.pk}/", {"form": "nomor-surat"})
    text = pdf_text(client.get(f"/monev/kasus/{case.pk}/surat.pdf").content)
    case.refresh_from_db()
    assert case.letter_number == "400.10/1/DPMD/2026"
    assert "400.10/1/DPMD/2026" in text
    months = "Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"
    assert re.search(rf"Sanggau, \d{{1,2}} ({months}) 20\d\d", text)  # the DPMD's letter, from its regency
    flat = " ".join(text.split())
    for name in ("Siti Aminah", "Ahmad Fauzi", "Yohanes Apui", "Antonius Ading"):
        assert name in flat
    assert roster.budi.nik not in flat
    assert re.search(r"iurannya Rp[\d.]+ \([A-Z][a-z ]+ rupiah\)", flat)
    assert "Dana Desa tidak dapat digunakan" in flat and "Undang-Undang Nomor 3 Tahun 2024" in flat


def test_a_case_is_taken_from_new_to_closed_on_its_page(client, analyst, opened):
    client.force_login(analyst)
    case = opened.cases.get(desa_id=PENYELADI)
    url = f"/monev/kasus/{case.pk}/"
    letter = SimpleUploadedFile("surat.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    assert (
        client.post(url, {"to_state": rules.LETTER_SENT, "note": "", "lampiran": letter}).status_code == 302
    )
    html = client.post(url, {"to_state": rules.CLOSED, "note": ""}).content.decode()
    assert "alasan tertulis" in html  # refused, with the reason
    client.post(url, {"to_state": rules.BUDGETED, "note": "APBDes 2027"})
    client.post(url, {"to_state": rules.ENROLLED, "note": "KPJ terbit untuk 5 orang"})
    client.post(url, {"to_state": rules.CLOSED, "note": ""})
    case.refresh_from_db()
    assert case.state == rules.CLOSED
    page = client.get(url).content.decode()
    assert "KPJ terbit untuk 5 orang" in page and "surat.pdf" in page
    # The history names both states as the page does (audit5: "surat_terkirim → Dianggarkan").
    assert "Surat terkirim → <span" in page and "surat_terkirim" not in page
    attachment = case.events.get(to_state=rules.LETTER_SENT).attachments.get()
    assert client.get(f"/monev/lampiran/{attachment.pk}/").status_code == 200


def test_an_attachment_is_a_pdf_or_an_image_as_the_label_says(client, analyst, opened):
    """The file input accepts what its label names (PDF/JPG/PNG), and the server refuses anything else,
    a spreadsheet renamed .pdf too, with a message in Indonesian; nothing moves."""
    client.force_login(analyst)
    case = opened.cases.get(desa_id=PENYELADI)
    url = f"/monev/kasus/{case.pk}/"
    html = client.get(url).content.decode()
    assert "PDF/JPG/PNG" in html
    assert re.search(r'<input type="file" name="lampiran"[^>]* accept="\.pdf,\.jpg,\.jpeg,\.png"', html)
    not_taken = "tidak diterima: hanya PDF atau gambar JPG/PNG."
    refused = {
        "anggaran.xlsx": (b"PK\x03\x04 xlsx", f"Lampiran anggaran.xlsx {not_taken}"),
        "surat.docx": (b"PK\x03\x04 docx", f"Lampiran surat.docx {not_taken}"),
        "surat.pdf": (
            b"PK\x03\x04 xlsx",
            "Lampiran surat.pdf bukan berkas PDF yang utuh: unggah PDF atau gambar JPG/PNG.",
        ),
    }
    for name, (content, message) in refused.items():
        upload = SimpleUploadedFile(name, content)
        response = client.post(url, {"to_state": rules.LETTER_SENT, "note": "", "lampiran": upload})
        assert response.status_code == 200
        assert message in response.content.decode(), name
    case.refresh_from_db()
    assert case.state == rules.NEW and not case.events.filter(to_state=rules.LETTER_SENT).exists()
    photo = SimpleUploadedFile("apbdes.JPG", b"\xff\xd8\xff\xe0 jpeg", content_type="image/jpeg")
    response = client.post(url, {"to_state": rules.LETTER_SENT, "note": "", "lampiran": photo})
    assert response.status_code == 302
    assert case.events.get(to_state=rules.LETTER_SENT).attachments.get().name == "apbdes.JPG"


def test_a_village_operator_records_budgeting_but_cannot_close(client, village_operator, opened):
    client.force_login(village_operator)
    case = opened.cases.get(desa_id=PENYELADI)
    url = f"/monev/kasus/{case.pk}/"
    html = client.get(url).content.decode()
    assert f'value="{rules.BUDGETED}"' not in html  # not from "baru"
    case.state = rules.LETTER_SENT
    case.save()
    assert client.post(url, {"to_state": rules.BUDGETED, "note": "Perdes APBDes 2027"}).status_code == 302
    assert client.post(url, {"to_state": rules.CLOSED, "note": "selesai"}).status_code == 200  # not a choice
    case.refresh_from_db()
    assert case.state == rules.BUDGETED


def test_the_whatsapp_text_counts_but_names_nobody(opened, roster):
    case = opened.cases.get(desa_id=PENYELADI)
    text = whatsapp_text(case)
    assert "Kepala Desa Penyeladi" in text and "anggota BPD" in text and "Rp" in text
    # The round as people say it ("November 2026", "Triwulan IV 2026"), not its code ("2026-11").
    assert f"ketenagakerjaan {case.round.period_name}. " in text and case.round.period not in text
    # Its counts are this month's (as the letter's), not the round's: it says which month they are.
    assert f"Menurut data per akhir {month_label_id(Month.of(timezone.localdate()))}, " in text
    for person in (roster.siti, roster.ahmad, roster.budi):
        assert person.name not in text and person.nik not in text


def test_regencies_confirm_their_own_figures_and_the_province_accepts(
    client, analyst, sanggau_operator, opened
):
    client.force_login(sanggau_operator)
    assert client.post(f"/monev/{opened.pk}/konfirmasi/", {"kabupaten": "61.01"}).status_code == 403
    client.post(f"/monev/{opened.pk}/konfirmasi/", {"kabupaten": "61.03"})
    assert opened.confirmations.get().regency_id == "61.03"
    client.force_login(analyst)
    # The disabled button says why it cannot be pressed yet (audit5: it said nothing).
    page = client.get(f"/monev/{opened.pk}/").content.decode()
    waiting = re.search(r"mengonfirmasi angkanya: (\d+) kabupaten/kota belum", page)
    assert waiting and int(waiting[1]) == len(regencies_to_confirm(opened)) - 1
    html = client.post(f"/monev/{opened.pk}/terima/", follow=True).content.decode()
    assert "Belum dikonfirmasi: Kabupaten Sambas" in html
    for regency in Region.objects.filter(parent_id="61"):
        round_confirm_regency(round_=opened, regency=regency)
    assert "kabupaten/kota belum" not in client.get(f"/monev/{opened.pk}/").content.decode()
    html = client.post(f"/monev/{opened.pk}/terima/", follow=True).content.decode()
    assert "diterima dan dikunci" in html
    opened.refresh_from_db()
    assert opened.state == Round.State.ACCEPTED and opened.accepted_by == analyst
    assert client.post(f"/monev/{opened.pk}/terima/").status_code == 302
    client.force_login(sanggau_operator)
    assert client.post(f"/monev/{opened.pk}/terima/").status_code == 403


def test_the_round_report_downloads_as_xlsx(client, analyst, opened):
    client.force_login(analyst)
    response = client.get(f"/monev/{opened.pk}/laporan.xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[2][:4] == ("kode", "kabupaten_kota", "kasus_dibuka", "kasus_ditutup")
    total = rows[-1]
    assert total[1] == "Jumlah" and total[2] == 2044
    assert DALAM_KAUM not in str(rows)


def _round_list_count(html: str, round_: Round) -> str:
    row = html.split(f'href="/monev/{round_.pk}/"')[1].split("</tr>")[0]
    return re.findall(r'<td class="num">([^<]*)</td>', row)[0]


def _round_page_total(html: str) -> str:
    return re.search(r"<h2>Kasus</h2><p class=\"figure-value\">([^<]*)</p>", html).group(1)


@pytest.mark.parametrize("who", ["analyst", "sanggau_operator", "village_operator", "outsider"])
def test_the_round_list_and_the_round_page_count_the_same_cases(client, request, opened, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    listed = _round_list_count(client.get("/monev/").content.decode(), opened)
    total = _round_page_total(client.get(f"/monev/{opened.pk}/").content.decode())
    assert listed == total
    expected = Case.objects.filter(round=opened)
    if user.region_id != "61":
        expected = expected.filter(desa__code__startswith=user.region_id)
    assert listed == f"{expected.count():,}".replace(",", ".")


def test_no_bulk_action_or_confirm_button_for_a_desa_without_cases(client, village_operator, opened):
    opened.cases.filter(desa_id=PENYELADI).delete()
    client.force_login(village_operator)
    html = client.get(f"/monev/{opened.pk}/").content.decode()
    assert _round_page_total(html) == "0"
    assert 'name="action"' not in html and "data-check-all" not in html
    assert "Konfirmasi angka kami" not in html
    assert 'name="kabupaten"' not in html  # one desa: nothing to filter by regency


def test_a_viewer_gets_no_control_it_cannot_use(client, opened):
    from lindungdesa.accounts.models import User
    from tests.web.conftest import make_user

    viewer = make_user("peninjau", User.Role.VIEWER, "61.03", "Peninjau")
    client.force_login(viewer)
    html = client.get(f"/monev/{opened.pk}/?antrean=semua").content.decode()
    assert 'name="cases"' not in html and 'name="action"' not in html
    assert "Konfirmasi angka kami" not in html  # viewers do not confirm a regency's figures


def test_the_round_and_case_forms_offer_no_djangos_dashes_and_no_status_by_default(client, analyst, opened):
    """The agency and officer lists began with Django's "---------", and the queue's "Status baru" was set to
    "Baru": a regency operator who ran "Ubah status" without choosing got "0 kasus menjadi Baru" and one
    "Kasus sudah berstatus Baru" per case, instead of "Pilih status baru." (audit helper, 1366x768)."""
    client.force_login(analyst)
    case = opened.cases.get(desa_id=PENYELADI)
    for url in (f"/monev/{opened.pk}/", f"/monev/kasus/{case.pk}/"):
        html = client.get(url).content.decode()
        assert "---------" not in html, url
    html = client.get(f"/monev/{opened.pk}/").content.decode()
    to_state = html.split('name="to_state"')[1].split("</select>")[0]
    assert re.search(r'<option value="" selected>', to_state), to_state[:300]

    response = client.post(f"/monev/{opened.pk}/", {"cases": [case.pk], "action": "status"}, follow=True)
    html = response.content.decode()
    assert "Pilih status baru." in html and "menjadi Baru" not in html
    assert Case.objects.get(pk=case.pk).state == case.state


def test_a_confirmed_regency_is_offered_a_reconfirmation_and_nothing_once_the_round_is_accepted(
    client, sanggau_operator, opened
):
    """A regency that had confirmed was offered "Konfirmasi angka kami" again, as if it had not (audit5)."""

    client.force_login(sanggau_operator)
    round_confirm_regency(round_=opened, regency=Region.objects.get(code="61.03"), user=sanggau_operator)
    html = client.get(f"/monev/{opened.pk}/").content.decode()
    assert "Konfirmasi angka kami" not in html and "Konfirmasi ulang" in html
    opened.state = Round.State.ACCEPTED
    opened.save(update_fields=["state"])
    html = client.get(f"/monev/{opened.pk}/").content.decode()
    assert "Konfirmasi ulang" not in html and 'name="kabupaten" value="61.03"' not in html
