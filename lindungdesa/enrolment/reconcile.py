"""Reconciliation of the roster (who serves) with BPJS data (who is enrolled and paying).

Matching is by NIK first; participants whose NIK matched nobody get match proposals by normalised name and
birth date, for a person to confirm or refuse.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Upper
from django.db.models.lookups import Exact
from django.utils import timezone

from lindungdesa.imports.engine import IN_BATCH
from lindungdesa.indicators.services import data_changed
from lindungdesa.indicators.versioned import region_cached
from lindungdesa.lib.months import Month, month_label_id
from lindungdesa.lib.names import name_key
from lindungdesa.lib.nik import nik_agrees, nik_check
from lindungdesa.officials.boundary import (
    foreign_participant_message,
    participant_inside,
    person_reach_of,
    person_write_check,
)
from lindungdesa.officials.models import Person, Position, office_label, serving_on
from lindungdesa.regions.models import under

from .models import Enrolment, MatchProposal, StatusRule
from .status import protected_q


def enrolments_link_by_nik(scope_code: str = "") -> int:
    """Give every unmatched participant whose NIK is now on the roster its person. Returns how many.

    With `scope_code` (an import by a user with a region) only people serving or having served inside it
    are linked: linking writes a person's memberships, which only their region may (officials/boundary.py).

    One UPDATE, whatever the number of rows: on PostgreSQL a join (it hashes both sides; a correlated
    subquery was far slower there, docs/benchmarks.md, "Figures from the code"), elsewhere a correlated
    subquery (both sides are indexed by NIK).
    """
    provinces: list[str] | None = None  # everywhere, for a link with no scope
    if connection.vendor == "postgresql" and not scope_code:
        enrolment, person = Enrolment._meta.db_table, Person._meta.db_table
        with connection.cursor() as cursor:
            # As the queryset's update() below: updated_at is left as it is.
            cursor.execute(
                f'UPDATE "{enrolment}" AS e SET "person_id" = p."id" FROM "{person}" AS p'
                ' WHERE p."nik" = e."nik" AND e."person_id" IS NULL AND e."nik" <> %s',
                [""],
            )
            linked = cursor.rowcount
    else:
        people = Person.objects.all()
        if scope_code:
            people = people.filter(
                pk__in=Position.objects.filter(under(scope_code, "desa__code")).values("person_id")
            )
        person_id = people.filter(nik=OuterRef("nik")).values("id")[:1]
        unmatched = Enrolment.objects.filter(person__isnull=True).exclude(nik="")
        if scope_code:
            # Those linked may serve outside the scope too: their positions' provinces change with them.
            linking = people.filter(Exists(unmatched.filter(nik=OuterRef("nik"))))
            provinces = list(
                Position.objects.filter(person__in=linking)
                .values_list("desa__province_code", flat=True)
                .distinct()
            )
        linked = unmatched.filter(Exists(people.filter(nik=OuterRef("nik")))).update(
            person_id=Subquery(person_id)
        )
    if linked:
        data_changed(provinces)
    return linked


def _birth_date_of(nik: str, bpjs_birth_date: date | None) -> date | None:
    if bpjs_birth_date:
        return bpjs_birth_date
    try:
        return nik_check(nik).birth_date
    except ValueError:
        return None


SIMILAR = 0.85


def _similar(a: str, matcher: SequenceMatcher, b_words: list[str]) -> str | None:
    """Why name `a` may be the name the matcher holds as its second sequence (`b`), or None."""
    b = matcher.b
    if a == b:
        return "nama dan tanggal lahir sama"
    if sorted(a.split()) == b_words:
        return "nama (urutan berbeda) dan tanggal lahir sama"
    matcher.set_seq1(a)
    # The quick ratios are upper bounds of ratio(): most pairs are ruled out without computing it.
    if (
        matcher.real_quick_ratio() >= SIMILAR
        and matcher.quick_ratio() >= SIMILAR
        and matcher.ratio() >= SIMILAR
    ):
        return "nama mirip dan tanggal lahir sama"
    return None


def match_proposals_refresh(*, nik_prefix: str = "") -> int:
    """Propose roster people for participants whose NIK matched nobody; returns how many are new.

    Only unmatched participants are read; people only for the birth dates those participants have.
    """
    by_birth: dict[date, list[tuple[int, str]]] = defaultdict(list)
    for eid, nik, name, born in Enrolment.objects.filter(
        person__isnull=True, nik__startswith=nik_prefix
    ).values_list("id", "nik", "bpjs_name", "bpjs_birth_date"):
        day = _birth_date_of(nik, born)
        key = name_key(name)
        if day and key:
            by_birth[day].append((eid, key))
    if not by_birth:
        return 0
    known = set(
        MatchProposal.objects.filter(
            enrolment__person__isnull=True, enrolment__nik__startswith=nik_prefix
        ).values_list("enrolment_id", "person_id")
    )
    new = []
    days = sorted(by_birth)
    for start in range(0, len(days), IN_BATCH):
        people = Person.objects.filter(birth_date__in=days[start : start + IN_BATCH]).order_by("id")
        for pid, name, born in people.values_list("id", "name", "birth_date"):
            person_key = name_key(name)
            matcher = SequenceMatcher(None, "", person_key)
            person_words = sorted(person_key.split())
            for eid, key in by_birth[born]:
                reason = _similar(key, matcher, person_words)
                if reason and (eid, pid) not in known:
                    new.append(MatchProposal(enrolment_id=eid, person_id=pid, reason=reason))
    new.sort(key=lambda p: (p.enrolment_id, p.person_id))
    MatchProposal.objects.bulk_create(new, batch_size=500)
    return len(new)


@transaction.atomic
def match_confirm(*, proposal: MatchProposal, region: str | None, user=None) -> Enrolment:
    """Give the participant the proposed person. `region`: the writer's (None: the whole country), which
    must own the person (a membership is the person's own data) and hold the participant (`boundary`)."""
    proposal = MatchProposal.objects.select_for_update().select_related("enrolment").get(pk=proposal.pk)
    if proposal.state != MatchProposal.State.PROPOSED:
        raise ValueError("Usulan ini sudah diputuskan.")
    enrolment = proposal.enrolment
    person_write_check(region, person_reach_of(region, proposal.person_id), own_fields=True)
    if not participant_inside(region, enrolment.nik, enrolment.kode_desa):
        raise ValidationError({"kpj": [foreign_participant_message()]})
    enrolment.person_id = proposal.person_id
    enrolment.save(update_fields=["person", "updated_at"])
    _complete_nik(proposal.person_id, enrolment.nik)
    now = timezone.now()
    proposal.state, proposal.decided_by, proposal.decided_at = MatchProposal.State.CONFIRMED, user, now
    proposal.save(update_fields=["state", "decided_by", "decided_at"])
    # One participant is one person: the other candidates for it are refused.
    enrolment.proposals.filter(state=MatchProposal.State.PROPOSED).update(
        state=MatchProposal.State.REFUSED, decided_by=user, decided_at=now
    )
    return enrolment


def _complete_nik(person_id: int, nik: str) -> None:
    """A person held without a NIK takes the NIK of the participant confirmed as them, when it is a valid
    NIK that agrees with what is held of them and no other person holds it."""
    person = Person.objects.select_for_update().get(pk=person_id)
    if person.nik is not None or not nik:
        return
    try:
        facts = nik_check(nik)
    except ValueError:
        return
    if nik_agrees(facts, birth_date=person.birth_date, sex=person.sex or None):
        return
    if Person.objects.filter(nik=facts.nik).exists():
        return
    person.nik = facts.nik
    person.sex = person.sex or facts.sex
    person.save(update_fields=["nik", "sex", "updated_at"])


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


@dataclass(frozen=True)
class Found:
    """A list as a page shows it: how many there are, and the first rows."""

    count: int
    rows: list[Finding]


def _serving_split(code: str, period: Month) -> tuple[list[int], list[int]]:
    """The serving positions under `code` with no membership started by the end of the period, and those
    enrolled but unprotected then: their ids, in the lists' order. One pass over the serving positions
    (each one's two look-ups by the enrolment index), ids only: objects are made for the rows shown."""
    rule = StatusRule.for_period(period)
    started = Enrolment.objects.filter(person_id=OuterRef("person_id"), start_date__lte=period.last_day)
    protecting = Enrolment.objects.filter(protected_q(period, rule), person_id=OuterRef("person_id"))
    not_enrolled, arrears = [], []
    # Unprotected: not enrolled (a membership started later protects nobody now) or in arrears.
    for pid, has_started in (
        Position.objects.filter(serving_on(period.last_day), under(code, "desa__code"))
        .filter(~Exists(protecting))
        .annotate(started=Exists(started))
        .order_by("desa_id", "office")
        .values_list("id", "started")
    ):
        (arrears if has_started else not_enrolled).append(pid)
    return not_enrolled, arrears


def _positions(ids: list[int]) -> list[Position]:
    """The positions of `ids` with their person and desa, in the order of `ids`."""
    by_id = Position.objects.select_related("desa").in_bulk(ids)
    _attach_people(by_id.values())
    return [by_id[i] for i in ids]


def _not_enrolled_rows(positions: list[Position]) -> list[Finding]:
    return [Finding(p.person, p.desa_id, p.desa.name, p.office_label) for p in positions]


def _arrears_rows(positions: list[Position]) -> list[Finding]:
    details = _arrears_details({p.person_id for p in positions})
    return [
        Finding(p.person, p.desa_id, p.desa.name, p.office_label, detail=details[p.person_id])
        for p in positions
    ]


def _arrears_details(person_ids: set[int]) -> dict[int, str]:
    """What an arrears row says of each person: the last month paid for."""
    last_paid = dict(
        Enrolment.objects.filter(person_id__in=person_ids)
        .values("person_id")
        .annotate(m=Max("paid_through"))
        .values_list("person_id", "m")
    )
    return {
        pid: f"iuran lunas sampai {month_label_id(Month.of(last_paid[pid]))}"
        if last_paid.get(pid)
        else "belum pernah membayar iuran"
        for pid in person_ids
    }


def serving_not_enrolled(code: str, period: Month) -> list[Finding]:
    """In office at the end of the period, with no BPJS TK membership started by then."""
    return _not_enrolled_rows(_positions(_serving_split(code, period)[0]))


def serving_in_arrears(code: str, period: Month) -> list[Finding]:
    """In office and enrolled, but no membership protects them at the end of the period."""
    return _arrears_rows(_positions(_serving_split(code, period)[1]))


def _attach_people(rows: Iterable[Position | Enrolment]) -> None:
    """The rows' people read by their ids, in a query of their own: joined to a few hundred positions or
    memberships by id, PostgreSQL's planner reads the whole person table instead (a sequential scan of a
    province's 38,000 people, 10-20 ms of its CPU per page; by id, under 1 ms). Not a prefetch: Django 5.2
    prefetches a foreign key with a tuple IN, which SQLite writes as one OR per row and refuses past 1,000
    rows (a province's download of its unenrolled officials failed); in_bulk reads them in batches."""
    rows = list(rows)
    people = Person.objects.in_bulk({row.person_id for row in rows})
    for row in rows:
        row.person = people[row.person_id]


def _serving_found(not_enrolled: list[int], arrears: list[int], shown: int) -> tuple[Found, Found]:
    """The rows shown of the first two lists, from plain values: what the page shows of a position and its
    desa, and its person's name and NIK read by id (see `_attach_people`); no position or desa objects
    (making them and prefetching was a fifth of a regency's page, docs/benchmarks.md, "Saturation, third
    pass")."""
    rows = {
        pk: (person_id, desa_id, desa_name, office_label(office, acting, unit_name))
        for pk, person_id, desa_id, desa_name, office, acting, unit_name in Position.objects.filter(
            pk__in=not_enrolled[:shown] + arrears[:shown]
        ).values_list("id", "person_id", "desa_id", "desa__name", "office", "acting", "unit_name")
    }
    people = Person.objects.only("name", "nik").in_bulk({person_id for person_id, *_ in rows.values()})

    def shown_of(ids: list[int]) -> list[tuple]:
        # A kept id whose row has gone (a deletion no data version counted) is left out, not an error.
        return [rows[i] for i in ids[:shown] if i in rows]

    late = shown_of(arrears)
    details = _arrears_details({person_id for person_id, *_ in late})
    return (
        Found(len(not_enrolled), [Finding(people[pid], *rest) for pid, *rest in shown_of(not_enrolled)]),
        Found(len(arrears), [Finding(people[pid], *rest, detail=details[pid]) for pid, *rest in late]),
    )


def page_lists(code: str, period: Month, shown: int) -> tuple[Found, Found, Found, Found]:
    """serving_not_enrolled, serving_in_arrears, enrolled_not_serving and data_differences as the page shows
    them. Their ids are kept per region, month and data version (a province's passes over its serving
    positions and its participants are the page's largest reads); the rows shown, with the people and
    what differs, are read each time."""

    def ids() -> tuple[list[int], list[int], list[tuple[int, int]], list[int]]:
        differing = [f.enrolment.pk for f in data_differences(code, period)]
        return (*_serving_split(code, period), _not_serving_pairs(code, period), differing)

    not_enrolled, arrears, not_serving, differing = region_cached("reconcile-ids", code, period, compute=ids)
    return (
        *_serving_found(not_enrolled, arrears, shown),
        Found(len(not_serving), _not_serving_rows(not_serving[:shown])),
        Found(len(differing), _differences(code, period, among=differing[:shown])),
    )


def _not_serving_pairs(code: str, period: Month) -> list[tuple[int, int]]:
    """(enrolment id, id of the person's last office under `code`) of enrolled_not_serving, in its order."""
    rule = StatusRule.for_period(period)
    serving = Position.objects.filter(serving_on(period.last_day), person_id=OuterRef("person_id"))
    # Only people who held an office under `code`: looked up from their offices there (for a desa, a few
    # people; their memberships by the enrolment index), the rest of the country is not read.
    held_here = Position.objects.filter(under(code, "desa__code"), term_start__lte=period.last_day)
    enrolments = list(
        Enrolment.objects.filter(protected_q(period, rule), person_id__in=held_here.values("person_id"))
        .filter(~Exists(serving))
        .values_list("id", "person_id")
    )
    last_positions: dict[int, tuple[int, str, str]] = {}  # person: (position, desa, office label)
    # Their offices by the person index, those under `code` kept here (the region join would make the
    # database walk the region's offices instead).
    for pid, person_id, desa_id, office, acting, unit_name in (
        Position.objects.filter(
            person_id__in={person_id for _, person_id in enrolments}, term_start__lte=period.last_day
        )
        .order_by("person_id", "term_start")
        .values_list("id", "person_id", "desa_id", "office", "acting", "unit_name")
    ):
        if region_contains(code, desa_id):
            label = Position(office=office, acting=acting, unit_name=unit_name).office_label
            last_positions[person_id] = (pid, desa_id, label)
    pairs = [(eid, last_positions[person_id]) for eid, person_id in enrolments if person_id in last_positions]
    # The order of the findings: desa, then office as shown.
    return [(eid, pid) for eid, (pid, _desa, _label) in sorted(pairs, key=lambda p: (p[1][1], p[1][2]))]


def _not_serving_rows(pairs: list[tuple[int, int]]) -> list[Finding]:
    enrolments = Enrolment.objects.in_bulk([eid for eid, _ in pairs])
    _attach_people(enrolments.values())
    positions = Position.objects.select_related("desa").in_bulk([pid for _, pid in pairs])
    out = []
    for eid, pid in pairs:
        enrolment, position = enrolments.get(eid), positions.get(pid)
        if enrolment is None or position is None:  # gone since the ids were kept
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
    return out


def enrolled_not_serving(code: str, period: Month) -> list[Finding]:
    """Still paid up at the end of the period but holding no office then (last office under `code`)."""
    return _not_serving_rows(_not_serving_pairs(code, period))


def data_differences(code: str, period: Month) -> list[Finding]:
    """Participants matched to a serving person whose name or birth date differs between the two sides."""
    return _differences(code, period)


def _differences(code: str, period: Month, among: list[int] | None = None) -> list[Finding]:
    """data_differences, or those of it among the enrolments `among` (ids kept by page_lists)."""
    serving = _serving(code, period)
    if among is None:
        candidates = Enrolment.objects.filter(person_id__in=serving.values("person_id"))
    else:
        candidates = Enrolment.objects.filter(pk__in=among)
    # Compared as plain values; whole objects are made only for the few that differ. The database leaves
    # out the pairs that cannot differ (most): no BPJS name or the same name but for capitals (then their
    # name keys are the same too), and no BPJS birth date or the same one.
    maybe = (~Q(bpjs_name="") & ~Q(Exact(Upper("bpjs_name"), Upper("person__name")))) | (
        Q(bpjs_birth_date__isnull=False) & ~Q(bpjs_birth_date=F("person__birth_date"))
    )
    differing: dict[int, str] = {}
    for eid, bpjs_name, bpjs_born, name, born in candidates.filter(maybe).values_list(
        "id", "bpjs_name", "bpjs_birth_date", "person__name", "person__birth_date"
    ):
        problems = []
        if bpjs_name and name_key(bpjs_name) != name_key(name):
            problems.append(f"nama di BPJS: {bpjs_name}")
        if bpjs_born and bpjs_born != born:
            problems.append(f"tanggal lahir di BPJS: {bpjs_born:%d-%m-%Y}")
        if problems:
            differing[eid] = "; ".join(problems)
    out = []
    for start in range(0, len(differing), IN_BATCH):
        enrolments = list(
            Enrolment.objects.filter(pk__in=list(differing)[start : start + IN_BATCH]).select_related(
                "person"
            )
        )
        places = {p.person_id: p for p in serving.filter(person_id__in={e.person_id for e in enrolments})}
        for enrolment in enrolments:
            p = places.get(enrolment.person_id)
            if p is None:  # a kept id whose person no longer serves here (a change no data version counted)
                continue
            out.append(
                Finding(
                    enrolment.person,
                    p.desa_id,
                    p.desa.name,
                    p.office_label,
                    enrolment,
                    differing[enrolment.pk],
                )
            )
    return sorted(out, key=lambda f: (f.desa_code, f.office, f.enrolment.pk))


def open_proposals(nik_prefix: str = "") -> QuerySet[MatchProposal]:
    return (
        MatchProposal.objects.filter(
            state=MatchProposal.State.PROPOSED, enrolment__nik__startswith=nik_prefix
        )
        .select_related("enrolment", "person")
        .order_by("enrolment__bpjs_name")
    )


def open_proposals_in(code: str) -> QuerySet[MatchProposal]:
    return proposals_in(code).filter(state=MatchProposal.State.PROPOSED)


def proposals_in(code: str) -> QuerySet[MatchProposal]:
    """Proposals for a region: participants whose NIK was registered in it (a NIK says the kecamatan of
    registration), proposed for people holding or having held an office in it. A person is inside a region
    only through their offices, so a proposal naming someone who serves elsewhere is not shown here (nor
    may it be decided from here)."""
    serves = Position.objects.filter(under(code, "desa__code"), person_id=OuterRef("person_id"))
    return (
        MatchProposal.objects.filter(enrolment__nik__startswith=nik_prefix_of(code))
        .filter(Exists(serves))
        .select_related("enrolment", "person")
        .order_by("enrolment__bpjs_name")
    )


def region_contains(code: str, region_code: str) -> bool:
    """Whether `region_code` is `code` or lies beneath it (Kemendagri codes: "61.03" holds "61.03.01")."""
    return region_code == code or region_code.startswith(code + ".")


def nik_prefix_of(code: str | None) -> str:
    """A NIK starts with the kecamatan code of first registration: the region code's digits, up to 6."""
    return (code or "").replace(".", "")[:6]


def unmatched_q(code: str | None) -> Q:
    return Q(person__isnull=True, nik__startswith=nik_prefix_of(code))
