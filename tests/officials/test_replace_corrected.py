"""A replacement whose date was mistyped, put right on the page: correcting the successor's start moves the
end of the holder it replaced along with it (`officials.services.position_correct`), as the replacement
would have done with the right date. Before, the seat was refused as "still held" and the ended term could
not be edited on the page: the village operator had no way to correct it."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from lindungdesa.officials.models import Office, Position
from lindungdesa.officials.services import position_correct, position_replace
from lindungdesa.regions.models import Region
from tests.factories import make_person, make_position

pytestmark = pytest.mark.django_db

PENYELADI = "61.03.01.2007"


@pytest.fixture
def replaced() -> tuple[Position, Position]:
    desa = Region.objects.get(code=PENYELADI)
    among = make_position(desa, Office.KEPALA_DUSUN, date(2008, 5, 24), unit_name="Belimbing", name="Among")
    petrus = make_person(desa, name="Petrus Pengganti", born=date(1990, 5, 5))
    # Typed 1 December; his SK says 15 November.
    successor = position_replace(
        region=PENYELADI, position=among, successor=petrus, term_start=date(2026, 12, 1)
    )
    return among, successor


def correct(position: Position, start: date) -> Position:
    return position_correct(region=PENYELADI, position=position, term_start=start, sk_number="141/2026")


def test_an_earlier_start_ends_the_replaced_holder_the_day_before(replaced):
    among, successor = replaced
    correct(successor, date(2026, 11, 15))
    among.refresh_from_db()
    successor.refresh_from_db()
    assert (among.term_end, among.end_reason) == (date(2026, 11, 14), Position.EndReason.REPLACED)
    assert successor.term_start == date(2026, 11, 15)


def test_a_later_start_keeps_the_seat_held_until_then(replaced):
    among, successor = replaced
    correct(successor, date(2026, 12, 10))
    among.refresh_from_db()
    assert (among.term_end, among.end_reason) == (date(2026, 12, 9), Position.EndReason.REPLACED)


def test_a_start_before_the_replaced_holders_own_is_refused_and_nothing_changes(replaced):
    among, successor = replaced
    with pytest.raises(ValidationError) as refused:
        correct(successor, date(2008, 5, 24))
    assert refused.value.message_dict["term_start"] == [
        "Mulai menjabat harus sesudah Among, yang digantikannya, mulai menjabat (24-05-2008)."
    ]
    among.refresh_from_db()
    successor.refresh_from_db()
    assert (among.term_end, successor.term_start) == (date(2026, 11, 30), date(2026, 12, 1))


def test_a_term_that_replaced_nobody_moves_nobody_else(replaced):
    among, successor = replaced
    desa = Region.objects.get(code=PENYELADI)
    lama = make_person(desa, name="Lama", born=date(1970, 1, 1))
    ended = make_position(desa, Office.KAUR_KEUANGAN, date(2015, 1, 1), date(2020, 12, 31), person=lama)
    Position.objects.filter(pk=ended.pk).update(end_reason=Position.EndReason.TERM_COMPLETED)
    baru = make_person(desa, name="Baru", born=date(1985, 1, 1))
    kaur = make_position(desa, Office.KAUR_KEUANGAN, date(2021, 1, 1), person=baru)
    correct(kaur, date(2021, 2, 1))
    ended.refresh_from_db()
    assert ended.term_end == date(2020, 12, 31)
