"""An opened round: moving cases by the rules, closing them by evidence, approving the figures.

The round is opened once for the module (tests/monev/rounds.py); opening rounds of other criteria and the
command line are in test_opening.py."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lindungdesa.imports.services import bpjs_import_file
from lindungdesa.indicators.models import RegionFigure, Snapshot
from lindungdesa.indicators.services import snapshot_take
from lindungdesa.lib.months import Month
from lindungdesa.monev import rules
from lindungdesa.monev.models import Agency, Case, CaseEvent, Round
from lindungdesa.monev.services import (
    MonevError,
    case_move,
    cases_assign,
    cases_close_by_evidence,
    cases_move_bulk,
    letters_number,
    round_accept,
    round_confirm_regency,
    round_open,
    round_refreeze,
)
from lindungdesa.regions.models import Region
from tests.imports.conftest import BPJS_HEADER, to_csv
from tests.monev.rounds import (  # noqa: F401  (fixtures)
    TODAY,
    VILLAGES,
    shared_analyst,
    shared_opened,
    shared_roster,
    shared_round,
)
from tests.web.conftest import DALAM_KAUM, MUKOK_DESA, NANGA_BIANG, PENYELADI

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("monev-services-round")]
NOW = Month.of(date.today())  # evidence is looked at in the current month


@pytest.fixture
def province():
    return Region.objects.get(code="61")


def case_of(round_, desa) -> Case:
    return round_.cases.get(desa_id=desa)


def test_opening_gives_a_case_to_each_failing_village_with_its_figures_frozen(opened, roster):
    assert opened.evaluated_month == "2026-03" and opened.criteria == list(rules.DEFAULT_CRITERIA)
    # Every desa fails but Nanga Biang (everyone protected) and Dalam Kaum (its kepala desa protected).
    assert opened.cases.count() == VILLAGES - 2
    assert not opened.cases.filter(desa_id__in=[NANGA_BIANG, DALAM_KAUM]).exists()
    penyeladi = case_of(opened, PENYELADI)
    assert penyeladi.failed == ["below", "arrears", "bpd"]
    assert penyeladi.figures == {
        "aparat_serving": 4,
        "aparat_protected": 1,
        "bpd_serving": 2,
        "bpd_protected": 1,
        "arrears": 1,  # Siti
        "coverage_pct": 33.33,
    }
    assert case_of(opened, MUKOK_DESA).failed == ["nobody", "below"]
    # Five working days to send the letter: 17 March, then (Nyepi and Idulfitri with their joint leave,
    # 18-24 March) 25, 26, 27 and 30 March.
    assert penyeladi.due_date == date(2026, 3, 30)
    assert penyeladi.agency.kind == Agency.Kind.DPMD and penyeladi.agency.region_id == "61.03"
    assert CaseEvent.objects.filter(case=penyeladi, to_state=rules.NEW).get().note.startswith("Dibuka: ")
    # The figures of the round are a frozen copy: a new monthly snapshot does not touch them.
    assert opened.snapshot.kind == Snapshot.Kind.ROUND
    frozen = RegionFigure.objects.get(snapshot=opened.snapshot, region_code="61").aparat_protected
    assert frozen == 3


def test_a_period_is_opened_once_and_criteria_are_checked(opened, province):
    with pytest.raises(MonevError, match="sudah dibuka"):
        round_open(province=province, period="2026-q1", today=TODAY)
    with pytest.raises(MonevError, match="Kriteria tidak dikenal"):
        round_open(province=province, period="2026-Q2", criteria=["rt"], today=date(2026, 4, 1))
    with pytest.raises(MonevError, match="belum dimulai"):
        round_open(province=province, period="2026-Q3", today=TODAY)


def test_a_case_moves_along_its_track_recording_each_step(opened, analyst):
    case = case_of(opened, PENYELADI)
    letter = SimpleUploadedFile("surat-ttd.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    case_move(
        case=case,
        to_state=rules.LETTER_SENT,
        user=analyst,
        note="Dikirim lewat camat",
        attachments=[letter],
        today=TODAY,
    )
    case_move(
        case=case, to_state=rules.BUDGETED, user=analyst, note="APBDes 2027 hal. 12", today=date(2026, 3, 30)
    )
    case.refresh_from_db()
    assert case.state == rules.BUDGETED and case.state_since == date(2026, 3, 30)
    assert case.due_date == date(2026, 4, 28)  # 20 working days (3 April is Good Friday)
    events = list(case.events.order_by("id"))
    assert [(e.from_state, e.to_state) for e in events] == [
        ("", rules.NEW),
        (rules.NEW, rules.LETTER_SENT),
        (rules.LETTER_SENT, rules.BUDGETED),
    ]
    assert events[1].user == analyst and events[1].attachments.get().name == "surat-ttd.pdf"


def test_no_skipping_to_closed_without_evidence_or_a_reason(opened):
    case = case_of(opened, PENYELADI)
    with pytest.raises(MonevError, match="alasan tertulis"):
        case_move(case=case, to_state=rules.CLOSED)
    case_move(case=case, to_state=rules.CLOSED, note="Desa digabung dengan desa tetangga")
    case.refresh_from_db()
    assert case.state == rules.CLOSED and case.closed_at is not None and case.due_date is None
    with pytest.raises(MonevError, match="tidak dapat langsung"):
        case_move(case=case, to_state=rules.LETTER_SENT)


def test_attachments_must_be_documents(opened):
    case = case_of(opened, PENYELADI)
    script = SimpleUploadedFile("virus.exe", b"MZ")
    with pytest.raises(MonevError, match="hanya PDF"):
        case_move(case=case, to_state=rules.LETTER_SENT, attachments=[script])
    case.refresh_from_db()
    assert case.state == rules.NEW and not case.events.filter(to_state=rules.LETTER_SENT).exists()


def test_bulk_moves_move_what_may_move_and_say_why_the_rest_may_not(opened):
    a, b = case_of(opened, PENYELADI), case_of(opened, MUKOK_DESA)
    case_move(case=b, to_state=rules.LETTER_SENT)
    result = cases_move_bulk(cases=[a, b], to_state=rules.LETTER_SENT)
    assert result.moved == 1 and [(c.desa_id, m) for c, m in result.refused] == [
        (MUKOK_DESA, "Kasus sudah berstatus Surat terkirim.")
    ]


def test_cases_are_assigned_to_an_agency_and_a_member(opened, sanggau_operator, analyst):
    from lindungdesa.monev.models import AgencyMember

    bpjs = Agency.objects.get(kind=Agency.Kind.BPJS)
    AgencyMember.objects.create(
        user=sanggau_operator, agency=Agency.objects.get(kind=Agency.Kind.DPMD, region_id="61.03")
    )
    case = case_of(opened, PENYELADI)
    with pytest.raises(MonevError, match="bukan petugas"):
        cases_assign(cases=[case], agency=bpjs, assignee=sanggau_operator)
    cases_assign(cases=[case], agency=bpjs, user=analyst)
    case.refresh_from_db()
    assert case.agency == bpjs and case.events.last().note.startswith("Ditugaskan ke BPJS")


def test_letters_are_numbered_in_order_once(opened):
    a, b = case_of(opened, PENYELADI), case_of(opened, MUKOK_DESA)
    letters_number(cases=[a, b], today=TODAY)
    letters_number(cases=[a], today=TODAY)
    # Both are their regency's DPMD's (new cases are): the office in the number is DPMD (audit6), one series.
    assert (a.letter_number, b.letter_number) == ("400.10/1/DPMD/2026", "400.10/2/DPMD/2026")


def test_a_bpjs_extract_that_shows_the_village_enrolled_moves_its_case(
    opened, roster, django_capture_on_commit_callbacks
):
    case = case_of(opened, MUKOK_DESA)
    row = {h: "" for h in BPJS_HEADER} | {
        "nik": roster.stefanus.nik,
        "nama": "Stefanus Mukok",
        "kpj": "98765432101",
        "program": "JKK,JKM",
        "kategori": "PU",
        "upah": "2426640",
        "tanggal_kepesertaan": "01/03/2026",
        "bulan_iuran_terakhir": str(NOW),
        "status": "AKTIF",
    }
    with django_capture_on_commit_callbacks(execute=True):
        summary = bpjs_import_file(data=to_csv(BPJS_HEADER, [row]), file_name="bpjs-maret.csv", as_of=NOW)
    case.refresh_from_db()
    assert case.state == rules.ENROLLED
    event = case.events.last()
    assert event.evidence == f"Impor #{summary.batch} (bpjs-maret.csv)" and event.user is None
    assert case.figures_after["aparat_protected"] == 1
    # Penyeladi still fails its criteria: untouched. Closing the enrolled case needs no reason.
    assert case_of(opened, PENYELADI).state == rules.NEW
    case_move(case=case, to_state=rules.CLOSED)


def test_a_snapshot_that_shows_a_village_covered_moves_its_case(
    opened, roster, django_capture_on_commit_callbacks
):
    from lindungdesa.enrolment.models import Enrolment

    Enrolment.objects.create(
        person=roster.stefanus,
        programmes="JKK,JKM",
        category="PU",
        start_date=date(2026, 1, 1),
        paid_through=date(2099, 1, 1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        snapshot_take(period=Month.of(date.today()))
    case = case_of(opened, MUKOK_DESA)
    assert case.state == rules.ENROLLED and case.events.last().evidence.startswith("Potret ")
    assert cases_close_by_evidence(evidence="lagi") == 0  # nothing more to move


def test_figures_are_confirmed_by_each_regency_then_accepted_and_locked(opened, analyst, sanggau_operator):
    with pytest.raises(MonevError, match="Belum dikonfirmasi: Kabupaten Sambas"):
        round_accept(round_=opened, user=analyst)
    for regency in Region.objects.filter(parent_id="61"):
        round_confirm_regency(round_=opened, regency=regency, user=sanggau_operator)
    confirmation = opened.confirmations.get(regency_id="61.03")
    assert confirmation.figures["aparat_serving"] == 6 and confirmation.confirmed_by == sanggau_operator
    accepted = round_accept(round_=opened, user=analyst)
    assert accepted.state == Round.State.ACCEPTED and accepted.accepted_by == analyst
    with pytest.raises(MonevError, match="dikunci"):
        round_refreeze(round_=accepted)
    with pytest.raises(MonevError, match="dikunci"):
        round_confirm_regency(round_=accepted, regency=Region.objects.get(code="61.03"))


def test_refreezing_takes_the_figures_again_and_asks_for_new_confirmations(opened, roster):
    from lindungdesa.enrolment.models import Enrolment

    round_confirm_regency(round_=opened, regency=Region.objects.get(code="61.03"))
    Enrolment.objects.create(
        person=roster.stefanus,
        programmes="JKK,JKM",
        category="PU",
        start_date=date(2026, 1, 1),
        paid_through=date(2099, 1, 1),
    )
    old = opened.snapshot_id
    round_refreeze(round_=opened)
    opened.refresh_from_db()
    assert opened.snapshot_id != old and not Snapshot.objects.filter(pk=old).exists()
    assert not opened.confirmations.exists()
    assert RegionFigure.objects.get(snapshot=opened.snapshot, region_code="61").aparat_protected == 4
