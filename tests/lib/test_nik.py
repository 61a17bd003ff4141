from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindungdesa.lib.nik import NikError, nik_agrees, nik_check, nik_mask


def test_it_reads_what_a_nik_encodes():
    facts = nik_check("6103014507890001")
    assert facts.district_code == "61.03.01"
    assert facts.birth_date == date(1989, 7, 5)
    assert facts.sex == "P"


def test_it_accepts_typed_separators():
    assert nik_check("6103 0145 0789 0001").nik == "6103014507890001"


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("610301450789001", "16 digit"),  # 15 digits: a spreadsheet dropped one
        ("6.10301450789E+15", "16 digit"),
        ("6103013207890001", "Tanggal lahir"),  # day 32
        ("6103010513890001", "Tanggal lahir"),  # month 13
        ("6103010507890000", "urut"),  # serial 0000
        ("0003010507890001", "provinsi"),
        ("6199990507890001", "kecamatan"),  # kecamatan 61.99.99 does not exist
    ],
)
def test_it_rejects_impossible_niks(nik, message):
    with pytest.raises(NikError, match=message):
        nik_check(nik)


def test_birth_date_and_sex_must_agree():
    facts = nik_check("6103014507890001")
    assert nik_agrees(facts, birth_date=date(1989, 7, 5), sex="P") == []
    problems = nik_agrees(facts, birth_date=date(1989, 7, 6), sex="L")
    assert len(problems) == 2
    assert "Jenis kelamin" in problems[0] and "05-07-1989" in problems[1]


def test_masking_hides_the_birth_date():
    assert nik_mask("6103014507890001") == "6103********0001"


@given(st.text(max_size=30))
def test_it_never_crashes_on_any_text(text):
    try:
        facts = nik_check(text)
    except NikError as exc:
        assert str(exc)
    else:
        assert len(facts.nik) == 16 and facts.nik.isdigit()
