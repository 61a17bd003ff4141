"""Match proposals stay inside the region: a proposal naming someone who serves elsewhere is neither shown
nor decided there, and a confirmation writes only a person the writer's region owns.

Zulkarnain is kepala desa of Dalam Kaum (Kabupaten Sambas); BPJS reports a participant with his name and
birth date but a NIK registered in Kecamatan Kapuas (Sanggau), as a mistyped NIK would be.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from lindungdesa.accounts.models import User
from lindungdesa.enrolment.models import Enrolment, MatchProposal
from lindungdesa.enrolment.reconcile import match_confirm, match_proposals_refresh, proposals_in
from lindungdesa.officials.models import Office
from tests.factories import make_nik
from tests.web.conftest import KAPUAS, PENYELADI, start
from tests.web.roster_once import fresh_roster, module_roster  # noqa: F401  (fixtures: made once)

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(roster):  # noqa: F811
    Enrolment.objects.create(
        nik=make_nik(KAPUAS, date(1977, 7, 7), serial=98),
        bpjs_name="ZULKARNAIN SAMBAS",
        bpjs_birth_date=date(1977, 7, 7),
        kpj="61030000098",
        programmes="JKK,JKM",
        category="PU",
        start_date=date(2024, 1, 1),
        paid_through=date(2026, 3, 1),
    )
    assert match_proposals_refresh() == 1
    return MatchProposal.objects.get(person=roster.zulkarnain)


def test_a_proposal_naming_someone_outside_is_not_shown_in_the_region(proposal):
    assert proposal not in proposals_in("61.03") and proposal not in proposals_in(PENYELADI)
    assert proposal in proposals_in("61")


def test_a_regency_cannot_confirm_it(client, proposal):
    rudi = User.objects.create_user(username="rudi", password="x", role="regency_operator", region_id="61.03")
    client.force_login(rudi)
    response = client.post(f"/rekonsiliasi/61.03/usulan/{proposal.pk}/konfirmasi/")
    assert response.status_code == 404
    with pytest.raises(ValidationError) as refused:
        match_confirm(proposal=proposal, region="61.03", user=rudi)
    assert refused.value.messages == [
        "NIK ini tercatat di wilayah lain; hubungi operator kabupaten/provinsi."
    ]
    assert Enrolment.objects.get(kpj="61030000098").person is None


def test_a_shared_person_is_matched_by_the_province(client, roster, proposal):  # noqa: F811
    start(roster.zulkarnain, PENYELADI, Office.KAUR_PERENCANAAN, date(2026, 1, 5), acting="plt")
    rudi = User.objects.create_user(username="rudi", password="x", role="regency_operator", region_id="61.03")
    client.force_login(rudi)
    response = client.post(f"/rekonsiliasi/61.03/usulan/{proposal.pk}/konfirmasi/", follow=True)
    assert (
        "kepesertaan BPJS TK-nya hanya dapat diubah oleh operator kabupaten/provinsi"
        in response.content.decode()
    )
    assert Enrolment.objects.get(kpj="61030000098").person is None
    ani = User.objects.create_user(username="ani", password="x", role="admin", region_id="61")
    client.force_login(ani)
    client.post(f"/rekonsiliasi/61/usulan/{proposal.pk}/konfirmasi/")
    assert Enrolment.objects.get(kpj="61030000098").person == roster.zulkarnain


def test_an_import_links_participants_to_people_of_its_own_region_only(roster, tmp_path):  # noqa: F811
    """After an import, unmatched participants are linked to people by NIK: only people inside the
    importer's region, so a village operator's roster never writes the memberships of someone elsewhere."""
    from lindungdesa.imports.services import roster_import_file
    from tests.imports.conftest import ROSTER_HEADER, to_csv
    from tests.web.conftest import DALAM_KAUM

    yanti = User.objects.create_user(
        username="yanti", password="x", role=User.Role.VILLAGE_OPERATOR, region_id=PENYELADI
    )
    zul = roster.zulkarnain  # Sambas
    unmatched = Enrolment.objects.create(
        nik=zul.nik, bpjs_name="ZULKARNAIN SAMBAS", kpj="61010000077", programmes="JKK,JKM", category="PU",
        start_date=date(2024, 1, 1), kode_desa=DALAM_KAUM,
    )  # fmt: skip
    row = dict.fromkeys(ROSTER_HEADER, "")
    row.update(kode_desa=PENYELADI, nik=make_nik(KAPUAS, date(1992, 2, 2), serial=91), nama="Orang Baru",
               kelompok="APARAT", jabatan="Kaur Perencanaan", mulai_menjabat="05/01/2026")  # fmt: skip
    data = to_csv(ROSTER_HEADER, [row])
    summary = roster_import_file(data=data, file_name="a.csv", user=yanti)
    assert summary.accepted == 1
    unmatched.refresh_from_db()
    assert unmatched.person_id is None
    # An import for the whole country (the command line without --user) links it.
    row.update(nik=make_nik(KAPUAS, date(1992, 2, 2), serial=92))
    roster_import_file(data=to_csv(ROSTER_HEADER, [row]), file_name="b.csv", user=None)
    unmatched.refresh_from_db()
    assert unmatched.person_id == zul.pk
