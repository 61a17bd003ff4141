"""Reconciliation of the roster (who serves) with BPJS data (who is enrolled and paying).

Matching is by NIK first; participants whose NIK matched nobody get match proposals by normalised name and
birth date, for a person to confirm or refuse.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from lindungdesa.lib.months import Month
from lindungdesa.lib.names import name_key
from lindungdesa.lib.nik import nik_check
from lindungdesa.officials.models import Person, Position, serving_on
from lindungdesa.regions.models import under

from .models import Enrolment, MatchProposal, StatusRule, protected_q


def enrolments_link_by_nik() -> int:
    """Give every unmatched participant whose NIK is now on the roster its person. Returns how many."""
    person_id = Person.objects.filter(nik=OuterRef("nik")).values("id")[:1]
    return (
        Enrolment.objects.filter(person__isnull=True)
        .exclude(nik="")
        .filter(Exists(Person.objects.filter(nik=OuterRef("nik"))))
        .update(person_id=Subquery(person_id))
    )


def _birth_date_of(enrolment: Enrolment) -> date | None:
    if enrolment.bpjs_birth_date:
        return enrolment.bpjs_birth_date
    try:
        return nik_check(enrolment.nik).birth_date
    except ValueError:
        return None


def _similar(a: str, b: str) -> str | None:
    if a == b:
        return "nama dan tanggal lahir sama"
    if sorted(a.split()) == sorted(b.split()):
        return "nama (urutan berbeda) dan tanggal lahir sama"
    if SequenceMatcher(None, a, b).ratio() >= 0.85:
        return "nama mirip dan tanggal lahir sama"
    return None


def match_proposals_refresh(*, nik_prefix: str = "") -> int:
    """Propose roster people for participants whose NIK matched nobody; returns how many are new."""
    unmatched = list(
        Enrolment.objects.filter(person__isnull=True, nik__startswith=nik_prefix).only(
            "id", "nik", "bpjs_name", "bpjs_birth_date"
        )
    )
    if not unmatched:
        return 0
    births = {d for d in (_birth_date_of(e) for e in unmatched) if d}
    by_birth: dict[date, list[tuple[int, str]]] = defaultdict(list)
    for pid, name, born in Person.objects.filter(birth_date__in=births).values_list(
        "id", "name", "birth_date"
    ):
        by_birth[born].append((pid, name_key(name)))
    known = set(
        MatchProposal.objects.filter(enrolment__in=unmatched).values_list("enrolment_id", "person_id")
    )
    new = []
    for enrolment in unmatched:
        born = _birth_date_of(enrolment)
        key = name_key(enrolment.bpjs_name)
        for pid, person_key in by_birth.get(born, []):
            reason = _similar(key, person_key) if key else None
            if reason and (enrolment.id, pid) not in known:
                new.append(MatchProposal(enrolment=enrolment, person_id=pid, reason=reason))
    MatchProposal.objects.bulk_create(new, batch_size=2000)
    return len(new)


@transaction.atomic
def match_confirm(*, proposal: MatchProposal, user=None) -> Enrolment:
    proposal = MatchProposal.objects.select_for_update().select_related("enrolment").get(pk=proposal.pk)
    if proposal.state != MatchProposal.State.PROPOSED:
        raise ValueError("Usulan ini sudah diputuskan.")
    enrolment = proposal.enrolment
    enrolment.person_id = proposal.person_id
    enrolment.save(update_fields=["person", "updated_at"])
    now = timezone.now()
    proposal.state, proposal.decided_by, proposal.decided_at = MatchProposal.State.CONFIRMED, user, now
    proposal.save(update_fields=["state", "decided_by", "decided_at"])
    # One participant is one person: the other candidates for it are refused.
    enrolment.proposals.filter(state=MatchProposal.State.PROPOSED).update(
        state=MatchProposal.State.REFUSED, decided_by=user, decided_at=now
    )
    return enrolment


@transaction.atomic
def match_refuse(*, proposal: MatchProposal, user=None) -> None:
    updated = MatchProposal.objects.filter(pk=proposal.pk, state=MatchProposal.State.PROPOSED).update(
        state=MatchProposal.State.REFUSED, decided_by=user, decided_at=timezone.now()
    )
    if not updated:
        raise ValueError("Usulan ini sudah diputuskan.")


# Lists -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    person: Person
    desa_code: str
    desa_name: str
    office: str
    enrolment: Enrolment | None = None
    detail: str = ""


def _serving(code: str, period: Month) -> QuerySet[Position]:
    return Position.objects.filter(serving_on(period.last_day), under(code, "desa__code")).select_related(
        "person", "desa"
    )


def serving_not_enrolled(code: str, period: Month) -> list[Finding]:
    """In office at the end of the period, with no BPJS TK membership started by then."""
    started = Enrolment.objects.filter(person_id=OuterRef("person_id"), start_date__lte=period.last_day)
    rows = _serving(code, period).filter(~Exists(started)).order_by("desa_id", "office")
    return [Finding(p.person, p.desa_id, p.desa.name, p.office_label) for p in rows]


def serving_in_arrears(code: str, period: Month) -> list[Finding]:
    """In office and enrolled, but no membership protects them at the end of the period."""
    rule = StatusRule.for_period(period)
    started = Enrolment.objects.filter(person_id=OuterRef("person_id"), start_date__lte=period.last_day)
    protecting = Enrolment.objects.filter(protected_q(period, rule), person_id=OuterRef("person_id"))
    last_paid = (
        Enrolment.objects.filter(person_id=OuterRef("person_id"))
        .values("person_id")
        .annotate(m=Max("paid_through"))
        .values("m")
    )
    rows = (
        _serving(code, period)
        .filter(Exists(started), ~Exists(protecting))
        .annotate(last_paid=Subquery(last_paid))
        .order_by("desa_id", "office")
    )
    out = []
    for p in rows:
        detail = (
            f"iuran lunas sampai {Month.of(p.last_paid)}" if p.last_paid else "belum pernah membayar iuran"
        )
        out.append(Finding(p.person, p.desa_id, p.desa.name, p.office_label, detail=detail))
    return out


def enrolled_not_serving(code: str, period: Month) -> list[Finding]:
    """Still paid up at the end of the period but holding no office then (last office under `code`)."""
    rule = StatusRule.for_period(period)
    serving = Position.objects.filter(serving_on(period.last_day), person_id=OuterRef("person_id"))
    enrolments = (
        Enrolment.objects.filter(protected_q(period, rule), person__isnull=False)
        .filter(~Exists(serving))
        .select_related("person")
    )
    last_positions = {}
    for position in (
        Position.objects.filter(person_id__in=enrolments.values("person_id"), term_start__lte=period.last_day)
        .filter(under(code, "desa__code"))
        .select_related("desa")
        .order_by("person_id", "term_start")
    ):
        last_positions[position.person_id] = position
    out = []
    for enrolment in enrolments:
        position = last_positions.get(enrolment.person_id)
        if position is None:
            continue
        ended = position.term_end.strftime("%d-%m-%Y") if position.term_end else "-"
        out.append(
            Finding(
                enrolment.person,
                position.desa_id,
                position.desa.name,
                position.office_label,
                enrolment,
                detail=f"jabatan berakhir {ended}",
            )
        )
    return sorted(out, key=lambda f: (f.desa_code, f.office))


def data_differences(code: str, period: Month) -> list[Finding]:
    """Participants matched to a serving person whose name or birth date differs between the two sides."""
    serving = _serving(code, period)
    person_ids = serving.values("person_id")
    places = {p.person_id: p for p in serving}
    out = []
    for enrolment in Enrolment.objects.filter(person_id__in=person_ids).select_related("person"):
        person = enrolment.person
        problems = []
        if enrolment.bpjs_name and name_key(enrolment.bpjs_name) != name_key(person.name):
            problems.append(f"nama di BPJS: {enrolment.bpjs_name}")
        if enrolment.bpjs_birth_date and enrolment.bpjs_birth_date != person.birth_date:
            problems.append(f"tanggal lahir di BPJS: {enrolment.bpjs_birth_date:%d-%m-%Y}")
        if problems:
            p = places[person.id]
            out.append(
                Finding(person, p.desa_id, p.desa.name, p.office_label, enrolment, "; ".join(problems))
            )
    return sorted(out, key=lambda f: (f.desa_code, f.office))


def open_proposals(nik_prefix: str = "") -> QuerySet[MatchProposal]:
    return (
        MatchProposal.objects.filter(
            state=MatchProposal.State.PROPOSED, enrolment__nik__startswith=nik_prefix
        )
        .select_related("enrolment", "person")
        .order_by("enrolment__bpjs_name")
    )


def nik_prefix_of(code: str | None) -> str:
    """A NIK starts with the kecamatan code of first registration: the region code's digits, up to 6."""
    return (code or "").replace(".", "")[:6]


def unmatched_q(code: str | None) -> Q:
    return Q(person__isnull=True, nik__startswith=nik_prefix_of(code))
