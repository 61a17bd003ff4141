"""Reads for monitoring: what each desa looks like to a round, the queues, the round report."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max, QuerySet

from lindungdesa.accounts.models import User
from lindungdesa.accounts.permissions import PEOPLE_VIEW, PERSONAL_VIEW, can
from lindungdesa.accounts.scope import scope_q
from lindungdesa.enrolment.models import StatusRule
from lindungdesa.enrolment.status import Status, person_q
from lindungdesa.indicators.compute import DesaCounts, aggregate
from lindungdesa.indicators.selectors import desa_figures, serving_without_nik_by_desa
from lindungdesa.indicators.versioned import data_version_key, region_cached
from lindungdesa.lib.months import Month
from lindungdesa.lib.pii import mask_text
from lindungdesa.officials.models import Person, Position, serving_on
from lindungdesa.regions.models import Region, under

from . import rules
from .models import Case, CaseEvent, Round


def desa_states(code: str, period: Month) -> dict[str, rules.DesaState]:
    """Every desa under `code` in `period`: its counts (as the indicators count them) and its arrears."""
    rule = StatusRule.for_period(period)
    rows = (
        Position.objects.filter(serving_on(period.last_day), under(code, "desa__code"))
        .values_list("desa_id", "group")
        .annotate(
            serving=Count("id"),
            protected=Count("id", filter=person_q(Status.PROTECTED, period, rule)),
            arrears=Count("id", filter=person_q(Status.ARREARS, period, rule)),
        )
        .order_by()
    )
    rows = list(rows)
    arrears: dict[str, int] = defaultdict(int)
    for desa, _group, _serving, _protected, late in rows:
        arrears[desa] += late
    villages = Region.objects.filter(under(code), kind__in=Region.VILLAGE_KINDS).values_list(
        "code", flat=True
    )
    # Counted as the indicators count them (a position in a kelurahan is left out).
    breakdown = aggregate(
        villages=villages.iterator(chunk_size=5000),
        rows=((desa, group, serving, protected) for desa, group, serving, protected, _ in rows),
        parent_level=4,
    )
    return {desa: rules.DesaState(c, arrears[desa]) for desa, c in breakdown.desa.items()}


def cases_for(user: User) -> QuerySet[Case]:
    """The cases in the user's region (every page and export of monev goes through this)."""
    return Case.objects.filter(scope_q(user, "desa__code"))


def note_for(
    user: User, case: Case, text: str, author_id: int | None = None, *, page: bool = False
) -> str | None:
    """A case note or evidence as `user` may read it, None when it may not.

    Notes name people and quote KPJ numbers ("KPJ terbit untuk Budi, 12345678901"): they follow the rights
    to the case's people, not the case's progress. Roles that see people read them, with the numbers masked
    unless they may see personal data; the others (viewer, association) see states, dates and who only. On
    a `page` a NIK is masked for everyone (docs/security.md: pages show NIKs masked; the API shows them
    whole to roles with the right).
    """
    if not text:
        return text
    if not can(user, PEOPLE_VIEW, case.desa_id) and not (author_id is not None and author_id == user.pk):
        # A role without the right to people may still move cases with a note (an escalation needs one):
        # it reads back what it wrote itself, nothing that others wrote.
        return None
    if not can(user, PERSONAL_VIEW):
        return mask_text(text, dates=True)
    return mask_text(text, niks_only=True) if page else text


def rounds_for(user: User) -> QuerySet[Round]:
    if not user.is_authenticated:
        return Round.objects.none()
    if user.region_id is None:
        return Round.objects.all()
    return Round.objects.filter(province_id=user.region_id[:2])


def queue_for(user: User, round_: Round) -> QuerySet[Case]:
    """The user's queue: the open cases of their agency in their region (all open cases in the region when
    the user belongs to no agency)."""
    cases = cases_for(user).filter(round=round_, state__in=rules.OPEN_STATES)
    membership = getattr(user, "agency_membership", None)
    if membership is not None:
        cases = cases.filter(agency=membership.agency)
    return cases


@dataclass
class RegencyReport:
    code: str
    name: str
    opened: int = 0
    closed: int = 0
    enrolled: int = 0
    overdue: int = 0
    days_to_close: list[int] = field(default_factory=list)
    protected_before: int = 0
    serving_before: int = 0
    protected_after: int = 0
    serving_after: int = 0
    without_nik: int = 0  # serving in the case villages at the evaluated month's end with no NIK yet
    by_state: dict[str, int] = field(default_factory=dict)

    @property
    def median_days(self) -> float | None:
        return rules.median_days(self.days_to_close)

    @property
    def coverage_before(self) -> float | None:
        from lindungdesa.indicators.compute import pct

        return pct(self.protected_before, self.serving_before)

    @property
    def coverage_after(self) -> float | None:
        from lindungdesa.indicators.compute import pct

        return pct(self.protected_after, self.serving_after)


def counts_now(code: str, today: date) -> dict[str, DesaCounts]:
    """Every desa's counts under `code` this month, as the dashboard reads them (a fresh snapshot of the
    month when there is one, else computed live): what round_report calls "now"."""
    counts, _snapshot = desa_figures(Region.objects.get(code=code), Month.of(today))
    return counts


def round_report(
    round_: Round, *, today: date, now: dict[str, DesaCounts], region: str | None = None
) -> list[RegencyReport]:
    """Per kabupaten/kota, then the province total (last): cases opened, closed, overdue, median days to
    close, and the coverage of the case villages before (frozen at opening) and now (`now`: counts_now of
    the province, or of `region` when only its rows are wanted: the cases of the others are not read)."""
    names = dict(Region.objects.filter(parent_id=round_.province_id).values_list("code", "name"))
    out: dict[str, RegencyReport] = {code: RegencyReport(code, name) for code, name in names.items()}
    total = RegencyReport(round_.province_id, "Jumlah")
    cases = round_.cases.all()
    if region and region != round_.province_id:
        cases = cases.filter(under(region, "desa__code"))
    cases = list(cases.values_list("desa_id", "state", "due_date", "opened_at", "closed_at", "figures"))
    no_nik = serving_without_nik_by_desa({c[0] for c in cases}, Month.parse(str(round_.evaluated_month)))
    for desa, state, due, opened_at, closed_at, figures in cases:
        regency = ".".join(desa.split(".")[:2])
        for report in (out.setdefault(regency, RegencyReport(regency, regency)), total):
            report.opened += 1
            report.by_state[state] = report.by_state.get(state, 0) + 1
            if state == rules.CLOSED:
                report.closed += 1
                if closed_at:
                    report.days_to_close.append((closed_at.date() - opened_at.date()).days)
            if state == rules.ENROLLED:
                report.enrolled += 1
            if rules.is_overdue(state, due, today):
                report.overdue += 1
            report.protected_before += figures.get("aparat_protected", 0) + figures.get("bpd_protected", 0)
            report.serving_before += figures.get("aparat_serving", 0) + figures.get("bpd_serving", 0)
            report.without_nik += no_nik.get(desa, 0)
            c = now.get(desa)
            if c is not None:
                report.protected_after += c.aparat_protected + c.bpd_protected
                report.serving_after += c.aparat_serving + c.bpd_serving
    return [r for r in out.values() if r.opened] + [total]


def round_report_version(round_: Round) -> str:
    """What the round report of `round_` is computed from, as part of a cache key: the data version (the
    counts "now"), the round's case events (every change of a case's state, deadline or closing goes through
    `services.case_move`, which records one) and the people without a NIK (a NIK completed on a person's
    page moves no data version, and the report counts who has none). Three small reads, each on an index."""
    events = CaseEvent.objects.filter(case__round=round_).aggregate(n=Count("id"), last=Max("id"))
    no_nik = Person.objects.filter(nik__isnull=True).aggregate(n=Count("id"), last=Max("updated_at"))
    last_change = no_nik["last"].timestamp() if no_nik["last"] else ""
    return (
        f"{data_version_key(round_.province_id)}:e{events['n']}.{events['last']}:p{no_nik['n']}.{last_change}"
    )


def round_report_kept(round_: Round, *, today: date, region: str) -> list[RegencyReport]:
    """`round_report` of `region` (the province or a regency inside it: `views._report_region`), kept while
    nothing it is computed from has changed (`round_report_version`) and for `today` only (what is overdue
    changes with the day). The key holds the round and the region: one region's rows are never another's,
    and they hold only counts, the same for every role; each page still keeps the rows its reader may see."""
    return region_cached(
        "monev-report",
        region,
        round_.pk,
        today.isoformat(),
        compute=lambda: round_report(round_, today=today, now=counts_now(region, today), region=region),
        version=round_report_version(round_),
    )
