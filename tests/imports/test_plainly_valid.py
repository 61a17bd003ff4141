"""`plainly_valid_values` tells of a dict of values what `plainly_valid` tells of the instance built of it."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from lindungdesa.enrolment.models import Enrolment
from lindungdesa.imports.engine import plainly_valid, plainly_valid_values
from lindungdesa.lib.instances import build_from
from lindungdesa.officials.models import Person

anything = st.one_of(
    st.none(),
    st.text(max_size=3),
    st.text(min_size=140, max_size=160),
    st.integers(),
    st.dates(),
    st.sampled_from(["L", "P", "X", "", "6103011203850001", "61030112038500011"]),
)
person_values = st.fixed_dictionaries(
    {},
    optional={
        "nik": st.one_of(st.sampled_from(["6103011203850001", "61030112038500011", ""]), anything),
        "name": st.one_of(st.text(max_size=160), anything),
        "sex": st.one_of(st.sampled_from(["L", "P", "X", ""]), anything),
        "birth_date": st.one_of(st.dates(), anything),
        "phone": st.one_of(st.text(max_size=25), anything),
    },
)


@given(person_values)
def test_a_person_of_these_values_is_told_as_the_built_person_is(values):
    assert plainly_valid_values(Person, values) is plainly_valid(build_from(Person, values))


def test_the_values_a_roster_row_gives_plainly_fit():
    values = {
        "nik": "6103015203850001",
        "name": "Maria",
        "sex": "P",
        "birth_date": date(1985, 3, 12),
        "phone": "",
    }
    assert plainly_valid_values(Person, values)
    assert not plainly_valid_values(Person, {**values, "sex": "X"})
    assert not plainly_valid_values(Person, {**values, "name": "M" * 151})


@given(
    st.fixed_dictionaries(
        {}, optional={"kpj": anything, "nik": anything, "wage": anything, "person_id": anything}
    )
)
def test_a_model_with_relations_among_its_values_is_told_by_building_it(values):
    assert plainly_valid_values(Enrolment, values) is plainly_valid(build_from(Enrolment, values))
