import hashlib
import json
import random
import sys
from collections import Counter
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
from lindungdesa.officials.models import BPD_OFFICES, Group, Office, Person, Position
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
