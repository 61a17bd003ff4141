from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindungdesa.lib.nik import NikError, nik_agrees, nik_check, nik_mask, plain_nik_facts


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


def test_masking_hides_the_region_and_the_birth_date():
    assert nik_mask("6103014507890001") == "************0001"


@given(st.text(max_size=30))
def test_it_never_crashes_on_any_text(text):
    try:
        facts = nik_check(text)
    except NikError as exc:
        assert str(exc)
    else:
        assert len(facts.nik) == 16 and facts.nik.isdigit()


def _lokal_verdict(nik: str, reference_date: date):
    """lokal-id's whole parse, and the kecamatan check: what `nik_check` must say of every NIK."""
    from lokal import parse_nik
    from lokal.wilayah import wilayah_name

    info = parse_nik(nik, reference_date=reference_date)
    if not info.valid or wilayah_name(info.district_code) is None:
        return None
    return (nik, info.district_code, date.fromisoformat(info.birth_date), info.gender)


_REGIONS = ["610301", "610302", "110101", "320101", "619999", "000301", "610001", "610300", "940101"]
_DAYS = [date(2026, 12, 2), date(2000, 3, 1), date(1999, 12, 31)]


@given(
    region=st.one_of(st.sampled_from(_REGIONS), st.from_regex(r"\A[0-9]{6}\Z")),
    born=st.one_of(
        st.sampled_from(["010180", "450789", "290200", "690200", "290201", "310499", "000190", "011300"]),
        st.from_regex(r"\A[0-7][0-9][01][0-9][0-9]{2}\Z"),
    ),
    serial=st.sampled_from(["0001", "0000", "9999", "1234"]),
    day=st.sampled_from(_DAYS),
)
def test_known_parts_give_lokal_ids_verdict(region, born, serial, day):
    # Warm the known parts with valid NIKs of every region and date part used here, then check NIKs made
    # of them: the short way must agree with lokal-id's whole parse, valid or not, facts and all.
    for r in _REGIONS:
        for b in ("010180", born):
            warm = f"{r}{b}0002"
            if _lokal_verdict(warm, day):
                nik_check(warm, reference_date=day)
    nik = f"{region}{born}{serial}"
    expected = _lokal_verdict(nik, day)
    try:
        got = tuple(nik_check(nik, reference_date=day))
    except NikError as exc:
        assert expected is None, str(exc)
    else:
        assert got == expected


def test_a_nik_of_known_parts_is_not_parsed_again(monkeypatch):
    import lindungdesa.lib.nik as nik_module

    day = date(2026, 12, 2)
    nik_module._nik_check.cache_clear()  # so that these two are parsed, and their parts learnt, here
    nik_check("6103014507890001", reference_date=day)
    nik_check("6103020101800001", reference_date=day)
    calls = []
    original = nik_module.parse_nik
    monkeypatch.setattr(nik_module, "parse_nik", lambda *a, **k: calls.append(a) or original(*a, **k))
    facts = nik_check("6103024507890417", reference_date=day)  # region of one, birth date of the other
    assert tuple(facts) == ("6103024507890417", "61.03.02", date(1989, 7, 5), "P")
    assert calls == []
    with pytest.raises(NikError, match="urut"):
        nik_check("6103024507890000", reference_date=day)  # known parts, serial 0000: parsed, and refused
    assert len(calls) == 1


def test_known_parts_hold_for_their_reference_day_only():
    # The century of a birth date depends on the day the NIK is read: "30" is 1930 in 2026 and 2030 in 2031.
    assert nik_check("6103010101300002", reference_date=date(2026, 12, 2)).birth_date == date(1930, 1, 1)
    assert nik_check("6103010101300003", reference_date=date(2031, 1, 1)).birth_date == date(2030, 1, 1)
    assert nik_check("6103010101300004", reference_date=date(2026, 12, 2)).birth_date == date(1930, 1, 1)


@given(
    cells=st.lists(
        st.one_of(
            st.builds(
                "".join,
                st.lists(
                    st.sampled_from(["610301", "450789", "010180", "0000", "0417"]), min_size=3, max_size=3
                ),
            ),
            st.from_regex(r"\A[0-9]{16}\Z"),
            st.text(max_size=20),
            st.integers(),
            st.none(),
        ),
        max_size=8,
    )
)
def test_a_column_of_niks_gets_nik_checks_facts_or_none(cells):
    nik_check("6103014507890001")  # today's known parts: a region and a birth date
    nik_check("6103020101800001")
    for cell, facts in zip(cells, plain_nik_facts(cells), strict=True):
        plain = type(cell) is str and len(cell) == 16 and cell.isascii() and cell.isdigit()
        try:
            expected = nik_check(cell) if plain else None
        except NikError:
            expected = None  # checked alone, for its message
        assert facts == expected


def test_a_column_of_known_parts_needs_no_parse(monkeypatch):
    import lindungdesa.lib.nik as nik_module

    # Learnt afresh: a NIK checked earlier in this process for the same day comes from `_nik_check`'s cache
    # without being learnt, and a test before this one may have begun another day's parts.
    nik_module._nik_check.cache_clear()
    monkeypatch.setattr(nik_module._KNOWN_PARTS, "state", (None, {}, {}))
    nik_check("6103014507890001")
    nik_check("6103020101800001")
    monkeypatch.setattr(nik_module, "parse_nik", None)  # any call would fail
    cells = ["6103024507890417", "6103 0245 0789 0417", 6103024507890417, None]
    assert plain_nik_facts(cells) == [("6103024507890417", "61.03.02", date(1989, 7, 5), "P"), *[None] * 3]
    monkeypatch.undo()
    assert plain_nik_facts(["6103020101800000", "6199990507890001"]) == [None, None]  # refused: said alone
