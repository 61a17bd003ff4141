"""audit7: who sends a case's letter is asked once (Case.letter_from_regency) by its kop and by its number;
the number names the office as a field of the round's format (`{office}`), not by replacing "DPMPD" in it;
and a DPMD's letter is dated from its regency, not from the province's capital."""

from importlib import import_module

import pytest
from django.apps import apps

from lindungdesa.monev.letters import letter_data, letters_html, regency_place, seat_of
from lindungdesa.monev.models import Agency, Case, Round
from lindungdesa.monev.services import cases_assign, letters_number
from tests.monev.rounds import (  # noqa: F401  (fixtures)
    TODAY,
    shared_analyst,
    shared_opened,
    shared_roster,
    shared_round,
)
from tests.web.conftest import MUKOK_DESA, PENYELADI

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("monev-audit7-letters")]

migration = import_module("lindungdesa.monev.migrations.0002_letter_number_office")


def case_of(round_: Round, desa: str) -> Case:
    return round_.cases.select_related("round__province").get(desa_id=desa)


def text(html: str) -> str:
    return " ".join(html.split())


@pytest.mark.parametrize(
    ("kind", "from_regency", "office"),
    [
        (Agency.Kind.DPMD, True, "DPMD"),
        (Agency.Kind.DPMPD, False, "DPMPD"),
        (Agency.Kind.BPJS, False, "DPMPD"),  # the branch sends no letters of its own: the province's
        (None, False, "DPMPD"),
    ],
)
def test_the_kop_and_the_number_name_the_same_sender(opened, analyst, kind, from_regency, office):
    agency = None
    if kind == Agency.Kind.DPMD:
        agency = Agency.objects.get(kind=kind, region_id="61.03")
    elif kind is not None:
        agency = Agency.objects.get(kind=kind, region_id="61")
    cases_assign(cases=[case_of(opened, PENYELADI)], agency=agency, user=analyst)
    case = case_of(opened, PENYELADI)
    assert case.letter_from_regency is from_regency
    [case] = letters_number(cases=[case], today=TODAY)
    assert case.letter_number == f"400.10/1/{office}/2026"
    [data] = letter_data([case_of(opened, PENYELADI)])
    assert data.sender.regency_office is from_regency


def test_the_number_format_names_the_office_as_a_field(opened, analyst):
    opened.letter_number_format = "005/{n}/{office}-KALBAR/{year}"
    opened.save()
    dpmpd = Agency.objects.get(kind=Agency.Kind.DPMPD, region_id="61")
    cases_assign(cases=[case_of(opened, MUKOK_DESA)], agency=dpmpd, user=analyst)
    numbered = letters_number(cases=[case_of(opened, PENYELADI), case_of(opened, MUKOK_DESA)], today=TODAY)
    assert [c.letter_number for c in numbered] == ["005/1/DPMD-KALBAR/2026", "005/2/DPMPD-KALBAR/2026"]
    # A format without the office gives the same number whoever sends the letter.
    opened.refresh_from_db()
    opened.letter_number_format = "400.10/{n}/{year}"
    opened.save()
    other = opened.cases.exclude(desa_id__in=[PENYELADI, MUKOK_DESA]).select_related("round").first()
    assert letters_number(cases=[other], today=TODAY)[0].letter_number == "400.10/3/2026"


def test_stored_formats_name_the_office_and_keep_their_numbers(opened, analyst):
    """The format a round was opened with before: its next numbers are the ones it would have given, and the
    numbers already given are kept."""
    # A round of before, which gave its first letter to a case of the DPMD.
    Round.objects.filter(pk=opened.pk).update(
        letter_number_format="400.10/{n}/DPMPD/{year}", letters_issued=1
    )
    opened.cases.filter(desa_id=PENYELADI).update(letter_number="400.10/1/DPMD/2026", letter_date=TODAY)
    plain = Round.objects.create(
        province_id="61", period="2025-11", evaluated_month="2025-11", letter_number_format="{n}/SET/{year}"
    )

    migration.office_named(apps, None)
    opened.refresh_from_db()
    assert opened.letter_number_format == "400.10/{n}/{office}/{year}"
    assert Round.objects.get(pk=plain.pk).letter_number_format == "{n}/SET/{year}"
    assert case_of(opened, PENYELADI).letter_number == "400.10/1/DPMD/2026"
    dpmpd = Agency.objects.get(kind=Agency.Kind.DPMPD, region_id="61")
    cases_assign(cases=[case_of(opened, MUKOK_DESA)], agency=dpmpd, user=analyst)
    other = opened.cases.exclude(desa_id__in=[PENYELADI, MUKOK_DESA]).select_related("round").first()
    assert other.agency.kind == Agency.Kind.DPMD
    numbered = letters_number(cases=[other, case_of(opened, MUKOK_DESA)], today=TODAY)
    assert [c.letter_number for c in numbered] == ["400.10/2/DPMD/2026", "400.10/3/DPMPD/2026"]

    migration.office_written(apps, None)
    opened.refresh_from_db()
    assert opened.letter_number_format == "400.10/{n}/DPMPD/{year}"


def test_a_dpmds_letter_is_dated_from_its_regency(opened, analyst, roster):
    letter = text(letters_html([case_of(opened, PENYELADI)], today=TODAY))
    assert '<p class="place">Sanggau, 16 Maret 2026</p>' in letter
    assert "Pontianak," not in letter
    dpmpd = Agency.objects.get(kind=Agency.Kind.DPMPD, region_id="61")
    cases_assign(cases=[case_of(opened, MUKOK_DESA)], agency=dpmpd, user=analyst)
    letter = text(letters_html([case_of(opened, MUKOK_DESA)], today=TODAY))
    assert '<p class="place">Pontianak, 16 Maret 2026</p>' in letter  # the round's place


@pytest.mark.parametrize(
    ("regency", "place"),
    [
        ("Kabupaten Sanggau", "Sanggau"),
        ("Kota Pontianak", "Pontianak"),
        ("Kabupaten Kapuas Hulu", "Kapuas Hulu"),
    ],
)
def test_a_regency_as_people_write_it(regency, place):
    assert regency_place(regency) == place


def test_a_dpmd_whose_seat_is_not_its_regencys_name_dates_from_its_seat(opened):
    """Kapuas Hulu's DPMD writes from Putussibau, Kubu Raya's from Sungai Raya (a kabupaten's name is not
    where its offices are); Sanggau's from Sanggau."""
    case = (
        opened.cases.filter(desa__code__startswith="61.06.")
        .select_related("round__province", "agency")
        .first()
    )
    assert case.agency.kind == Agency.Kind.DPMD
    letter = text(letters_html([case], today=TODAY))
    assert '<p class="place">Putussibau, 16 Maret 2026</p>' in letter
    assert seat_of("61.12", "Kabupaten Kubu Raya") == "Sungai Raya"
    assert seat_of("61.03", "Kabupaten Sanggau") == "Sanggau"
    assert seat_of("32.73", "Kota Bandung") == "Bandung"  # no seat known: the regency as people write it
