"""Reading what a budget is computed from: the roster, memberships and rules, in a few grouped queries.

Whatever the region (one desa or a whole province) the reads are the same seven queries; the arithmetic is
`compute.budget_compute`. Stored budgets are read back into the same shapes, so pages and exports cannot
tell a live budget from an adopted one except by `stored`.
"""

import hashlib
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from lindungdesa.enrolment.models import Enrolment, StatusRule
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Acting, Office, Position, serving_on
from lindungdesa.regions.models import Region, under

from . import compute
from .models import Budget, BudgetSetting, ContributionRule, PayerRule, SiltapMinimum, in_year


@dataclass
class Inputs:
    """The roster side of a budget: every seat held in the year under a region, and current memberships."""

    region: Region
    year: int
    reference: Month
    seats: list[compute.Seat]
    memberships: dict[int, compute.Membership]
    villages: list[str]
    without_nik: int = 0  # people holding a seat in the year with no NIK yet, each once
    _classes: dict[int, list] = field(default_factory=dict)
    _rules: "Rules | None" = None
    _children: list[Region] | None = None
    _names: dict[str, str] | None = None

    @property
    def rules(self) -> "Rules":
        if self._rules is None:
            self._rules = rules_for(self.year, self.regencies)
        return self._rules

    @property
    def child_regions(self) -> list[Region]:
        if self._children is None:
            self._children = (
                list(Region.objects.filter(parent=self.region).order_by("code"))
                if self.region.level < 4
                else []
            )
        return self._children

    @property
    def names(self) -> dict[str, str]:
        """Names of the desa and kecamatan under the region (a province's pages do not need them)."""
        if self._names is None:
            self._names = _names(self.region)
        return self._names

    def classes(self, place_level: int = 4) -> list:
        """`compute.seat_classes` by desa (4) or by a larger place, made once for all the scenarios computed
        from these inputs."""
        if place_level not in self._classes:
            self._classes[place_level] = compute.seat_classes(
                seats=self.seats, memberships=self.memberships, year=self.year, place_level=place_level
            )
        return self._classes[place_level]

    @property
    def regencies(self) -> list[str]:
        return sorted({code[:5] for code in self.villages})


@dataclass
class RegionBudget:
    """A budget with the regions it speaks of: what pages, exports and the command show."""

    region: Region
    year: int
    reference: Month
    budget: compute.Budget
    children: list[tuple[Region, compute.Totals]]
    stored: Budget | None = None
    names: dict[str, str] = field(default_factory=dict)  # desa and kecamatan names, by code
    # People of the roster whose NIK is not known yet: budgeted as anyone (their premium needs no NIK).
    without_nik: int = 0

    @property
    def scenario(self) -> compute.Scenario:
        return self.budget.scenario

    @property
    def total(self) -> compute.Totals:
        return self.budget.total

    def as_dict(self) -> dict:
        """The `lindungdesa budget --json` object; amounts in whole rupiah."""

        def entry(code: str, totals: compute.Totals) -> dict:
            return {"region": code, "year": self.year, "scenario": self.scenario.name, **totals.as_dict()}

        return {
            **entry(self.region.code, self.total),
            "children": [entry(child.code, totals) for child, totals in self.children],
        }

    def desa_rows(self) -> list[tuple[str, str, str, compute.Totals]]:
        """(code, desa name, kecamatan name, totals) for every desa of the region, by code."""
        return [
            (code, self.names.get(code, code), self.names.get(code[:8], ""), totals)
            for code, totals in sorted(self.budget.desa.items())
        ]

    def accounts(self) -> list[tuple[compute.Account, int]]:
        """The APBDes part by activity and account (kode rekening), as the desa types it into Siskeudes;
        names from the settings used (each regency names its BPD account)."""
        known = {a.code: a for a in (compute.ACCOUNT_KEPALA_DESA, compute.ACCOUNT_PERANGKAT)}
        for setting in self.budget.settings:
            known.setdefault(setting.bpd_account.code, setting.bpd_account)
        known.setdefault(compute.ACCOUNT_BPD_DEFAULT.code, compute.ACCOUNT_BPD_DEFAULT)
        rows = [
            (known.get(code) or compute.Account(code, "", "", ""), amount)
            for code, amount in self.total.by_account.items()
            if amount
        ]
        return sorted(rows, key=lambda row: (row[0].activity, row[0].code))

    def bpd_accounts(self) -> list[tuple[compute.Setting, compute.Account]]:
        """Each regency's account for BPD premiums (a local code: the national chart has none)."""
        return [(s, s.bpd_account) for s in self.budget.settings]

    def legal_basis(self) -> list[str]:
        """Each legal basis text the budget rests on, once, in the order rules → payers → minimums, then
        the chart of accounts the APBDes part is budgeted under."""
        texts = [r.legal_basis for r in self.budget.rules]
        texts += [p.legal_basis for p in self.budget.payers]
        texts += [s.legal_basis for s in self.budget.settings]
        if self.budget.below_minimum or self.region.level == 4:
            texts += [m.legal_basis for m in self.budget.minimums]
        texts.append(compute.ACCOUNT_BASIS)
        return [t for t in dict.fromkeys(texts) if t]


def reference_for(year: int, today: date | None = None) -> Month:
    """Whose membership counts as current: at the end of this month, or of the fiscal year if it is past."""
    this_month = Month.of(today or timezone.localdate())
    return min(this_month, Month(year, 12))


@lru_cache(maxsize=4096)
def _office_label(office: str, acting: str, unit_name: str) -> str:
    return Position(office=office, acting=acting, unit_name=unit_name).office_label


def budget_inputs(
    region: Region, year: int, reference: Month | None = None, *, people: bool = True
) -> Inputs:
    """Three queries: the villages, the positions held in `year`, and their holders' memberships.
    `people=False` leaves out what only the lines per person show (name, NIK, office label): totals need
    none of it, and not joining the people saves a third of a province's read."""
    reference = reference or reference_for(year)
    first, last = date(year, 1, 1), date(year, 12, 31)
    villages = list(
        Region.objects.filter(under(region.code), kind__in=Region.VILLAGE_KINDS)
        .order_by("code")
        .values_list("code", flat=True)
    )
    positions = Position.objects.filter(
        under(region.code, "desa__code"),
        Q(term_end__isnull=True) | Q(term_end__gte=first),
        desa__kind__in=Region.VILLAGE_KINDS,
        term_start__lte=last,
    )
    ordered = positions.order_by("desa_id", "id")
    if people:
        rows = ordered.values_list(
            "id",
            "person_id",
            "desa_id",
            "group",
            "office",
            "acting",
            "unit_name",
            "person__name",
            "person__nik",
            "term_start",
            "term_end",
            "monthly_income",
        )
    else:
        rows = (
            (pk, person_id, desa, group, office, "", "", "", "", start, end, income)
            for pk, person_id, desa, group, office, start, end, income in ordered.values_list(
                "id", "person_id", "desa_id", "group", "office", "term_start", "term_end", "monthly_income"
            )
        )
    seats = [
        compute.Seat(
            position_id=pk,
            person_id=person_id,
            desa=desa,
            group=group,
            office=office,
            office_label=_office_label(office, acting, unit_name) if people else "",
            name=name,
            nik=nik,
            term_start=start,
            term_end=end,
            income=income,
        )
        for pk, person_id, desa, group, office, acting, unit_name, name, nik, start, end, income in rows
    ]
    rule = StatusRule.for_period(reference)
    enrolments: dict[int, list] = defaultdict(list)
    for person_id, *values in (
        Enrolment.objects.filter(person_id__in=positions.values("person_id"))
        .order_by("person_id", "start_date", "id")
        .values_list("person_id", "category", "programmes", "wage", "start_date", "paid_through")
    ):
        enrolments[person_id].append(values)
    memberships = {}
    for person_id, rows in enrolments.items():
        membership = compute.current_membership(
            rows, reference=reference, grace_months=rule.grace_months, lapse_months=rule.lapse_months
        )
        if membership is not None:
            memberships[person_id] = membership
    if people:
        without_nik = len({seat.person_id for seat in seats if not seat.nik})
    else:  # the seats carry no NIK then: ask the database for the few without one
        without_nik = positions.filter(person__nik__isnull=True).values("person_id").distinct().count()
    return Inputs(region, year, reference, seats, memberships, villages, without_nik)


def _in_force(rows, regencies: list[str], year: int) -> dict[str | None, dict]:
    """Per regency (and None for the default), the rows in force in `year`, by key."""
    out: dict[str | None, dict] = defaultdict(dict)
    for row in sorted(rows, key=lambda r: r.from_year):
        if row.from_year <= year and (row.regency_id is None or row.regency_id in regencies):
            out[row.regency_id][row.key] = row
    return out


@dataclass(frozen=True)
class Rules:
    """The rules as data for one fiscal year and some regencies; the same whatever the scenario."""

    year: int
    book: compute.RuleBook
    payers: dict[str, dict[tuple[str, str], compute.Payer]]
    settings: dict[str, compute.Setting]
    minimums: list[compute.Minimum]
    default_setting: compute.Setting

    def plan(self, scenario: compute.Scenario) -> compute.Plan:
        return compute.Plan(
            year=self.year,
            scenario=scenario,
            book=self.book,
            payers=self.payers,
            settings=self.settings,
            minimums=self.minimums,
            default_setting=self.default_setting,
        )


def plan_for(year: int, scenario: compute.Scenario, regencies: list[str]) -> compute.Plan:
    return rules_for(year, regencies).plan(scenario)


def rules_for(year: int, regencies: list[str]) -> Rules:
    """Four queries: contribution rules, payers and settings in force per regency, minimum siltap."""
    book = compute.RuleBook(r.as_plain() for r in ContributionRule.objects.filter(in_year(year)))
    payer_rows = list(
        PayerRule.objects.filter(Q(regency__isnull=True) | Q(regency_id__in=regencies), from_year__lte=year)
    )
    for row in payer_rows:
        row.key = (row.group, row.programme)
    payers_by = _in_force(payer_rows, regencies, year)
    default_payers = {key: row.as_plain() for key, row in payers_by.get(None, {}).items()}
    payers = {
        regency: {**default_payers, **{k: r.as_plain() for k, r in payers_by.get(regency, {}).items()}}
        for regency in regencies
    }
    setting_rows = list(
        BudgetSetting.objects.filter(
            Q(regency__isnull=True) | Q(regency_id__in=regencies), from_year__lte=year
        )
    )
    for row in setting_rows:
        row.key = "setting"
    settings_by = _in_force(setting_rows, regencies, year)
    default_row = settings_by.get(None, {}).get("setting")
    default_setting = default_row.as_plain() if default_row else compute.Setting()
    settings = {
        regency: settings_by[regency]["setting"].as_plain()
        if "setting" in settings_by.get(regency, {})
        else default_setting
        for regency in regencies
    }
    minimums = [m.as_plain() for m in SiltapMinimum.objects.filter(in_year(year))]
    return Rules(year, book, payers, settings, minimums, default_setting)


def _names(region: Region) -> dict[str, str]:
    """Names of the desa and kecamatan under a region (only needed below the province)."""
    if region.level == 1:
        return {}
    return dict(Region.objects.filter(under(region.code), level__gte=3).values_list("code", "name"))


def _children(region: Region, totals: dict[str, compute.Totals]) -> list[tuple[Region, compute.Totals]]:
    if region.level >= 4:
        return []
    return [
        (child, totals.get(child.code, compute.Totals()))
        for child in Region.objects.filter(parent=region).order_by("code")
    ]


def _with_totals(
    children: list[Region], totals: dict[str, compute.Totals]
) -> list[tuple[Region, compute.Totals]]:
    return [(child, totals.get(child.code, compute.Totals())) for child in children]


def region_budget(
    region: Region,
    year: int,
    scenario: compute.Scenario,
    *,
    reference: Month | None = None,
    inputs: Inputs | None = None,
    lines: bool = True,
    per_desa: bool = True,
) -> RegionBudget:
    """A region's live budget. Pass `inputs` to compute several scenarios from one read of the roster;
    `lines=False` gives the same totals without the per-person lines (for the pages of large regions), and
    with `per_desa=False` without the totals per desa either (`budget.desa` empty)."""
    if inputs is None and not lines:
        return region_budgets(region, year, [scenario], reference=reference, lines=False)[0]
    inputs = inputs or budget_inputs(region, year, reference, people=lines)
    plan = inputs.rules.plan(scenario)
    budget = compute.budget_compute(
        plan=plan,
        seats=inputs.seats,
        memberships=inputs.memberships,
        villages=inputs.villages,
        parent_level=region.level,
        lines=lines,
        classes=None if lines else inputs.classes(compute.budget_place_level(region.level, per_desa)),
        per_desa=per_desa,
    )
    return RegionBudget(
        region=region,
        year=year,
        reference=inputs.reference,
        budget=budget,
        children=_with_totals(inputs.child_regions, budget.children),
        names=inputs.names,
        without_nik=inputs.without_nik,
    )


def region_budgets(
    region: Region,
    year: int,
    scenarios: list[compute.Scenario],
    *,
    reference: Month | None = None,
    lines: bool = True,
    desa: "bool | Collection[compute.Scenario]" = True,
) -> list[RegionBudget]:
    """Several scenarios of one region and year, from one read of the roster.

    Totals (`lines=False`, the pages and summaries of regions above a desa) are kept in the cache under the
    data version: reading and computing a province (37,000 positions) takes seconds, and the answer only
    changes when positions, memberships, status rules or budget rules do (`totals_version`). `desa` says
    for which scenarios the totals per desa are wanted (True: all; False: none, `budget.desa` empty): a
    province's page shows its regencies, and a regency's its desa for the chosen scenario only.
    """
    reference = reference or reference_for(year)
    if lines:
        inputs = budget_inputs(region, year, reference)
        return [region_budget(region, year, s, inputs=inputs, lines=True) for s in scenarios]
    # One entry for the totals and per child region (small), one per scenario for the totals per desa (a
    # province's 2,000 desa × six scenarios take 0.4 s to unpickle), read only for the scenarios asked.
    wanted = set(scenarios) if desa is True else set(desa or ())
    key = (
        "budget-totals-3:"
        + hashlib.sha256(
            ":".join(
                [
                    region.code,
                    str(year),
                    str(reference),
                    totals_version(region.code),
                    *(s.name for s in scenarios),
                ]
            ).encode()
        ).hexdigest()
    )
    # The totals, and how many serve without a NIK (said on the page beside them).
    kept: tuple[list[compute.Budget], int] | None = cache.get(key)
    budgets, without_nik = kept if kept is not None else (None, 0)
    per_desa = cache.get_many([f"{key}:desa:{s.name}" for s in scenarios if s in wanted]) if budgets else {}
    if budgets is None or len(per_desa) < len(wanted):
        inputs = budget_inputs(region, year, reference, people=False)
        # The scenarios whose totals per desa are not wanted are summed per child region only: a province's
        # classes of people are then a tenth as many (compute.seat_classes).
        computed = [
            region_budget(region, year, scenario, inputs=inputs, lines=False, per_desa=scenario in wanted)
            for scenario in scenarios
        ]
        cache.set_many(
            {f"{key}:desa:{b.scenario.name}": b.budget.desa for b in computed if b.scenario in wanted},
            timeout=TOTALS_CACHE_SECONDS,
        )
        cache.set(
            key,
            ([replace(b.budget, desa={}) for b in computed], computed[0].without_nik if computed else 0),
            timeout=TOTALS_CACHE_SECONDS,
        )
        return computed
    budgets = [
        replace(budget, desa=per_desa[f"{key}:desa:{budget.scenario.name}"])
        if budget.scenario in wanted
        else budget
        for budget in budgets
    ]
    children = list(Region.objects.filter(parent=region).order_by("code")) if region.level < 4 else []
    names = _names(region) if wanted else {}
    return [
        RegionBudget(
            region=region,
            year=year,
            reference=reference,
            budget=budget,
            children=_with_totals(children, budget.children),
            names=names,
            without_nik=without_nik,
        )
        for budget in budgets
    ]


TOTALS_CACHE_SECONDS = 24 * 3600


def comparison_scenarios(chosen: compute.Scenario) -> list[compute.Scenario]:
    """Current participants; everyone serving (the gap); everyone serving with JHT, JP, both, another JKK
    risk group. The chosen scenario's risk group is kept, so that each row differs by one choice."""
    risk = chosen.risk_group
    other_risk = 2 if risk in (None, 1) else 1
    return [
        compute.Scenario(compute.CURRENT, (), risk),
        compute.Scenario(compute.ALL_SERVING, (), risk),
        compute.Scenario(compute.ALL_SERVING, ("JHT",), risk),
        compute.Scenario(compute.ALL_SERVING, ("JP",), risk),
        compute.Scenario(compute.ALL_SERVING, ("JHT", "JP"), risk),
        compute.Scenario(compute.ALL_SERVING, (), other_risk),
    ]


def page_budgets_warm(region: Region, year: int) -> None:
    """Compute the totals a region's budget page opens with (its default scenario and the comparisons), so
    that they are in the cache under the current data version before anyone asks (budget/tasks.py)."""
    region_budgets(region, year, comparison_scenarios(compute.Scenario(compute.CURRENT)), lines=False)


def totals_version(region_code: str | None = None) -> str:
    """What the budget totals of `region_code` depend on besides the region, year and month, in one query:
    the data version of its province (bumped by every change to positions, enrolments, people, status
    rules and imports there; indicators' `data_changed` and `versioned.data_version_key`, whose national
    version stands in for a province no change has touched yet) and the last change to each table of
    budget rules."""
    from lindungdesa.indicators.models import DataVersion
    from lindungdesa.indicators.versioned import province_of

    tables = [m._meta.db_table for m in (ContributionRule, PayerRule, BudgetSetting, SiltapMinimum)]
    # Timestamps as text: PostgreSQL refuses COALESCE of a timestamp with ''.
    last = "COALESCE(CAST(MAX(updated_at) AS TEXT), '')"
    parts = [f"(SELECT COUNT(*) || '/' || {last} FROM {t})" for t in tables]
    version = DataVersion._meta.db_table
    row_of = "version || '/' || COALESCE(CAST(changed_at AS TEXT), '') FROM " + version + " WHERE province = "
    parts.append(f"COALESCE((SELECT 'p' || {row_of} %s), (SELECT {row_of} ''))")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), [province_of(region_code)])  # noqa: S608 (table names from the models)
        row = cursor.fetchone()
    return "|".join(str(v) for v in row).replace(" ", "T")


def stored_budgets(region: Region, year: int | None = None):
    budgets = Budget.objects.filter(region=region).select_related("created_by")
    if year is not None:
        budgets = budgets.filter(year=year)
    return budgets


def stored_budget(stored: Budget) -> RegionBudget:
    """An adopted budget read back: its own lines, totals and copies of the rules, never today's rules."""
    lines = [line.as_plain() for line in stored.lines.all()]
    persons: dict[int, compute.PersonYear] = {}
    for line in lines:
        person = persons.get(line.person_id)
        if person is None:
            person = persons[line.person_id] = compute.PersonYear(line.person_id, line.name, line.nik)
            person.notes = list(stored.notes.get(str(line.person_id), []))
            person.below_minimum = any(compute.BELOW_MINIMUM in n for n in person.notes)
        person.lines.append(line)
    region = stored.region
    budget = compute.Budget(
        year=stored.year,
        scenario=compute.Scenario.parse(stored.scenario),
        persons=list(persons.values()),
        desa={code: compute.Totals.from_dict(t) for code, t in stored.desa_totals.items()},
        total=compute.Totals.from_dict(stored.totals),
        children={code: compute.Totals.from_dict(t) for code, t in stored.children.items()},
        rules=[compute.Rule.from_dict(r) for r in stored.used_rules],
        payers=[compute.Payer(**p) for p in stored.used_payers],
        settings=[_setting_from(s) for s in stored.used_settings],
        minimums=[_minimum_from(m) for m in stored.used_minimums],
        below_minimum=sum(1 for p in persons.values() if p.below_minimum),
    )
    return RegionBudget(
        region=region,
        year=stored.year,
        reference=Month.parse(stored.reference),
        budget=budget,
        children=_children(region, budget.children),
        stored=stored,
        names=_names(region),
        without_nik=sum(1 for person in budget.persons if not person.nik),
    )


def _setting_from(data: dict) -> compute.Setting:
    return compute.Setting(
        risk_group=data["risk_group"],
        programmes=compute.programme_list(data["programmes"]),
        bpd_category=data["bpd_category"],
        bpd_declared_income=Decimal(data["bpd_declared_income"]),
        id=data.get("id"),
        regency=data.get("regency"),
        from_year=data.get("from_year"),
        legal_basis=data.get("legal_basis", ""),
        # Settings copied before the BPD account was a setting used the default.
        bpd_account=compute.Account(
            data.get("bpd_account", compute.ACCOUNT_BPD_DEFAULT.code),
            data.get("bpd_account_name", compute.ACCOUNT_BPD_DEFAULT.name),
            data.get("bpd_activity", compute.ACCOUNT_BPD_DEFAULT.activity),
            data.get("bpd_activity_name", compute.ACCOUNT_BPD_DEFAULT.activity_name),
        ),
    )


def _minimum_from(data: dict) -> compute.Minimum:
    return compute.Minimum(
        office_class=data["office_class"],
        amount=Decimal(data["amount"]),
        valid_from=date.fromisoformat(data["valid_from"]),
        valid_to=date.fromisoformat(data["valid_to"]) if data.get("valid_to") else None,
        id=data.get("id"),
        legal_basis=data.get("legal_basis", ""),
    )


def payers_in_force(regency: Region, year: int) -> dict[tuple[str, str], compute.Payer]:
    """Who pays what in a regency and year, as the budget would use it (defaults filled in)."""
    plan = plan_for(year, compute.Scenario(), [regency.code])
    return {key: plan.payer_for(regency.code, *key) for key in compute.DEFAULT_PAYERS}


def setting_in_force(regency: Region, year: int) -> compute.Setting:
    return plan_for(year, compute.Scenario(), [regency.code]).setting_for(regency.code)


def village_head(desa: Region, day: date) -> tuple[str, str]:
    """Who signs the budget sheet: the kepala desa (or Pj, Plt) serving on `day`, as (the title's prefix,
    "Pj." or "Plt." or "", and the name); ("", "") when nobody serves."""
    position = (
        Position.objects.filter(serving_on(day), desa=desa, office=Office.KEPALA_DESA)
        .select_related("person")
        .order_by("-term_start")
        .first()
    )
    if position is None:
        return "", ""
    prefix = {Acting.PJ: "Pj.", Acting.PLT: "Plt."}.get(position.acting, "")
    return prefix, position.person.name
