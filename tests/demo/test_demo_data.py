import hashlib
import json
import random
import re
import sys
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lindungdesa.budget.models import BudgetSetting, OfficeClass, SiltapMinimum
from lindungdesa.dev.demodata import DemoDataError, demo_load
from lindungdesa.enrolment.models import Enrolment, StatusRule
from lindungdesa.enrolment.status import Status, status_of
from lindungdesa.indicators.selectors import region_indicators
from lindungdesa.lib.months import Month
from lindungdesa.lib.nik import nik_agrees, nik_check
from lindungdesa.officials.models import BPD_OFFICES, Acting, Group, Office, Person, Position
from lindungdesa.officials.services import position_check
from lindungdesa.regions.models import Region

pytestmark = pytest.mark.django_db

AS_OF = Month(2026, 11)
END = AS_OF.last_day
KAYONG_UTARA = "61.11"  # the smallest kabupaten: 43 desa
MINIMUM = {Office.KEPALA_DESA: Decimal("2426640"), Office.SEKRETARIS_DESA: Decimal("2224420")}


def digest() -> str:
    """A stable fingerprint of every person, position and enrolment (no ids, no timestamps).

    Sorted in Python: the databases' collations order text differently.
    """
    people = Person.objects.values_list("nik", "name", "sex", "birth_date", "phone")
    fields = ("desa_id", "office", "acting", "unit_name", "term_start", "term_end", "planned_term_end")
    fields += ("end_reason", "sk_number", "sk_date", "monthly_income", "person__nik")
    positions = Position.objects.values_list(*fields)
    fields = ("person__nik", "kpj", "programmes", "category", "wage", "start_date", "paid_through", "source")
    enrolments = Enrolment.objects.values_list(*fields)
    h = hashlib.sha256()
    for rows in (people, positions, enrolments):
        for row in sorted(repr(row) for row in rows):
            h.update(row.encode())
    return h.hexdigest()


def run(*args: str) -> str:
    out = StringIO()
    call_command("demo-data", "--province", "61", *args, stdout=out)
    return out.getvalue()


def age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def test_the_province_matches_the_published_picture():
    summary = demo_load(province_code="61", seed=1, as_of=AS_OF)

    total = region_indicators(Region.objects.get(code="61"), AS_OF).total
    assert summary.indicators == total.as_dict()
    assert total.villages == 2046
    assert abs(100 - total.villages_registered_pct - 16) <= 2
    assert abs(total.aparat_coverage_pct - 84) <= 2
    assert abs(total.bpd_coverage_pct - 63) <= 2
    assert summary.persons > 35_000

    positions = list(
        Position.objects.values_list(
            "desa_id", "desa__district_code", "office", "group", "acting", "unit_name", "term_start",
            "term_end", "planned_term_end", "end_reason", "monthly_income", "person_id",
        )
    )  # fmt: skip
    assert not Position.objects.exclude(desa__kind__in=Region.VILLAGE_KINDS).exists()

    # History: earlier holders whose term ended in the last 24 months, never serving beside their successor.
    ended = [p for p in positions if p[7] is not None and p[7] < END]
    assert len(ended) > 500
    assert all(p[9] in (Position.EndReason.REPLACED, Position.EndReason.TERM_COMPLETED) for p in ended)
    assert all(p[7] >= AS_OF.add(-24).first_day for p in ended)
    assert {p[2] for p in ended} >= {Office.KEPALA_DESA, Office.SEKRETARIS_DESA, Office.KEPALA_DUSUN}

    persons = {
        pk: (nik, sex, birth, phone)
        for pk, nik, sex, birth, phone in Person.objects.values_list(
            "pk", "nik", "sex", "birth_date", "phone"
        )
    }
    serving_by_person = Counter(p[11] for p in positions if p[7] is None or p[7] >= END)
    assert max(serving_by_person.values()) == 1  # nobody holds two offices at once

    for nik, sex, birth, phone in persons.values():
        facts = nik_check(nik, reference_date=END)
        assert nik_agrees(facts, birth_date=birth, sex=sex) == []
        assert re.fullmatch(r"08\d{10}", phone) or phone == ""
    for desa, district, office, _g, _a, _u, _s, _e, _pe, _r, _i, person in positions:
        assert persons[person][0][:6] == district.replace(".", ""), (desa, office)

    # Rosters serving at the end of the month.
    roster: dict[str, list] = defaultdict(list)
    for p in positions:
        if p[7] is None or p[7] >= END:
            roster[p[0]].append(p)
    assert len(roster) == 2046
    for desa, seats in roster.items():
        offices = Counter(p[2] for p in seats)
        assert offices[Office.KEPALA_DESA] == 1 and offices[Office.SEKRETARIS_DESA] == 1, desa
        assert (
            2
            <= sum(offices[o] for o in (Office.KAUR_TU_UMUM, Office.KAUR_KEUANGAN, Office.KAUR_PERENCANAAN))
            <= 3
        )
        assert (
            2
            <= sum(
                offices[o]
                for o in (Office.KASI_PEMERINTAHAN, Office.KASI_KESEJAHTERAAN, Office.KASI_PELAYANAN)
            )
            <= 3
        )
        dusun = [p[5] for p in seats if p[2] == Office.KEPALA_DUSUN]
        assert 2 <= len(dusun) <= 6 and len(set(dusun)) == len(dusun) and all(dusun), desa
        bpd = [p for p in seats if p[3] == Group.BPD]
        assert len(bpd) in (5, 7, 9), desa
        assert (
            offices[Office.BPD_KETUA]
            == offices[Office.BPD_WAKIL_KETUA]
            == offices[Office.BPD_SEKRETARIS]
            == 1
        )
        assert sum(persons[p[11]][1] == "P" for p in bpd) >= 0.3 * len(bpd), desa
        for p in seats:
            years = age(persons[p[11]][2], END)
            if p[2] == Office.KEPALA_DESA:
                assert 30 <= years <= 59
            elif p[3] == Group.APARAT:
                assert 22 <= years <= 59
            else:
                assert 25 <= years <= 65
    acting = [p for p in positions if p[4]]
    assert acting and all(p[4] == Acting.PJ and p[2] == Office.KEPALA_DESA for p in acting)

    # Pay: at or above the legal minimum siltap; BPD an allowance.
    for p in positions:
        if p[3] == Group.APARAT:
            assert p[10] >= MINIMUM.get(p[2], Decimal("2022200"))
        else:
            assert Decimal("500000") <= p[10] <= Decimal("2000000")

    # Enrolments: protected, in arrears, inactive, and some of people who have since left office.
    enrolments = list(
        Enrolment.objects.values_list(
            "person_id", "kpj", "programmes", "category", "wage", "start_date", "paid_through", "source",
            "person__positions__desa__regency_code", "person__positions__group",
            "person__positions__monthly_income",
        )
    )  # fmt: skip
    assert len({e[1] for e in enrolments}) == len(enrolments)
    assert all(re.fullmatch(r"\d{11}", e[1]) for e in enrolments)
    assert all(e[7] == Enrolment.Source.DEMO for e in enrolments)
    programmes = Counter(e[2] for e in enrolments)
    assert set(programmes) == {"JKK,JKM", "JKK,JKM,JHT"}
    assert programmes["JKK,JKM"] > programmes["JKK,JKM,JHT"] > 0
    bpd_category: dict[str, set[str]] = defaultdict(set)
    for _person, _kpj, _p, category, wage, start, paid, _s, regency, group, income in enrolments:
        assert start <= END and paid >= date(start.year, start.month, 1)
        if group == Group.APARAT:
            assert category == "PU" and wage == income
        else:
            bpd_category[regency].add(category)
            assert wage == (Decimal("1000000") if category == "BPU" else income)
    assert all(len(categories) == 1 for categories in bpd_category.values())
    assert {c for categories in bpd_category.values() for c in categories} == {"PU", "BPU"}
    unpaid = Counter(AS_OF - Month.of(e[6]) for e in enrolments)
    assert unpaid[2] + unpaid[3] > 100  # in arrears
    assert sum(n for months, n in unpaid.items() if months > 3) > 100  # inactive
    left = {p[11] for p in ended}
    assert sum(1 for e in enrolments if e[0] in left) > 100

    # 24 months of history: a steady rise to the calibrated figures, without jumps.
    province = Region.objects.get(code="61")
    trend = [region_indicators(province, AS_OF.add(-k)).total for k in range(23, -1, -1)]
    aparat = [t.aparat_coverage_pct for t in trend]
    bpd = [t.bpd_coverage_pct for t in trend]
    registered = [t.villages_registered_pct for t in trend]
    assert 50 <= aparat[0] <= 68 and aparat[-1] == total.aparat_coverage_pct
    assert bpd[0] < bpd[-1] - 15 and registered[0] < registered[-1] - 15
    for series in (aparat, bpd, registered):
        steps = [b - a for a, b in zip(series, series[1:], strict=False)]
        assert all(-1 <= step <= 3 for step in steps), series


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    demo_load(province_code="61", seed=7, as_of=AS_OF, regency_codes=[KAYONG_UTARA])
    first = digest()
    assert Position.objects.values("desa__regency_code").distinct().count() == 1

    demo_load(province_code="61", seed=7, as_of=AS_OF, regency_codes=[KAYONG_UTARA], replace=True)
    assert digest() == first

    demo_load(province_code="61", seed=8, as_of=AS_OF, regency_codes=[KAYONG_UTARA], replace=True)
    assert digest() != first


def test_generated_positions_pass_the_office_rules():
    demo_load(province_code="61", seed=3, as_of=AS_OF, regency_codes=[KAYONG_UTARA])
    positions = list(Position.objects.select_related("desa", "person").order_by("pk"))
    sample = random.Random(0).sample(positions, 150)
    sample += [p for p in positions if p.acting or p.end_reason]  # every Pj and every ended term
    for position in sample:
        position_check(position, region=None)
        position.full_clean(exclude=["group"])
        position.person.full_clean()


def test_the_command_refuses_to_load_twice_without_replace():
    out = run("--regency", KAYONG_UTARA, "--seed", "2", "--as-of", "2026-11")
    assert "Data demo Kalimantan Barat (61), kabupaten 61.11, benih 2, keadaan akhir November 2026" in out
    assert "Aparat desa terlindungi" in out and "Anggota BPD terlindungi" in out
    positions = Position.objects.count()

    with pytest.raises(CommandError, match="--replace"):
        run("--regency", KAYONG_UTARA, "--seed", "5", "--as-of", "2026-11")
    assert Position.objects.count() == positions

    out = run("--regency", KAYONG_UTARA, "--seed", "2", "--as-of", "2026-11", "--replace")
    assert f"Dihapus dulu: {Person.objects.count():,} orang".replace(",", ".") in out
    assert Position.objects.count() == positions


def test_replace_keeps_other_regencies_and_other_provinces_people():
    demo_load(province_code="61", seed=1, as_of=AS_OF, regency_codes=["61.11", "61.02"])
    mempawah = Position.objects.filter(desa__regency_code="61.02").count()
    demo_load(province_code="61", seed=2, as_of=AS_OF, regency_codes=["61.11"], replace=True)
    assert Position.objects.filter(desa__regency_code="61.02").count() == mempawah


def test_the_command_prints_json():
    data = json.loads(run("--regency", KAYONG_UTARA, "--as-of", "2026-11", "--json"))
    assert data["villages"] == 43 and data["as_of"] == "2026-11" and data["seed"] == 1
    assert data["indicators"]["villages"] == 43
    assert (
        data["indicators"]["aparat_serving"]
        == Position.objects.filter(group=Group.APARAT, term_start__lte=END).exclude(term_end__lt=END).count()
    )


def test_it_needs_the_regions_first():
    with pytest.raises(CommandError, match="lindungdesa load-regions --province 62"):
        call_command("demo-data", "--province", "62", stdout=StringIO())


def test_it_rejects_a_regency_of_another_province_and_a_bad_month():
    with pytest.raises(DemoDataError, match="62.01"):
        demo_load(province_code="61", seed=1, as_of=AS_OF, regency_codes=["62.01"])
    with pytest.raises(CommandError, match="TTTT-BB"):
        run("--as-of", "November")


def test_kelurahan_get_nobody_and_bpd_offices_are_bpd():
    demo_load(province_code="61", seed=1, as_of=AS_OF, regency_codes=["61.02"])
    assert not Position.objects.filter(desa__kind=Region.Kind.KELURAHAN).exists()
    assert set(Position.objects.filter(group=Group.BPD).values_list("office", flat=True)) == set(BPD_OFFICES)


def test_it_follows_the_dated_rules_in_force():
    """A shorter grace, a higher minimum siltap and BPD income: the demo obeys them as the product does."""
    StatusRule.objects.create(valid_from=date(2026, 1, 1), grace_months=0, lapse_months=2)
    SiltapMinimum.objects.create(
        office_class=OfficeClass.KEPALA_DESA,
        amount=Decimal(3_000_000),
        valid_from=date(2026, 1, 1),
        legal_basis="uji",
    )
    BudgetSetting.objects.create(from_year=2026, bpd_declared_income=Decimal(1_250_000), legal_basis="uji")
    demo_load(province_code="61", seed=7, as_of=AS_OF, regency_codes=[KAYONG_UTARA])

    serving = Position.objects.filter(term_start__lte=END).exclude(term_end__lt=END)
    kades = serving.filter(office=Office.KEPALA_DESA).values_list("monthly_income", flat=True)
    assert min(kades) >= Decimal(3_000_000)
    wages = set(Enrolment.objects.filter(category="BPU").values_list("wage", flat=True))
    assert wages in (set(), {Decimal(1_250_000)})
    # Calibrated under the rule in force: with no grace month, the protected are paid through this month.
    totals = region_indicators(Region.objects.get(code=KAYONG_UTARA), AS_OF).total
    assert abs(totals.aparat_coverage_pct - 84) <= 3
    rule = StatusRule.for_period(AS_OF)
    statuses = Counter(
        status_of(start, paid, AS_OF, rule)
        for start, paid in Enrolment.objects.filter(person__positions__in=serving).values_list(
            "start_date", "paid_through"
        )
    )
    assert statuses[Status.ARREARS] > 0 and statuses[Status.INACTIVE] > 0


def test_without_faker_the_command_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "faker", None)
    monkeypatch.delitem(sys.modules, "lindungdesa.dev.demodata", raising=False)
    with pytest.raises(CommandError, match=r"pip install 'lindungdesa\[demo\]'"):
        run("--regency", KAYONG_UTARA)
