"""Who may do what with a case (issue 18): numbering a letter is a POST by a letter sender, a GET only
downloads; a village operator does not assign; notes and attachments follow the rights to the people."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from lindungdesa.accounts.models import AuditEntry, User
from lindungdesa.monev import rules
from lindungdesa.monev.letters import letter_data
from lindungdesa.monev.models import Agency, Case, CaseAttachment, CaseEvent, Round
from lindungdesa.monev.services import round_open
from lindungdesa.regions.models import Region
from tests.monev.test_pages import pdf_text
from tests.shared import shared
from tests.web.conftest import PENYELADI, make_user, roster_make

# The roster, the users and the round are made once for the module (`_round`), in one test process; each
# test gets them fresh from the database, and what it writes is undone.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("monev-rights")]

TODAY = date(2026, 3, 16)
USERS = {
    "analyst": ("dewi", User.Role.PROVINCE_ANALYST, "61", "Dewi"),
    "sanggau_operator": ("rudi", User.Role.REGENCY_OPERATOR, "61.03", "Rudi"),
    "village_operator": ("yanti", User.Role.VILLAGE_OPERATOR, PENYELADI, "Yanti"),
    "viewer": ("peninjau", User.Role.VIEWER, "61.03", "Peninjau"),
    "association": ("asosiasi", User.Role.ASSOCIATION_OFFICER, "61", "Asosiasi"),
}


@pytest.fixture(scope="module")
def _round(django_db_setup, django_db_blocker):
    """The hand-made roster (tests/web/conftest.py), the users above and the analyst's round of 2026-Q1:
    (user ids by fixture name, round id)."""

    def build():
        roster_make()
        users = {name: make_user(*values) for name, values in USERS.items()}
        province = Region.objects.get(code="61")
        round_ = round_open(province=province, period="2026-Q1", user=users["analyst"], today=TODAY)
        return {name: user.pk for name, user in users.items()}, round_.pk

    yield from shared(django_db_blocker, build)


@pytest.fixture
def analyst(_round) -> User:
    return User.objects.get(pk=_round[0]["analyst"])


@pytest.fixture
def sanggau_operator(_round) -> User:
    return User.objects.get(pk=_round[0]["sanggau_operator"])


@pytest.fixture
def village_operator(_round) -> User:
    return User.objects.get(pk=_round[0]["village_operator"])


@pytest.fixture
def viewer(_round) -> User:
    return User.objects.get(pk=_round[0]["viewer"])


@pytest.fixture
def association(_round) -> User:
    return User.objects.get(pk=_round[0]["association"])


@pytest.fixture
def opened(_round) -> Round:
    return Round.objects.get(pk=_round[1])


@pytest.fixture
def case(opened) -> Case:
    return opened.cases.select_related("round").get(desa_id=PENYELADI)


def exports_of(user: User) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(user=user, action=AuditEntry.Action.EXPORT).order_by("id"))


# Letters ---------------------------------------------------------------------------------------------------


def test_downloading_a_letter_numbers_nothing(client, analyst, case):
    """A GET (a link, or an <img> on another site) gives the letter as it stands: a draft until numbered."""
    client.force_login(analyst)
    response = client.get(f"/monev/kasus/{case.pk}/surat.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "-draf.pdf" in response["Content-Disposition"]
    assert "DRAF, belum bernomor" in " ".join(pdf_text(response.content).split())
    case.refresh_from_db()
    case.round.refresh_from_db()
    assert case.letter_number == "" and case.round.letters_issued == 0


def test_a_letter_sender_numbers_a_letter_with_a_post_and_its_csrf_token(analyst, case):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(analyst)
    url = f"/monev/kasus/{case.pk}/"
    assert browser.post(url, {"form": "nomor-surat"}).status_code == 403  # no token: refused
    case.refresh_from_db()
    assert case.letter_number == ""
    page = browser.get(url)
    assert 'value="nomor-surat"' in page.content.decode()
    token = page.cookies["csrftoken"].value
    response = browser.post(url, {"form": "nomor-surat", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.letter_number == "400.10/1/DPMD/2026"
    # Numbered once: asking again keeps the number and gives no new one.
    browser.post(url, {"form": "nomor-surat", "csrfmiddlewaretoken": token})
    case.refresh_from_db()
    case.round.refresh_from_db()
    assert case.letter_number == "400.10/1/DPMD/2026" and case.round.letters_issued == 1
    text = " ".join(pdf_text(browser.get(f"{url}surat.pdf").content).split())
    assert "400.10/1/DPMD/2026" in text and "DRAF" not in text


def test_a_village_operator_may_download_its_letter_but_not_number_it(client, village_operator, case):
    client.force_login(village_operator)
    html = client.get(f"/monev/kasus/{case.pk}/").content.decode()
    assert 'value="nomor-surat"' not in html and f"/monev/kasus/{case.pk}/surat.pdf" in html
    assert client.post(f"/monev/kasus/{case.pk}/", {"form": "nomor-surat"}).status_code == 403
    case.refresh_from_db()
    assert case.letter_number == ""
    assert client.get(f"/monev/kasus/{case.pk}/surat.pdf").status_code == 200


def test_bulk_printing_numbers_by_a_post_for_letter_senders_only(client, analyst, sanggau_operator, opened):
    bpjs = make_user("bpjs", User.Role.BPJS_OFFICER, "61.03", "BPJS")
    case = opened.cases.get(desa_id=PENYELADI)
    client.force_login(bpjs)
    html = client.get(f"/monev/{opened.pk}/").content.decode()
    assert 'value="surat"' not in html
    assert client.post(f"/monev/{opened.pk}/", {"cases": [case.pk], "action": "surat"}).status_code == 403
    client.force_login(sanggau_operator)
    response = client.post(f"/monev/{opened.pk}/", {"cases": [case.pk], "action": "surat"})
    assert response["Content-Type"] == "application/pdf"
    case.refresh_from_db()
    assert case.letter_number == "400.10/1/DPMD/2026"


# Assignment ------------------------------------------------------------------------------------------------


def test_a_village_operator_cannot_assign_cases(client, village_operator, case, opened):
    bpjs = Agency.objects.get(kind=Agency.Kind.BPJS)
    before = case.agency_id
    client.force_login(village_operator)
    html = client.get(f"/monev/kasus/{case.pk}/").content.decode()
    assert 'value="tugaskan"' not in html  # neither the form on the case page ...
    assert 'value="tugaskan"' not in client.get(f"/monev/{opened.pk}/").content.decode()  # ... nor in bulk
    assert client.post(f"/monev/kasus/{case.pk}/", {"form": "tugaskan", "agency": bpjs.pk}).status_code == 403
    response = client.post(
        f"/monev/{opened.pk}/", {"cases": [case.pk], "action": "tugaskan", "agency": bpjs.pk}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.agency_id == before and not case.events.filter(note__startswith="Ditugaskan").exists()


def test_regency_staff_assign_cases(client, sanggau_operator, case, opened):
    bpjs = Agency.objects.get(kind=Agency.Kind.BPJS)
    client.force_login(sanggau_operator)
    assert 'value="tugaskan"' in client.get(f"/monev/kasus/{case.pk}/").content.decode()
    client.post(f"/monev/{opened.pk}/", {"cases": [case.pk], "action": "tugaskan", "agency": bpjs.pk})
    case.refresh_from_db()
    assert case.agency_id == bpjs.pk


def test_regency_staff_give_cases_only_to_their_own_dpmd_or_the_province_agencies(
    client, sanggau_operator, analyst, case, opened
):
    """audit5: the bulk form offered every regency's DPMD, and a Sanggau case given to Sambas's DPMD left
    both regencies' queues (the case page offers only the province's agencies and the desa's DPMD)."""
    sambas = Agency.objects.get(kind=Agency.Kind.DPMD, region_id="61.01")
    sanggau = Agency.objects.get(kind=Agency.Kind.DPMD, region_id="61.03")
    before = case.agency_id
    client.force_login(sanggau_operator)
    page = client.get(f"/monev/{opened.pk}/").content.decode()
    assert sanggau.name in page and sambas.name not in page
    client.post(f"/monev/{opened.pk}/", {"cases": [case.pk], "action": "tugaskan", "agency": sambas.pk})
    case.refresh_from_db()
    assert case.agency_id == before
    # The province picks any DPMD, but a regency's DPMD takes only the cases of its own regency.
    client.force_login(analyst)
    elsewhere = opened.cases.filter(desa__code__startswith="61.01.").first()
    response = client.post(
        f"/monev/{opened.pk}/",
        {"cases": [case.pk, elsewhere.pk], "action": "tugaskan", "agency": sambas.pk},
        follow=True,
    )
    case.refresh_from_db()
    elsewhere.refresh_from_db()
    assert elsewhere.agency_id == sambas.pk and case.agency_id == before
    assert "1 kasus tidak ditugaskan" in response.content.decode()


# Notes and attachments -------------------------------------------------------------------------------------


@pytest.fixture
def noted(case, sanggau_operator) -> CaseAttachment:
    event = CaseEvent.objects.create(
        case=case,
        from_state=rules.NEW,
        to_state=rules.ENROLLED,
        note="KPJ 12345678901 terbit untuk Siti Aminah, lahir 05-07-1983",
        user=sanggau_operator,
    )
    item = CaseAttachment(event=event, name="kartu-siti.pdf", size=8)
    item.file.save("kartu-siti.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return item


@pytest.mark.parametrize("role", ["viewer", "association"])
def test_notes_and_attachments_are_not_for_the_aggregate_roles(client, request, case, noted, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    response = client.get(f"/monev/kasus/{case.pk}/")
    html = response.content.decode()
    assert response.status_code == 200 and rules.STATES[rules.ENROLLED] in html  # the progress, yes
    for secret in ("Siti Aminah", "12345678901", "8901", "kartu-siti.pdf", f"/monev/lampiran/{noted.pk}/"):
        assert secret not in html
    assert "surat.pdf" not in html and 'value="nomor-surat"' not in html
    assert client.get(f"/monev/lampiran/{noted.pk}/").status_code == 403
    assert client.get(f"/monev/kasus/{case.pk}/surat.pdf").status_code == 403
    detail = client.get(f"/api/cases/{case.pk}/").json()
    assert [e["note"] for e in detail["events"]] == [None, None]
    assert exports_of(user) == []


def test_an_analyst_reads_notes_with_numbers_and_dates_masked(client, analyst, case, noted):
    client.force_login(analyst)
    html = client.get(f"/monev/kasus/{case.pk}/").content.decode()
    assert "Siti Aminah" in html and "12345678901" not in html and "05-07-1983" not in html
    note = client.get(f"/api/cases/{case.pk}/").json()["events"][1]["note"]
    assert "Siti Aminah" in note and "12345678901" not in note and "05-07-1983" not in note


def test_an_operator_reads_notes_whole_but_a_nik_masked_on_the_page(client, sanggau_operator, case, noted):
    client.force_login(sanggau_operator)
    html = client.get(f"/monev/kasus/{case.pk}/").content.decode()
    assert "KPJ 12345678901 terbit untuk Siti Aminah, lahir 05-07-1983" in html and "kartu-siti.pdf" in html
    # Pages show NIKs masked to everyone (docs/security.md); the API whole to a role with the right.
    CaseEvent.objects.filter(pk=noted.event_id).update(note="NIK Siti 6103014507830001 sudah benar")
    html = client.get(f"/monev/kasus/{case.pk}/").content.decode()
    assert "6103014507830001" not in html and "NIK Siti ************0001 sudah benar" in html
    note = client.get(f"/api/cases/{case.pk}/").json()["events"][1]["note"]
    assert note == "NIK Siti 6103014507830001 sudah benar"


# Every download is audited -----------------------------------------------------------------------------


def test_letters_and_attachments_are_audited(client, analyst, sanggau_operator, case, noted, opened):
    client.force_login(sanggau_operator)
    client.get(f"/monev/kasus/{case.pk}/surat.pdf")
    client.get(f"/monev/lampiran/{noted.pk}/")
    client.post(f"/monev/{opened.pk}/", {"cases": [case.pk], "action": "surat"})
    letter, attachment, bulk = exports_of(sanggau_operator)
    named = letter_data([case])[0].missing  # the people the letter names: those not protected this month
    assert named >= 4  # Siti, Ahmad, Yohanes and Antonius at least (tests/web/conftest.py)
    assert (letter.region_code, letter.after["rows"], letter.after["masked"]) == (PENYELADI, named, False)
    assert letter.after["file_name"].endswith("-draf.pdf") and "Surat monev" in letter.note
    assert (attachment.region_code, attachment.after["file_name"]) == (PENYELADI, "kartu-siti.pdf")
    assert (bulk.region_code, bulk.after["rows"]) == (PENYELADI, named)
    client.force_login(analyst)
    client.get(f"/monev/kasus/{case.pk}/surat.pdf")
    assert exports_of(analyst)[0].after["masked"] is True
