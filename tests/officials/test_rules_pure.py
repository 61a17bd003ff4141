"""The office and person rules as pure functions: plain objects in, reasons out, no database."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from lindungdesa.lib.nik import nik_check
from lindungdesa.officials.models import Acting, Office, Person, Position
from lindungdesa.officials.rules import (
    overlaps,
    people_values,
    person_disagreements,
    person_new,
    person_values,
    position_new,
    position_own_problems,
    position_problems,
    position_values,
    positions_own_problems,
    seat_of,
)
from lindungdesa.regions.models import Region
from tests.factories import make_nik

DESA = Region(code="61.03.01.2001", name="Sungai Ayak", kind=Region.Kind.DESA, province_code="61")
OTHER_DESA = Region(code="61.03.01.2002", name="Tanjung", kind=Region.Kind.DESA, province_code="61")
KELURAHAN = Region(code="61.71.01.1001", name="Darat Sekip", kind=Region.Kind.KELURAHAN, province_code="61")
START = date(2022, 1, 1)


def person(name: str = "Budi Santoso", serial: int = 1, pk: int | None = None) -> Person:
    return Person(
        pk=pk,
        nik=make_nik("61.03.01", date(1980, 5, 17), "L", serial),
        name=name,
        sex="L",
        birth_date=date(1980, 5, 17),
    )


def position(office: str, start: date = START, end: date | None = None, *, pk=None, **kwargs) -> Position:
    made = position_new(
        person=kwargs.pop("person", None) or person(),
        desa=kwargs.pop("desa", DESA),
        office=office,
        term_start=start,
        term_end=end,
        **kwargs,
    )
    made.pk = pk
    return made


def messages(problems: dict[str, list[str]]) -> str:
    return " ".join(m for ms in problems.values() for m in ms)


def test_a_lone_position_has_no_problems():
    assert position_problems(position(Office.KEPALA_DESA), region=None, same_person=[], same_seat=[]) == {}


def test_position_new_builds_as_the_service_does():
    made = position_new(
        person=person(), desa=DESA, office=Office.BPD_KETUA, term_start=START, term_end=date(2029, 12, 31),
        unit_name="  ", sk_number=" 141/1 ", monthly_income=Decimal("900000"),
    )  # fmt: skip
    assert (made.group, made.unit_name, made.sk_number) == ("BPD", "", "141/1")
    assert made.planned_term_end == date(2029, 12, 31)


def test_the_checks_of_the_position_itself_come_first_and_alone():
    mine = position(Office.SEKRETARIS_DESA, acting=Acting.PJ, desa=KELURAHAN)
    clash = position(Office.KAUR_KEUANGAN, pk=7)
    problems = position_problems(mine, region=None, same_person=[clash], same_seat=[])
    assert set(problems) == {"desa", "acting"}
    assert "kelurahan" in problems["desa"][0] and "Penjabat" in problems["acting"][0]


@pytest.mark.parametrize(
    ("office", "field", "text", "kwargs"),
    [
        (Office.KEPALA_DESA, "term_end", "8 tahun", {"end": date(2030, 1, 2)}),
        (Office.KAUR_KEUANGAN, "term_end", "sebelum", {"end": date(2021, 12, 31)}),
        (Office.BPD_KETUA, "acting", "BPD", {"acting": Acting.PLT}),
        (Office.KASI_PELAYANAN, "monthly_income", "negatif", {"monthly_income": Decimal(-1)}),
    ],
)
def test_each_rule_of_the_position_itself(office, field, text, kwargs):
    end = kwargs.pop("end", None)
    problems = position_problems(
        position(office, end=end, **kwargs), region=None, same_person=[], same_seat=[]
    )
    assert field in problems and text in messages(problems)


def test_an_unknown_office_is_reported_alone():
    mine = position(Office.KEPALA_DESA)
    mine.office = "camat"
    assert list(position_problems(mine, region=None, same_person=[], same_seat=[])) == ["office"]


def test_a_chunk_checked_by_column_is_each_position_checked_alone():
    chunk = [
        position_values(
            person=None, desa=desa, office=office, term_start=start, term_end=end, acting=acting,
            monthly_income=income,
        )
        for desa in (DESA, KELURAHAN)
        for office in (Office.KEPALA_DESA, Office.BPD_KETUA, Office.KASI_PELAYANAN)
        for start, end in ((START, None), (START, date(2021, 12, 31)), (date(1900, 1, 1), date(2030, 1, 2)))
        for acting in ("", Acting.PJ)
        for income in (Decimal(0), Decimal(-1))
    ]  # fmt: skip
    chunk[5]["office"] = chunk[40]["office"] = "camat"
    alone = {i: position_own_problems(Position(**values)) for i, values in enumerate(chunk)}
    assert positions_own_problems(chunk) == {i: problems for i, problems in alone.items() if problems}
    assert alone[0] == {} and list(alone[5]) == ["office"]
    assert list(alone[59]) == ["desa", "term_start", "term_end", "acting", "monthly_income"]  # in their order


def test_one_aparat_office_at_a_time_but_an_acting_post_beside_it():
    holder = person(pk=1)
    kaur = position(Office.KAUR_KEUANGAN, person=holder, desa=OTHER_DESA, pk=3)
    second = position(Office.KASI_PELAYANAN, start=date(2023, 1, 1), person=holder)
    assert "satu jabatan perangkat" in messages(
        position_problems(second, region=None, same_person=[kaur], same_seat=[])
    )
    plt = position(Office.KEPALA_DESA, start=date(2023, 1, 1), person=holder, acting=Acting.PLT)
    assert position_problems(plt, region=None, same_person=[kaur], same_seat=[]) == {}


def test_a_bpd_member_may_not_be_perangkat_and_holds_one_bpd_seat():
    holder = person(pk=1)
    kaur = position(Office.KAUR_KEUANGAN, person=holder, pk=3)
    anggota = position(Office.BPD_ANGGOTA, person=holder)
    assert "tidak boleh merangkap" in messages(
        position_problems(anggota, region=None, same_person=[kaur], same_seat=[])
    )
    ketua = position(Office.BPD_KETUA, person=holder, pk=4)
    assert "Orang ini sudah" in messages(
        position_problems(anggota, region=None, same_person=[ketua], same_seat=[])
    )


def test_only_terms_that_overlap_count():
    holder = person(pk=1)
    ended = position(Office.KAUR_KEUANGAN, date(2015, 1, 1), date(2021, 12, 31), person=holder, pk=3)
    later = position(Office.KASI_PELAYANAN, date(2030, 1, 1), person=holder, pk=4)
    mine = position(Office.SEKRETARIS_DESA, START, date(2029, 12, 31), person=holder)
    assert position_problems(mine, region=None, same_person=[ended, later], same_seat=[ended, later]) == {}
    assert overlaps(later, START, None) and not overlaps(later, START, date(2029, 12, 31))


def test_the_position_itself_is_never_held_against_it():
    saved = position(Office.KEPALA_DESA, pk=5, person=person(pk=1))
    assert position_problems(saved, region=None, same_person=[saved], same_seat=[saved]) == {}
    unsaved = position(Office.KEPALA_DESA)
    assert position_problems(unsaved, region=None, same_person=[unsaved], same_seat=[unsaved]) == {}


def test_one_holder_per_seat_names_the_holder():
    holder = position(Office.KEPALA_DESA, person=person("Kades Lama", serial=2, pk=2), pk=9)
    mine = position(Office.KEPALA_DESA, date(2024, 1, 1))
    problems = position_problems(mine, region=None, same_person=[], same_seat=[holder])
    assert "masih dijabat Kades Lama" in messages(problems) and "Sungai Ayak" in messages(problems)


def test_seats_are_told_apart_by_desa_office_and_dusun():
    other_desa = position(Office.KEPALA_DESA, desa=OTHER_DESA, pk=1)
    other_office = position(Office.SEKRETARIS_DESA, pk=2)
    dusun_i = position(Office.KEPALA_DUSUN, unit_name="Dusun I", pk=3)
    mine = position(Office.KEPALA_DESA)
    assert (
        position_problems(mine, region=None, same_person=[], same_seat=[other_desa, other_office, dusun_i])
        == {}
    )
    kadus = position(Office.KEPALA_DUSUN, unit_name="dusun i ")
    assert "masih dijabat" in messages(
        position_problems(kadus, region=None, same_person=[], same_seat=[dusun_i])
    )
    kadus_ii = position(Office.KEPALA_DUSUN, unit_name="Dusun II")
    assert position_problems(kadus_ii, region=None, same_person=[], same_seat=[dusun_i]) == {}


def test_a_seat_is_the_desa_and_office_and_for_kepala_dusun_the_dusun():
    assert seat_of(DESA.code, Office.KEPALA_DESA, "ignored") == (DESA.code, Office.KEPALA_DESA, "")
    assert seat_of(DESA.code, Office.KEPALA_DUSUN, " Dusun I ") == (DESA.code, Office.KEPALA_DUSUN, "dusun i")
    # A kepala dusun whose dusun is not named sits in a seat of their own; anggota BPD are many.
    assert seat_of(DESA.code, Office.KEPALA_DUSUN, "  ") is None
    assert seat_of(DESA.code, Office.BPD_ANGGOTA, "") is None
    unnamed = position(Office.KEPALA_DUSUN, pk=4)
    assert (
        position_problems(position(Office.KEPALA_DUSUN), region=None, same_person=[], same_seat=[unnamed])
        == {}
    )


def test_bpd_anggota_are_many():
    others = [position(Office.BPD_ANGGOTA, person=person(serial=n, pk=n), pk=n) for n in (1, 2, 3)]
    mine = position(Office.BPD_ANGGOTA, person=person(serial=9, pk=9))
    assert position_problems(mine, region=None, same_person=[], same_seat=others) == {}


def test_person_new_takes_sex_and_birth_date_from_the_nik():
    made = person_new(
        nik=make_nik("61.03.01", date(1990, 12, 31), "P", 3),
        name="  Rina  Aminah ",
        sex=None,
        birth_date=None,
    )
    assert (made.name, made.sex, made.birth_date, made.pk) == ("Rina Aminah", "P", date(1990, 12, 31), None)


def test_person_new_refuses_facts_that_contradict_the_nik():
    nik = make_nik("61.03.01", date(1985, 3, 4), "P", 4)
    with pytest.raises(ValidationError) as exc:
        person_new(nik=nik, name="Siti", sex="L", birth_date=date(1985, 4, 3))
    assert len(exc.value.message_dict["nik"]) == 2
    with pytest.raises(ValidationError, match="16 digit"):
        person_new(nik="123", name="Siti", sex=None, birth_date=None)
    with pytest.raises(ValidationError, match="Nama wajib"):
        person_new(nik=nik, name="   ", sex=None, birth_date=None)


def test_a_titled_name_agrees_and_another_name_does_not():
    held = person("Siti Aminah")
    assert person_disagreements(held, name="Hj. SITI AMINAH, S.Pd.", birth_date=None, sex=None) == {}
    problems = person_disagreements(held, name="Orang Lain", birth_date=date(1990, 1, 1), sex="P")
    assert list(problems) == ["name", "birth_date", "sex"]
    # Only what the caller sent is quoted: the name and birth date on record may be someone else's.
    assert problems == {
        "name": [
            "Nama “Orang Lain” tidak sama dengan nama yang tercatat untuk NIK ini; periksa NIK atau nama."
        ],
        "birth_date": [
            "Tanggal lahir 01-01-1990 tidak sama dengan yang tercatat untuk NIK ini; periksa NIK atau "
            "tanggal lahir."
        ],
        "sex": ["Jenis kelamin Perempuan tidak sama dengan yang tercatat untuk NIK ini."],
    }


def test_holders_of_a_seat_are_named_in_the_order_their_terms_began():
    later = position(Office.KEPALA_DESA, date(2023, 5, 19), person=person("Kedua", serial=2, pk=2), pk=1)
    earlier = position(
        Office.KEPALA_DESA, date(2020, 5, 4), date(2024, 7, 12), person=person("Pertama", pk=3), pk=2
    )
    mine = position(Office.KEPALA_DESA, date(2024, 1, 1))
    problems = position_problems(mine, region=None, same_person=[], same_seat=[later, earlier])["office"]
    assert ["Pertama" in problems[0], "Kedua" in problems[1]] == [True, True]


_BORN = st.sampled_from([date(1980, 5, 17), date(1980, 5, 18), date(1899, 12, 31), date(2020, 1, 1), None])


@given(
    rows=st.lists(
        st.tuples(
            st.one_of(
                st.none(),
                st.tuples(st.sampled_from([date(1980, 5, 17), date(2015, 2, 3)]), st.sampled_from("LP")),
            ),
            st.sampled_from(["Budi Santoso", "  Siti   Aminah ", "", " ", "Hj. Ani, S.Pd."]),
            st.sampled_from([None, "L", "P"]),
            _BORN,
            st.sampled_from(["", "081234567890"]),
        ),
        max_size=12,
    )
)
def test_people_values_by_column_are_person_values_row_by_row(rows):
    facts = [nik_check(make_nik("61.03.01", *nik, serial=1)) if nik else None for nik, *_rest in rows]
    expected = []
    for f, (_nik, name, sex, born, phone) in zip(facts, rows, strict=True):
        try:
            values = person_values(nik=f and f.nik, name=name, sex=sex, birth_date=born, phone=phone)
        except ValidationError:
            values = None
        expected.append(values)
    names, sexes, births, phones = ([row[i] for row in rows] for i in range(1, 5))
    got = people_values(facts=facts, names=names, sexes=sexes, birth_dates=births, phones=phones)
    assert got == expected
