"""Premium arithmetic, worked by hand from docs/domain.md §2 (no database)."""

from datetime import date
from decimal import Decimal

import pytest

from lindungdesa.budget import compute
from lindungdesa.budget.compute import (
    ALL_SERVING,
    APARAT,
    BPD,
    BPU,
    CURRENT,
    PU,
    Cover,
    Membership,
    Minimum,
    Plan,
    Rule,
    RuleBook,
    Scenario,
    Seat,
    Setting,
    allocate,
    budget_compute,
    months_in_term,
    person_year,
    premium_month,
    premium_year,
)
from lindungdesa.lib.months import Month

D = Decimal
START = date(2015, 7, 1)
KADES, SEKDES, PERANGKAT = D("2426640"), D("2224420"), D("2022200")  # minimum siltap, PP 11/2019


def rule(pk, programme, category, *, risk=None, er="0", wr="0", ea="0", floor=None, ceiling=None, **dates):
    return Rule(
        id=pk,
        programme=programme,
        category=category,
        risk_group=risk,
        employer_rate=D(er),
        worker_rate=D(wr),
        employer_amount=D(ea),
        worker_amount=D(0),
        wage_floor=None if floor is None else D(floor),
        wage_ceiling=None if ceiling is None else D(ceiling),
        valid_from=dates.get("valid_from", START),
        valid_to=dates.get("valid_to"),
        legal_basis=f"dasar {programme} {category}",
    )


# docs/domain.md §2, as the seed migration has it.
RULES = [
    *(rule(g, "JKK", PU, risk=g, er=r) for g, r in enumerate(("0.24", "0.54", "0.89", "1.27", "1.74"), 1)),
    rule(6, "JKM", PU, er="0.30"),
    rule(7, "JHT", PU, er="3.7", wr="2"),
    rule(
        8,
        "JP",
        PU,
        er="2",
        wr="1",
        ceiling="10042300",
        valid_from=date(2024, 3, 1),
        valid_to=date(2025, 2, 28),
    ),  # noqa: E501
    rule(9, "JP", PU, er="2", wr="1", ceiling="10547400", valid_from=date(2025, 3, 1)),
    rule(10, "JKK", BPU, er="1", floor="1000000"),
    rule(11, "JKM", BPU, ea="6800"),
    rule(12, "JHT", BPU, er="2", floor="1000000"),
]
BOOK = RuleBook(RULES)
MINIMUMS = [
    Minimum(compute.KEPALA_DESA, KADES, date(2020, 1, 1), legal_basis="PP 11/2019"),
    Minimum(compute.SEKRETARIS_DESA, SEKDES, date(2020, 1, 1), legal_basis="PP 11/2019"),
    Minimum(compute.PERANGKAT, PERANGKAT, date(2020, 1, 1), legal_basis="PP 11/2019"),
]
JAN_2027 = date(2027, 1, 1)


def pu(income: Decimal, *programmes: str, risk: int = 1) -> Cover:
    return Cover(PU, programmes or ("JKK", "JKM"), income, risk)


EVERYONE = Scenario(ALL_SERVING)


def plan(scenario: Scenario = EVERYONE, year: int = 2027) -> Plan:
    return Plan(year=year, scenario=scenario, book=BOOK, minimums=MINIMUMS)


def seat(pk: int, office: str = "kepala_desa", income: Decimal = KADES, **kwargs) -> Seat:
    values = {
        "position_id": pk,
        "person_id": pk,
        "desa": "61.03.01.2007",
        "group": BPD if office.startswith("bpd_") else APARAT,
        "office": office,
        "office_label": office,
        "name": f"Orang {pk}",
        "nik": f"{pk:016d}",
        "term_start": date(2020, 1, 1),
        "term_end": None,
        "income": income,
    }
    values.update(kwargs)
    return Seat(**values)


# --- one month -------------------------------------------------------------------------------------------


def test_kepala_desa_at_the_minimum_siltap_costs_13104_a_month():
    premium = premium_month(cover=pu(KADES), book=BOOK, day=JAN_2027)
    assert [p.exact for p in premium.parts] == [D("5823.936"), D("7279.92")]
    assert premium.exact == D("13103.856")
    assert premium.total == 13104
    assert [amount for _part, amount in premium.rounded()] == [5824, 7280]


@pytest.mark.parametrize(
    ("income", "exact", "rounded"),
    [
        (KADES, "13103.856", 13104),
        (SEKDES, "12011.868", 12012),  # 5338.608 + 6673.26
        (PERANGKAT, "10919.88", 10920),  # 4853.28 + 6066.60
    ],
)
def test_the_minimum_siltap_of_each_office(income, exact, rounded):
    premium = premium_month(cover=pu(income), book=BOOK, day=JAN_2027)
    assert premium.exact == D(exact)
    assert premium.total == rounded
    assert premium_year(cover=pu(income), book=BOOK, year=2027) == 12 * rounded


def test_the_smallest_bpu_bundle_is_16800_and_with_jht_36800():
    bundle = premium_month(cover=Cover(BPU, ("JKK", "JKM"), D(1_000_000)), book=BOOK, day=JAN_2027)
    assert bundle.by_programme() == {"JKK": 10_000, "JKM": 6_800, "JHT": 0, "JP": 0}
    assert bundle.total == 16_800
    with_jht = premium_month(cover=Cover(BPU, ("JKK", "JKM", "JHT"), D(1_000_000)), book=BOOK, day=JAN_2027)
    assert with_jht.total == 36_800


def test_a_declared_income_below_the_bpu_floor_pays_as_rp_1000000():
    premium = premium_month(cover=Cover(BPU, ("JKK", "JKM"), D(750_000)), book=BOOK, day=JAN_2027)
    assert premium.total == 16_800


def test_bpu_has_no_jp():
    premium = premium_month(cover=Cover(BPU, ("JKK", "JKM", "JP"), D(1_000_000)), book=BOOK, day=JAN_2027)
    assert premium.unavailable == ("JP",)
    assert premium.total == 16_800


def test_jp_above_the_ceiling_is_3_percent_of_the_ceiling():
    cover = pu(D(12_000_000), "JP")
    # From March 2025 the ceiling is Rp 10,547,400: 2 % = 210,948 (employer), 1 % = 105,474 (official).
    march = premium_month(cover=cover, book=BOOK, day=date(2026, 1, 1))
    assert [(p.share, p.exact) for p in march.parts] == [("employer", D("210948")), ("worker", D("105474"))]
    assert march.total == 316_422
    # Before, Rp 10,042,300: 200,846 + 100,423.
    assert premium_month(cover=cover, book=BOOK, day=date(2025, 2, 1)).total == 301_269
    # A fiscal year across the change: two months at the old ceiling, ten at the new one.
    assert premium_year(cover=cover, book=BOOK, year=2025) == 2 * 301_269 + 10 * 316_422


def test_jp_below_the_ceiling_is_3_percent_of_the_wage():
    assert premium_month(cover=pu(KADES, "JP"), book=BOOK, day=JAN_2027).exact == D("72799.20")


def test_jht_is_split_between_employer_and_official():
    premium = premium_month(cover=pu(KADES, "JHT"), book=BOOK, day=JAN_2027)
    shares = [(p.share, p.exact) for p in premium.parts]
    assert shares == [("employer", D("89785.68")), ("worker", D("48532.80"))]


def test_the_jkk_risk_group_changes_only_jkk():
    low = premium_month(cover=pu(KADES, risk=1), book=BOOK, day=JAN_2027)
    high = premium_month(cover=pu(KADES, risk=2), book=BOOK, day=JAN_2027)
    assert high.parts[0].exact == D("13103.856")  # 0.54 % of 2,426,640
    assert high.parts[1].exact == low.parts[1].exact
    assert high.total == 20384  # 13103.856 + 7279.92 = 20383.776


def test_a_programme_without_a_rule_that_month_is_reported_not_guessed():
    premium = premium_month(cover=pu(KADES, "JKK", "JP"), book=BOOK, day=date(2024, 1, 1))
    assert premium.missing == ("JP",)
    assert premium.total == 5824


# --- rounding --------------------------------------------------------------------------------------------


def test_rounding_is_half_up_to_whole_rupiah():
    assert compute.rupiah(D("0.5")) == 1
    assert compute.rupiah(D("2.5")) == 3  # not to even
    assert compute.rupiah(D("13103.499")) == 13103
    assert compute.rupiah(D("13103.5")) == 13104


def test_a_persons_month_is_rounded_once_and_shared_among_its_parts():
    # Kepala desa with JKK + JKM + JHT: 5823.936 + 7279.92 + 89785.68 + 48532.80 = 151422.336.
    premium = premium_month(cover=pu(KADES, "JKK", "JKM", "JHT"), book=BOOK, day=JAN_2027)
    assert premium.exact == D("151422.336")
    assert premium.total == 151_422
    assert [a for _p, a in premium.rounded()] == [5824, 7280, 89785, 48533]
    # Rounding each part on its own would budget a rupiah more than the person's month.
    assert sum(compute.rupiah(p.exact) for p in premium.parts) == 151_423


def test_allocate_keeps_the_sum_and_each_part_within_a_rupiah():
    assert allocate([D("0.4"), D("0.4")]) == [1, 0]  # 0.8 rounds to 1; the earlier part takes it
    assert allocate([D("0.5")]) == [1]
    assert allocate([D("1.2"), D("2.3"), D("3.4")]) == [1, 2, 4]  # 6.9 → 7; largest fraction first
    assert allocate([]) == []


# --- months and people -----------------------------------------------------------------------------------


def test_a_term_ending_in_june_counts_six_months():
    assert months_in_term(date(2020, 1, 1), date(2027, 6, 15), 2027) == (1, 2, 3, 4, 5, 6)
    result = person_year([seat(1, term_end=date(2027, 6, 15))], None, plan())
    assert result.months == 6
    assert result.amount == 6 * 13_104
    assert any("berakhir 15-06-2027" in note and "Juni 2027" in note for note in result.notes)


def test_a_term_starting_in_march_counts_from_march():
    assert months_in_term(date(2027, 3, 20), None, 2027) == tuple(range(3, 13))
    assert months_in_term(date(2028, 1, 1), None, 2027) == ()
    assert months_in_term(date(2020, 1, 1), date(2026, 12, 31), 2027) == ()
    result = person_year([seat(1, term_start=date(2027, 3, 20))], None, plan())
    assert result.amount == 10 * 13_104


def test_one_premium_a_month_when_an_official_changes_office_mid_month():
    # Sekretaris until 14 April, kepala desa from 15 April: April is paid once, for the new office.
    seats = [
        seat(1, "sekretaris_desa", SEKDES, term_end=date(2027, 4, 14)),
        seat(2, "kepala_desa", KADES, person_id=1, term_start=date(2027, 4, 15)),
    ]
    result = person_year(seats, None, plan())
    assert result.months == 12
    assert result.amount == 3 * 12_012 + 9 * 13_104
    held = {(line.position_id, line.first_month, line.last_month) for line in result.lines}
    assert held == {(1, 1, 3), (2, 4, 12)}


def test_income_below_the_minimum_siltap_is_flagged():
    result = person_year([seat(1, "kaur_keuangan", D(2_000_000))], None, plan())
    assert result.below_minimum
    assert "Penghasilan Rp2.000.000 di bawah siltap minimum Rp2.022.200." in result.notes
    assert not person_year([seat(2, "kaur_keuangan", PERANGKAT)], None, plan()).below_minimum
    # BPD members receive an allowance, not a siltap.
    assert not person_year([seat(3, "bpd_anggota", D(700_000))], None, plan()).below_minimum


def test_an_income_not_filled_in_is_said_not_hidden():
    # An aparat's siltap is at least the legal minimum: the budget's floor, said in the notes.
    # Perangkat minimum Rp2.022.200 x (JKK 0,24 % + JKM 0,30 %) = 10.919,88 -> Rp10.920 a month.
    result = person_year([seat(1, "kaur_keuangan", D(0))], None, plan())
    assert result.amount == 12 * 10_920
    assert result.notes == [
        "Belum terdaftar: dianggarkan dengan program dan kategori bawaan kabupaten.",
        "Penghasilan bulanan belum diisi: dianggarkan dengan siltap minimum Rp2.022.200; "
        "lengkapi penghasilannya.",
    ]
    # A BPD allowance has no minimum to stand in: Rp0, said.
    as_pu = Plan(2027, EVERYONE, BOOK, default_setting=Setting(bpd_category=PU), minimums=MINIMUMS)
    member = person_year([seat(2, "bpd_anggota", D(0))], None, as_pu)
    assert member.amount == 0
    assert "Penghasilan bulanan belum diisi: iuran tidak dapat dihitung (Rp0)." in member.notes


def test_current_participants_keep_their_programmes_and_others_are_left_out():
    current = plan(Scenario(CURRENT))
    enrolled = Membership(PU, ("JKK", "JKM", "JHT"), D(0))
    assert person_year([seat(1)], enrolled, current).programmes == ("JKK", "JKM", "JHT")
    assert person_year([seat(2)], None, current) is None
    # Everyone serving: the not-enrolled get the regency's defaults (aparat PU JKK + JKM).
    assert person_year([seat(2)], None, plan()).amount == 12 * 13_104


def test_bpd_members_not_enrolled_are_budgeted_as_the_regency_registers_them():
    member = seat(1, "bpd_anggota", D(700_000))
    as_bpu = Plan(2027, Scenario(ALL_SERVING), BOOK, default_setting=Setting(bpd_category=BPU))
    assert person_year([member], None, as_bpu).amount == 12 * 16_800
    as_pu = Plan(2027, Scenario(ALL_SERVING), BOOK, default_setting=Setting(bpd_category=PU))
    assert person_year([member], None, as_pu).amount == 12 * compute.rupiah(D(700_000) * D("0.0054"))


def test_a_bpu_member_pays_on_the_income_declared_to_bpjs():
    member = seat(1, "bpd_ketua", D(1_200_000))
    result = person_year([member], Membership(BPU, ("JKK", "JKM"), D(1_500_000)), plan(Scenario(CURRENT)))
    assert result.amount == 12 * (15_000 + 6_800)


def test_who_pays_follows_the_payer_table():
    p = plan(Scenario(ALL_SERVING, ("JHT", "JP")))
    result = person_year([seat(1)], None, p)
    by_source = {s: result.amount_by_source(s) for s in compute.SOURCES}
    # JKK + JKM + JHT employer share from the APBD, JP's from APBDes; the worker shares: the official.
    month = premium_month(cover=pu(KADES, "JKK", "JKM", "JHT", "JP"), book=BOOK, day=JAN_2027)
    amounts = {(p.programme, p.share): a for p, a in month.rounded()}
    employer = amounts["JKK", "employer"] + amounts["JKM", "employer"] + amounts["JHT", "employer"]
    assert by_source["APBD"] == 12 * employer
    assert by_source["APBDES"] == 12 * amounts["JP", "employer"]
    assert by_source["PESERTA"] == 12 * (amounts["JHT", "worker"] + amounts["JP", "worker"])
    assert sum(by_source.values()) == result.amount == 12 * month.total


# --- scenarios, memberships, years -----------------------------------------------------------------------


def test_scenario_names_round_trip():
    for name in ("current", "all-serving", "all-serving+JHT", "current+JHT+JP", "all-serving+JP+risiko-3"):
        assert Scenario.parse(name).name == name
    assert Scenario(ALL_SERVING, ("JP", "JHT")).name == "all-serving+JHT+JP"
    assert Scenario.parse("all-serving+JHT").label == "Semua yang menjabat + JHT"


@pytest.mark.parametrize("name", ["semua", "current+JKP", "current+risiko-9", ""])
def test_an_unknown_scenario_is_refused_in_indonesian(name):
    with pytest.raises(ValueError, match="Skenario|skenario|Kelompok risiko|Program tambahan"):
        Scenario.parse(name)


def test_years_are_checked():
    assert compute.parse_year("2027", this_year=2026) == 2027
    with pytest.raises(ValueError, match="empat angka"):
        compute.parse_year("27", this_year=2026)
    with pytest.raises(ValueError, match="antara 2024 dan 2031"):
        compute.parse_year("2040", this_year=2026)
    with pytest.raises(ValueError, match="antara 2024"):
        compute.parse_year("2019", this_year=2026)


def test_a_current_participant_is_protected_or_in_arrears_at_the_reference_month():
    ref = Month(2026, 11)
    paid = lambda month: ("PU", "JKK,JKM", D(0), date(2024, 1, 1), month)  # noqa: E731
    kwargs = {"reference": ref, "grace_months": 1, "lapse_months": 3}
    assert compute.current_membership([paid(date(2026, 10, 1))], **kwargs).programmes == ("JKK", "JKM")
    assert compute.current_membership([paid(date(2026, 8, 1))], **kwargs) is not None  # in arrears
    assert compute.current_membership([paid(date(2026, 7, 1))], **kwargs) is None  # lapsed
    later = ("BPU", "JKK,JKM", D(0), date(2026, 12, 1), date(2026, 12, 1))
    assert compute.current_membership([later], **kwargs) is None  # starts after the reference month


def test_totals_add_up_from_people_to_desa_to_region():
    seats = [
        seat(1),
        seat(2, "sekretaris_desa", SEKDES),
        seat(3, "kaur_keuangan", PERANGKAT, desa="61.03.01.2008"),
        seat(4, "kepala_desa", KADES, desa="61.03.02.2001", term_end=date(2027, 6, 30)),
    ]
    villages = ["61.03.01.2007", "61.03.01.2008", "61.03.02.2001", "61.03.02.2002"]
    budget = budget_compute(plan=plan(), seats=seats, memberships={}, villages=villages, parent_level=2)
    assert budget.desa["61.03.01.2007"].total == 12 * (13_104 + 12_012)
    assert budget.desa["61.03.01.2008"].total == 12 * 10_920
    assert budget.desa["61.03.02.2001"].total == 6 * 13_104
    assert budget.desa["61.03.02.2002"].total == 0
    assert budget.children["61.03.01"].total == 12 * (13_104 + 12_012 + 10_920)
    assert (
        budget.total.total
        == sum(t.total for t in budget.desa.values())
        == sum(t.total for t in budget.children.values())
    )
    assert budget.total.persons == 4
    assert budget.total.by_source == {"APBD": budget.total.total, "APBDES": 0, "PESERTA": 0}
    assert budget.total.by_programme["JKK"] + budget.total.by_programme["JKM"] == budget.total.total
    assert [r.id for r in budget.rules] == [1, 6]  # JKK group I and JKM


def test_the_totals_only_path_gives_the_same_sums():
    seats = [seat(i, "kaur_keuangan", PERANGKAT + i % 3) for i in range(1, 40)]
    seats += [seat(100, term_end=date(2027, 4, 1)), seat(101, "bpd_anggota", D(800_000))]
    memberships = {i: Membership(PU, ("JKK", "JKM", "JHT"), D(0)) for i in range(1, 20)}
    for scenario in (Scenario(CURRENT), Scenario(ALL_SERVING, ("JP",), 3)):
        kwargs = {"seats": seats, "memberships": memberships, "villages": ["61.03.01.2007"]}
        kwargs["parent_level"] = 3
        full = budget_compute(plan=plan(scenario), **kwargs)
        fast = budget_compute(plan=plan(scenario), lines=False, **kwargs)
        assert fast.total == full.total
        assert fast.desa == full.desa and fast.children == full.children
        assert [r.id for r in fast.rules] == [r.id for r in full.rules]
        assert fast.payers == full.payers


def test_the_totals_of_a_region_s_children_alone_are_the_sums_of_their_desa_from_fewer_classes():
    # Sanggau (61.03) and Sambas (61.01) in a province: people alike in two desa of one regency are one
    # class when only the regencies' totals are wanted; a person serving in two desa still counts in each.
    seats = [seat(i, "kaur_keuangan", PERANGKAT, desa="61.03.01.2007") for i in range(1, 6)]
    seats += [seat(i, "kaur_keuangan", PERANGKAT, desa="61.03.02.2001") for i in range(6, 11)]
    seats += [seat(20, desa="61.01.01.2001"), seat(21, "bpd_anggota", D(800_000), desa="61.01.01.2001")]
    seats += [
        seat(30, term_end=date(2027, 3, 31)),
        seat(31, desa="61.03.01.2008", person_id=30, term_start=date(2027, 4, 1)),
    ]
    seats += [seat(32, "sekretaris_desa", SEKDES - 1, desa="61.03.02.2001", term_start=date(2027, 5, 2))]
    memberships = {i: Membership(PU, ("JKK", "JKM", "JHT"), D(0)) for i in (1, 2, 6, 20)}
    villages = ["61.01.01.2001", "61.03.01.2007", "61.03.01.2008", "61.03.02.2001", "61.03.02.2002"]
    desa_classes = compute.seat_classes(seats=seats, memberships=memberships, year=2027)
    regency_classes = compute.seat_classes(seats=seats, memberships=memberships, year=2027, place_level=2)
    assert len(regency_classes) < len(desa_classes)
    for scenario in (Scenario(CURRENT), Scenario(ALL_SERVING), Scenario(ALL_SERVING, ("JHT", "JP"), 2)):
        kwargs = {"seats": seats, "memberships": memberships, "villages": villages, "parent_level": 1}
        by_desa = budget_compute(plan=plan(scenario), lines=False, **kwargs)
        by_regency = budget_compute(plan=plan(scenario), lines=False, per_desa=False, **kwargs)
        with_lines = budget_compute(plan=plan(scenario), **kwargs)
        assert by_regency.desa == {} and set(by_regency.children) == {"61.01", "61.03"}
        assert by_regency.children == by_desa.children == with_lines.children
        assert by_regency.total == by_desa.total == with_lines.total
        assert by_regency.below_minimum == by_desa.below_minimum == with_lines.below_minimum
        assert [r.id for r in by_regency.rules] == [r.id for r in with_lines.rules]
        assert by_regency.payers == with_lines.payers and by_regency.settings == with_lines.settings
    everyone = budget_compute(plan=plan(), lines=False, per_desa=False, **kwargs)
    assert everyone.children["61.03"].persons == 13  # person 30 counts in Penyeladi and in Nanga Biang


def test_a_refused_year_is_quoted_cut_to_a_year_s_length():
    """A NIK sent as a year (the API, the command line, a form) is never shown back whole (audit10)."""
    with pytest.raises(ValueError) as exc:
        compute.parse_year("6103014708920077", this_year=2026)
    assert "6103…" in str(exc.value) and "6103014708920077" not in str(exc.value)
