"""Monitoring rounds: open one, move its cases, assign them, close them by evidence, approve the figures."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungdesa.accounts.permissions import PERSONAL_EXPORT, can
from lindungdesa.indicators.models import RegionFigure
from lindungdesa.indicators.services import snapshot_freeze
from lindungdesa.lib.inserts import insert
from lindungdesa.lib.months import Month
from lindungdesa.regions.models import Region

from . import rules
from .deadlines import add_working_days
from .models import Agency, Case, CaseAttachment, CaseEvent, RegencyConfirmation, Round
from .selectors import desa_states

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# What a case's attachment may be (a signed letter, a photographed APBDes page), by name and by its first
# bytes, so that a renamed spreadsheet is refused too. The page's file input accepts the same names.
ATTACHMENT_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}
ATTACHMENT_TYPES = tuple(ATTACHMENT_SIGNATURES)


class MonevError(ValueError):
    """A request the monitoring rules refuse, with the reason in Indonesian."""


def today_local() -> date:
    return timezone.localdate()


def agencies_ensure(province: Region) -> dict[tuple[str, str], Agency]:
    """The DPMPD, BPJS TK branch and association of a province, a DPMD per kabupaten/kota; made if missing."""
    wanted = [
        (Agency.Kind.DPMPD, province, f"DPMPD {province.name}"),
        (Agency.Kind.BPJS, province, f"BPJS Ketenagakerjaan wilayah {province.name}"),
        (Agency.Kind.ASSOCIATION, province, f"Asosiasi pemerintah desa {province.name}"),
    ]
    for regency in Region.objects.filter(parent=province).order_by("code"):
        wanted.append((Agency.Kind.DPMD, regency, f"DPMD {regency.name}"))
    existing = {
        (a.kind, a.region_id): a for a in Agency.objects.filter(region__code__startswith=province.code)
    }
    for kind, region, name in wanted:
        if (kind, region.code) not in existing:
            existing[(kind, region.code)] = Agency.objects.create(kind=kind, region=region, name=name)
    return existing


def _due(round_: Round, state: str, since: date) -> date | None:
    days = round_.deadline_days(state)
    return add_working_days(since, days) if days else None


@transaction.atomic
def round_open(
    *,
    province: Region,
    period: str,
    criteria: Iterable[str] | None = None,
    threshold: Decimal = rules.DEFAULT_THRESHOLD,
    user=None,
    today: date | None = None,
) -> Round:
    """Open a round: freeze the figures of the evaluated month, and open a case for each desa that fails.

    Each case is assigned to the DPMD of its kabupaten/kota and carries the figures that made it fail.
    """
    if province.level != 1:
        raise MonevError(_("Putaran monev dibuka untuk satu provinsi."))
    today = today or today_local()
    try:
        parsed = rules.parse_round_period(period)
    except ValueError as exc:
        raise MonevError(str(exc)) from None
    if parsed.first > Month.of(today):
        raise MonevError(_("Periode %(period)s belum dimulai.") % {"period": parsed.label})
    chosen = tuple(criteria) if criteria else rules.DEFAULT_CRITERIA
    unknown = [c for c in chosen if c not in rules.CRITERIA]
    if unknown:
        raise MonevError(_("Kriteria tidak dikenal: %(unknown)s.") % {"unknown": ", ".join(unknown)})
    if not Decimal(0) <= Decimal(threshold) <= Decimal(100):
        raise MonevError(_("Ambang cakupan harus antara 0 dan 100 %."))
    if Round.objects.filter(province=province, period=parsed.label).exists():
        raise MonevError(
            _("Putaran %(period)s untuk %(province)s sudah dibuka.")
            % {"period": parsed.label, "province": province.name}
        )
    month = parsed.evaluation_month(Month.of(today))
    snapshot = snapshot_freeze(period=month, province=province.code, user=user)
    round_ = Round.objects.create(
        province=province,
        period=parsed.label,
        evaluated_month=str(month),
        criteria=list(chosen),
        threshold=Decimal(threshold),
        deadlines=dict(rules.DEFAULT_DEADLINES),
        opened_by=user,
        snapshot=snapshot,
    )
    agencies = agencies_ensure(province)
    fallback = agencies[(Agency.Kind.DPMPD, province.code)]
    due = _due(round_, rules.NEW, today)
    cases = []
    for desa, state in sorted(desa_states(province.code, month).items()):
        failed = rules.failing(state, chosen, Decimal(threshold))
        if not failed:
            continue
        regency = ".".join(desa.split(".")[:2])
        cases.append(
            Case(
                round=round_,
                desa_id=desa,
                failed=failed,
                figures=state.as_dict(),
                agency=agencies.get((Agency.Kind.DPMD, regency), fallback),
                state=rules.NEW,
                state_since=today,
                due_date=due,
            )
        )
    # A round opens a case for each failing desa of the province, some 2,000: written by lib/inserts.py,
    # which takes half the CPU of bulk_create for them (docs/benchmarks.md).
    insert(Case, cases)
    events = [
        CaseEvent(case=case, to_state=rules.NEW, user=user, note="Dibuka: " + "; ".join(case.failed_labels))
        for case in Case.objects.filter(round=round_)
    ]
    insert(CaseEvent, events)
    return round_


def _save_attachments(event: CaseEvent, files: Iterable[UploadedFile]) -> None:
    for f in files:
        name = (f.name or "lampiran").rsplit("/", 1)[-1][:200]
        suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if suffix not in ATTACHMENT_SIGNATURES:
            raise MonevError(
                _("Lampiran %(name)s tidak diterima: hanya PDF atau gambar JPG/PNG.") % {"name": name}
            )
        if f.size > MAX_ATTACHMENT_BYTES:
            raise MonevError(_("Lampiran %(name)s lebih dari 10 MB.") % {"name": name})
        f.seek(0)
        head = f.read(16)
        f.seek(0)
        if not head.startswith(ATTACHMENT_SIGNATURES[suffix]):
            raise MonevError(
                _("Lampiran %(name)s bukan berkas %(kind)s yang utuh: unggah PDF atau gambar JPG/PNG.")
                % {"name": name, "kind": suffix[1:].upper()}
            )
        CaseAttachment.objects.create(event=event, file=f, name=name, size=f.size)


def _after_figures(case: Case) -> dict:
    month = Month.of(today_local())
    state = desa_states(case.desa_id, month).get(case.desa_id)
    return state.as_dict() if state else {}


@transaction.atomic
def case_move(
    *,
    case: Case,
    to_state: str,
    user=None,
    note: str = "",
    evidence: str = "",
    attachments: Iterable[UploadedFile] = (),
    today: date | None = None,
) -> CaseEvent:
    """Move one case to another state, by the rules (rules.check_move), recording who, when and why."""
    case = Case.objects.select_for_update().select_related("round").get(pk=case.pk)
    attachments = list(attachments)
    if attachments and user is not None and not can(user, PERSONAL_EXPORT, case.desa_id):
        # An attachment is a person-level file (accounts/downloads.py): only who may download it adds one.
        raise MonevError(_("Lampiran hanya dapat ditambahkan oleh peran yang dapat mengunduhnya."))
    try:
        rules.check_move(case.state, to_state, note=note, evidence=evidence)
    except rules.MoveRefused as exc:
        raise MonevError(str(exc)) from None
    today = today or today_local()
    event = CaseEvent.objects.create(
        case=case,
        from_state=case.state,
        to_state=to_state,
        note=note.strip(),
        evidence=evidence[:300],
        user=user,
    )
    _save_attachments(event, attachments)
    case.state = to_state
    case.state_since = today
    case.due_date = _due(case.round, to_state, today) if to_state in rules.OPEN_STATES else None
    if to_state in (rules.ENROLLED, rules.CLOSED):
        case.figures_after = _after_figures(case)
    case.closed_at = timezone.now() if to_state == rules.CLOSED else None
    case.save()
    return event


@dataclass
class BulkResult:
    moved: int = 0
    refused: list[tuple[Case, str]] = field(default_factory=list)


def cases_move_bulk(*, cases: Iterable[Case], to_state: str, user=None, note: str = "") -> BulkResult:
    """The same move for many villages; each case is moved or refused on its own, with the reason."""
    result = BulkResult()
    for case in cases:
        try:
            case_move(case=case, to_state=to_state, user=user, note=note)
        except MonevError as exc:
            result.refused.append((case, str(exc)))
        else:
            result.moved += 1
    return result


@transaction.atomic
def cases_assign(*, cases: Iterable[Case], agency: Agency | None, assignee=None, user=None) -> int:
    """Give cases to an agency and (optionally) a person of it; recorded on each case."""
    if assignee is not None:
        membership = getattr(assignee, "agency_membership", None)
        if agency is None or membership is None or membership.agency_id != agency.pk:
            raise MonevError(
                _("%(assignee)s bukan petugas %(agency)s.")
                % {"assignee": assignee, "agency": agency or _("instansi itu")}
            )
    count = 0
    for case in cases:
        case.agency = agency
        case.assignee = assignee
        case.save(update_fields=["agency", "assignee"])
        who = f"{agency}" + (f" / {assignee.get_full_name() or assignee.username}" if assignee else "")
        CaseEvent.objects.create(case=case, user=user, note=_("Ditugaskan ke %(who)s.") % {"who": who})
        count += 1
    return count


@transaction.atomic
def letters_number(*, cases: list[Case], today: date | None = None) -> list[Case]:
    """Give each case without one a letter number (the round's format, numbered in order) and date.

    A change of state: pages call it only on a POST (docs/monev.md); downloading a letter never does."""
    today = today or today_local()
    wanted = [case for case in cases if not case.letter_number]
    if not wanted:
        return cases
    by_round = {
        r.pk: r
        for r in Round.objects.select_for_update().filter(pk__in={c.round_id for c in wanted}).order_by("pk")
    }
    # Read again under the rounds' locks: a number another request gave meanwhile is kept, not replaced.
    given = dict(
        Case.objects.filter(pk__in=[c.pk for c in wanted])
        .exclude(letter_number="")
        .values_list("pk", "letter_number")
    )
    # Each case's agency says who sends its letter (Case.letter_office): read once, where not read already.
    prefetch_related_objects(wanted, "agency")
    for case in wanted:
        if case.pk in given:
            case.refresh_from_db(fields=["letter_number", "letter_date"])
            continue
        round_ = by_round[case.round_id]
        round_.letters_issued += 1
        case.letter_number = round_.letter_number_format.format(
            n=round_.letters_issued, year=today.year, office=case.letter_office
        )
        case.letter_date = today
        case.save(update_fields=["letter_number", "letter_date"])
    for round_ in by_round.values():
        round_.save(update_fields=["letters_issued"])
    return cases


def cases_close_by_evidence(*, evidence: str, today: date | None = None) -> int:
    """Move to *terdaftar* every open case whose village no longer fails the criteria that opened it, saying
    what showed it (an import or a snapshot). Returns the number of cases moved."""
    today = today or today_local()
    month = Month.of(today)
    moved = 0
    waiting = (
        rules.NEW,
        rules.LETTER_SENT,
        rules.BUDGETED,
        rules.ESCALATED_REGENT,
        rules.ESCALATED_KEMENDAGRI,
    )
    for round_ in Round.objects.filter(cases__state__in=waiting).distinct():
        states = desa_states(round_.province_id, month)
        for case in round_.cases.filter(state__in=waiting):
            state = states.get(case.desa_id)
            if state is None:
                continue
            still = rules.failing(state, tuple(case.failed), round_.threshold)
            if still:
                continue
            case_move(
                case=case,
                to_state=rules.ENROLLED,
                note=_("Otomatis: keadaan %(month)s tidak lagi memenuhi kriteria kasus ini.")
                % {"month": month},
                evidence=evidence,
                today=today,
            )
            moved += 1
    return moved


# Approval of the figures ----------------------------------------------------------------------------------


def _figure_dict(figure: RegionFigure) -> dict:
    return {name: getattr(figure, name) for name in RegionFigure.COUNTS}


@transaction.atomic
def round_confirm_regency(
    *, round_: Round, regency: Region, user=None, note: str = ""
) -> RegencyConfirmation:
    """A regency confirms its own figures in the round's frozen snapshot."""
    if round_.state == Round.State.ACCEPTED:
        raise MonevError(_("Angka putaran ini sudah diterima provinsi dan dikunci."))
    if regency.parent_id != round_.province_id:
        raise MonevError(
            _("%(regency)s bukan kabupaten/kota dari provinsi putaran ini.") % {"regency": regency.name}
        )
    figure = RegionFigure.objects.filter(snapshot=round_.snapshot, region_code=regency.code).first()
    confirmation, _created = RegencyConfirmation.objects.update_or_create(
        round=round_,
        regency=regency,
        defaults={"confirmed_by": user, "figures": _figure_dict(figure) if figure else {}, "note": note},
    )
    return confirmation


def regencies_to_confirm(round_: Round) -> list[Region]:
    """Kabupaten/kota with villages (a city made only of kelurahan has nothing to confirm)."""
    with_villages = set(
        RegionFigure.objects.filter(snapshot=round_.snapshot, level=2, villages__gt=0).values_list(
            "region_code", flat=True
        )
    )
    return [
        r
        for r in Region.objects.filter(parent_id=round_.province_id).order_by("code")
        if r.code in with_villages
    ]


@transaction.atomic
def round_accept(*, round_: Round, user=None) -> Round:
    """The province accepts the round's figures once every regency has confirmed them; they are locked."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.state == Round.State.ACCEPTED:
        raise MonevError(_("Angka putaran ini sudah diterima."))
    confirmed = set(round_.confirmations.values_list("regency_id", flat=True))
    missing = [r.name for r in regencies_to_confirm(round_) if r.code not in confirmed]
    if missing:
        raise MonevError(_("Belum dikonfirmasi: %(missing)s.") % {"missing": ", ".join(missing)})
    round_.state = Round.State.ACCEPTED
    round_.accepted_by = user
    round_.accepted_at = timezone.now()
    round_.save(update_fields=["state", "accepted_by", "accepted_at"])
    return round_


@transaction.atomic
def round_refreeze(*, round_: Round, user=None) -> Round:
    """Take the round's figures again (after data were corrected); earlier confirmations no longer hold."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.state == Round.State.ACCEPTED:
        raise MonevError(_("Angka putaran ini sudah diterima dan dikunci."))
    old = round_.snapshot
    round_.snapshot = snapshot_freeze(
        period=Month.parse(round_.evaluated_month), province=round_.province_id, user=user
    )
    round_.save(update_fields=["snapshot"])
    round_.confirmations.all().delete()
    if old is not None:
        old.delete()
    return round_
