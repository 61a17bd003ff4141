"""`FieldCheck` remembers which values passed Django's field checks: whatever it accepts, after any
sequence of objects, `clean_fields` accepts too, and what `clean_fields` refuses it refuses with Django's
own messages."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindungdesa.enrolment.models import Enrolment
from lindungdesa.imports.engine import FieldCheck
from lindungdesa.imports.services import bpjs_import_file
from lindungdesa.lib.months import Month
from lindungdesa.lib.values import KPJ_MAX_DIGITS, parse_text
from lindungdesa.officials.models import Office, Person, Position
from tests.factories import make_nik
from tests.imports.conftest import BPJS_HEADER, to_csv
from tests.imports.test_bpjs_import import extract_row

TEXTS = st.sampled_from(
    [
        "",
        " ",
        "a",
        "L",
        "P",
        "X",
        "PLT",
        "plt",
        *(o.value for o in Office),
        *("x" * n for n in (16, 17, 80, 81, 151)),
    ]
)
DATES = st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)))
DECIMALS = st.one_of(
    st.none(),
    st.sampled_from(
        [0, 1, 2.5, Decimal("2"), Decimal("2.00"), Decimal("2.001"), Decimal("1E+20"), Decimal("-1")]
    ),
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**13), max_value=10**13),
)
OTHERS = st.one_of(st.none(), TEXTS, st.sampled_from([0, 1, True, False]))


def values_for(field):
    """Values of the kinds an import gives a field, beside ones it never should."""
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return st.none()  # set by Django (auto_now)
    if kind == "DateField":
        return DATES
    return DECIMALS if kind == "DecimalField" else OTHERS


def django_says(obj, exclude) -> bool:
    try:
        obj.clean_fields(exclude=exclude)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    ("model", "exclude"),
    [
        (Person, ()),
        (Person, ("nik",)),
        (Position, ("group", "person", "desa")),
        (Enrolment, ("person", "batch")),
    ],
)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_what_the_remembering_check_accepts_clean_fields_accepts(model, exclude, data):
    fields = {
        f.attname: f for f in model._meta.concrete_fields if f.name not in exclude and not f.primary_key
    }
    names = list(fields)
    check = FieldCheck(model, exclude)
    plain = [(f.attname, v) for f in model._meta.concrete_fields for v in [f.get_default()]]
    for _ in range(data.draw(st.integers(1, 6))):
        obj = model(**{k: v for k, v in plain if k in names})
        for name in data.draw(st.lists(st.sampled_from(names), max_size=4, unique=True)):
            obj.__dict__[name] = data.draw(values_for(fields[name]))
        passes = check.passes(obj)
        assert not passes or django_says(obj, list(exclude))
        if not django_says(obj, list(exclude)):
            with pytest.raises(ValidationError) as refused:
                check(obj)
            with pytest.raises(ValidationError) as django:
                obj.clean_fields(exclude=list(exclude))
            assert refused.value.message_dict == django.value.message_dict


def test_a_value_is_remembered_by_its_type_and_its_digits():
    check = FieldCheck(Position, ("group", "person", "desa"))
    ok = Position(office=Office.KEPALA_DESA, term_start=date(2020, 1, 1), monthly_income=Decimal("2.00"))
    assert check.passes(ok) and check.passes(ok)
    too_precise = Position(
        office=Office.KEPALA_DESA, term_start=date(2020, 1, 1), monthly_income=Decimal("2.001")
    )
    assert not check.passes(too_precise)  # equal to 2.00 is not enough: the field has two places


def test_a_name_the_reader_takes_may_still_be_refused_by_its_field():
    """Why a new person's name still goes through Django's field checks: the cell reader keeps a NUL
    character (from a spreadsheet's cell; a CSV holding one is not read at all), which every CharField
    refuses."""
    name = parse_text("Orang\x00Luar", max_length=150)
    assert FieldCheck(Person).refused([{"name": name}]) == {0}
    assert FieldCheck(Enrolment).refused([{"bpjs_name": name}]) == {0}


@pytest.mark.django_db
def test_a_kpj_the_field_cannot_hold_is_left_out_by_the_reader(desa):
    """The KPJ reader takes any length the field holds (the official one is unconfirmed); a longer number
    is no KPJ: the row is written without it, with a warning, and the field's check never meets it."""
    assert KPJ_MAX_DIGITS == Enrolment._meta.get_field("kpj").max_length
    rows = [extract_row(make_nik(desa.district_code, date(1970, 1, 1), "L", 77), "Orang Luar", kpj="1" * 21)]
    summary = bpjs_import_file(data=to_csv(BPJS_HEADER, rows), file_name="b.csv", as_of=Month(2026, 10))
    assert (summary.accepted, summary.rejected) == (1, 0)
    assert [(e.row, e.field) for e in summary.warnings] == [(2, "kpj")]
    assert Enrolment.objects.get().kpj == ""
