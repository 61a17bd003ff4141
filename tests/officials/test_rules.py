"""Who may hold which office at once (docs/domain.md §5), and history that is never overwritten."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lindungdesa.officials.models import Acting, Office, Position
from lindungdesa.officials.services import person_register, position_end, position_replace, position_start
from lindungdesa.regions.models import Region
from tests.factories import make_nik, make_person, make_position

pytestmark = pytest.mark.django_db

START = date(2022, 1, 1)


@pytest.fixture
def desa() -> Region:
    return Region.objects.filter(regency_code="61.03", kind=Region.Kind.DESA).order_by("code").first()


@pytest.fixture
def other_desa(desa) -> Region:
    return Region.objects.filter(district_code=desa.district_code, kind=Region.Kind.DESA).order_by("code")[1]


def messages(exc: pytest.ExceptionInfo) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


def test_person_register_validates_the_nik(desa):
    with pytest.raises(ValidationError) as exc:
        person_register(region=None, nik="123", name="Siti")
    assert "16 digit" in messages(exc)


def test_person_register_requires_birth_date_and_sex_to_agree_with_the_nik(desa):
    nik = make_nik(desa.district_code, date(1985, 3, 4), "P")
    with pytest.raises(ValidationError) as exc:
        person_register(region=None, nik=nik, name="Siti Aminah", sex="L", birth_date=date(1985, 3, 4))
    assert "Jenis kelamin" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        person_register(region=None, nik=nik, name="Siti Aminah", sex="P", birth_date=date(1985, 4, 3))
    assert "Tanggal lahir" in messages(exc)
    person = person_register(
        region=None, nik=nik, name="  Siti   Aminah ", sex="P", birth_date=date(1985, 3, 4)
    )
    assert person.name == "Siti Aminah"


def test_person_register_takes_sex_and_birth_date_from_the_nik_when_missing(desa):
    person = person_register(
        region=None, nik=make_nik(desa.district_code, date(1990, 12, 31), "P"), name="Rina"
    )
    assert (person.sex, person.birth_date) == ("P", date(1990, 12, 31))


def test_the_same_nik_is_one_person(desa):
    nik = make_nik(desa.district_code, date(1980, 1, 2))
    assert person_register(region=None, nik=nik, name="Agus") == person_register(
        region=None, nik=nik, name="Agus"
    )


def test_a_bpd_member_may_not_be_perangkat_at_the_same_time(desa):
    kaur = make_position(desa, Office.KAUR_KEUANGAN, START)
    with pytest.raises(ValidationError) as exc:
        position_start(
            region=None, person=kaur.person, desa=desa, office=Office.BPD_ANGGOTA, term_start=date(2024, 1, 1)
        )
    assert "tidak boleh merangkap" in messages(exc)


def test_a_person_holds_one_aparat_office_at_a_time(desa, other_desa):
    kasi = make_position(desa, Office.KASI_PELAYANAN, START)
    with pytest.raises(ValidationError) as exc:
        position_start(
            region=None,
            person=kasi.person,
            desa=other_desa,
            office=Office.KAUR_KEUANGAN,
            term_start=date(2023, 1, 1),
        )
    assert "satu jabatan perangkat" in messages(exc)


def test_a_sekdes_may_act_as_plt_kepala_desa(desa):
    sekdes = make_position(desa, Office.SEKRETARIS_DESA, START)
    plt = position_start(
        region=None,
        person=sekdes.person,
        desa=desa,
        office=Office.KEPALA_DESA,
        acting=Acting.PLT,
        term_start=date(2024, 1, 1),
    )
    assert plt.office_label == "Plt Kepala Desa"


def test_one_kepala_desa_per_desa_at_a_time(desa):
    make_position(desa, Office.KEPALA_DESA, START, date(2029, 12, 31))
    with pytest.raises(ValidationError) as exc:
        make_position(desa, Office.KEPALA_DESA, date(2025, 1, 1), name="Kades Kedua")
    assert "masih dijabat" in messages(exc)


def test_one_kepala_dusun_per_dusun(desa):
    make_position(desa, Office.KEPALA_DUSUN, START, unit_name="Dusun Sungai Ayak")
    make_position(desa, Office.KEPALA_DUSUN, START, unit_name="Dusun Tanjung", name="Kadus Tanjung")
    with pytest.raises(ValidationError):
        make_position(desa, Office.KEPALA_DUSUN, START, unit_name="dusun sungai ayak", name="Kadus Lain")


def test_kepala_dusun_without_a_dusun_are_each_their_own_seat(desa):
    # The dusun is completed later (an import warns): two unnamed kepala dusun are two people, while a
    # named dusun still has one holder.
    make_position(desa, Office.KEPALA_DUSUN, START, name="Kadus Satu")
    make_position(desa, Office.KEPALA_DUSUN, START, name="Kadus Dua")
    make_position(desa, Office.KEPALA_DUSUN, START, name="Kadus Tanjung", unit_name="Tanjung")
    with pytest.raises(ValidationError) as exc:
        make_position(desa, Office.KEPALA_DUSUN, START, name="Kadus Lain", unit_name=" tanjung")
    assert "masih dijabat Kadus Tanjung" in messages(exc)


def test_many_bpd_anggota_but_one_ketua(desa):
    for i in range(3):
        make_position(desa, Office.BPD_ANGGOTA, START, date(2029, 12, 31), name=f"Anggota {i}")
    make_position(desa, Office.BPD_KETUA, START, date(2029, 12, 31), name="Ketua")
    with pytest.raises(ValidationError):
        make_position(desa, Office.BPD_KETUA, START, date(2029, 12, 31), name="Ketua Kedua")


def test_terms_of_kepala_desa_and_bpd_are_at_most_eight_years(desa):
    with pytest.raises(ValidationError) as exc:
        make_position(desa, Office.KEPALA_DESA, START, date(2030, 1, 2))
    assert "8 tahun" in messages(exc)
    make_position(desa, Office.KEPALA_DESA, START, date(2030, 1, 1))


def test_pj_is_only_for_kepala_desa_and_bpd_has_no_acting_posts(desa):
    with pytest.raises(ValidationError, match="Penjabat"):
        make_position(desa, Office.SEKRETARIS_DESA, START, acting=Acting.PJ)
    with pytest.raises(ValidationError, match="BPD"):
        make_position(desa, Office.BPD_KETUA, START, acting=Acting.PLT)


def test_a_kelurahan_has_no_aparat_desa():
    kelurahan = Region.objects.filter(kind=Region.Kind.KELURAHAN).first()
    with pytest.raises(ValidationError) as exc:
        make_position(kelurahan, Office.KEPALA_DESA, START)
    assert "kelurahan" in messages(exc)


def test_term_end_before_start_is_rejected(desa):
    with pytest.raises(ValidationError):
        make_position(desa, Office.KAUR_KEUANGAN, START, date(2021, 12, 31))


def test_a_mistyped_year_is_refused_not_kept_where_no_page_shows_it(desa):
    """A birth year 0001, a member of six, a term starting in 2062: no serving official's record."""
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        person_register(region=None, nik=None, name="Siti", birth_date=date(1, 1, 1))
    assert exc.value.message_dict == {
        "birth_date": ["Tanggal lahir 01-01-0001 tidak mungkin: periksa tahunnya."]
    }
    six = make_nik(desa.district_code, date(today.year - 6, 3, 4), "P")
    with pytest.raises(ValidationError) as exc:
        person_register(region=None, nik=six, name="Rina")
    assert "belum berumur 17 tahun" in " ".join(exc.value.message_dict["nik"])
    with pytest.raises(ValidationError) as exc:
        make_position(desa, Office.KAUR_KEUANGAN, date(2062, 1, 1))
    assert exc.value.message_dict["term_start"] == [
        "Mulai menjabat 01-01-2062 tidak mungkin: periksa tahunnya."
    ]
    # The edges are kept: born 17 years ago (and two days, whichever time zone says today), a term starting
    # within the coming year.
    person_register(
        region=None, nik=None, name="Rani", birth_date=today.replace(year=today.year - 17) - timedelta(days=2)
    )
    make_position(desa, Office.KAUR_KEUANGAN, today + timedelta(days=300))


def test_replacing_keeps_the_previous_holder_on_record(desa):
    old = make_position(desa, Office.KEPALA_DESA, START, date(2029, 12, 31), name="Kades Lama")
    successor = make_person(desa, name="Kades Baru")
    new = position_replace(
        region=None,
        position=old,
        successor=successor,
        term_start=date(2025, 6, 1),
        term_end=date(2031, 5, 31),
    )
    old.refresh_from_db()
    assert old.term_end == date(2025, 5, 31)
    assert old.planned_term_end == date(2029, 12, 31)
    assert old.end_reason == Position.EndReason.REPLACED
    assert new.person == successor and new.term_start == date(2025, 6, 1)
    assert list(Position.objects.filter(desa=desa, office=Office.KEPALA_DESA).order_by("term_start")) == [
        old,
        new,
    ]


def test_ending_a_term_needs_a_reason_and_a_sensible_date(desa):
    kaur = make_position(desa, Office.KAUR_KEUANGAN, START)
    with pytest.raises(ValidationError):
        position_end(
            region=None, position=kaur, last_day=date(2021, 1, 1), reason=Position.EndReason.RESIGNED
        )
    with pytest.raises(ValidationError):
        position_end(region=None, position=kaur, last_day=date(2025, 1, 1), reason="")
    ended = position_end(
        region=None, position=kaur, last_day=date(2025, 1, 1), reason=Position.EndReason.RESIGNED
    )
    assert ended.term_end == date(2025, 1, 1)


def test_a_term_ended_with_a_reason_is_not_ended_again(desa):
    # Found by audit3: /jabatan/<pk>/akhiri/ typed for a replaced holder turned "Diganti" into "Mengundurkan
    # diri". A term whose end came from a file, without a reason, may still be ended earlier.
    kaur = make_position(desa, Office.KAUR_KEUANGAN, START)
    position_end(region=None, position=kaur, last_day=date(2025, 1, 1), reason=Position.EndReason.REPLACED)
    with pytest.raises(ValidationError, match="sudah diakhiri pada 01-01-2025"):
        position_end(
            region=None, position=kaur, last_day=date(2024, 6, 1), reason=Position.EndReason.RESIGNED
        )
    kaur.refresh_from_db()
    assert (kaur.term_end, kaur.end_reason) == (date(2025, 1, 1), Position.EndReason.REPLACED)
    from_file = make_position(desa, Office.SEKRETARIS_DESA, START, date(2026, 1, 1))
    assert from_file.end_reason == ""
    ended = position_end(
        region=None, position=from_file, last_day=date(2025, 6, 30), reason=Position.EndReason.RESIGNED
    )
    assert (ended.term_end, ended.end_reason) == (date(2025, 6, 30), Position.EndReason.RESIGNED)


def test_a_death_is_not_recorded_ahead_and_no_end_lies_more_than_a_year_ahead(desa):
    # Found by driving the pages: "Meninggal dunia" on 01-06-2027 was saved, the person counted as serving
    # until then; so was any mistyped year.
    today = date.today()
    kaur = make_position(desa, Office.KAUR_KEUANGAN, START)
    with pytest.raises(ValidationError, match="belum terjadi"):
        position_end(
            region=None, position=kaur, last_day=today + timedelta(days=1), reason=Position.EndReason.DIED
        )
    with pytest.raises(ValidationError, match="periksa tahunnya"):
        position_end(
            region=None,
            position=kaur,
            last_day=today + timedelta(days=400),
            reason=Position.EndReason.RESIGNED,
        )
    kaur.refresh_from_db()
    assert kaur.term_end is None
    # A resignation effective next month is a real thing; a death today is recorded today.
    ahead = position_end(
        region=None, position=kaur, last_day=today + timedelta(days=30), reason=Position.EndReason.RESIGNED
    )
    assert ahead.term_end == today + timedelta(days=30)
    sekdes = make_position(desa, Office.SEKRETARIS_DESA, START)
    assert (
        position_end(region=None, position=sekdes, last_day=today, reason=Position.EndReason.DIED).term_end
        == today
    )


def test_after_a_term_ends_the_same_person_may_take_another_office(desa):
    kaur = make_position(desa, Office.KAUR_KEUANGAN, START, date(2023, 12, 31))
    sekdes = position_start(
        region=None, person=kaur.person, desa=desa, office=Office.SEKRETARIS_DESA, term_start=date(2024, 1, 1)
    )
    assert sekdes.group == "APARAT"
