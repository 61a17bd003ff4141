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
from tests.web.conftest import KAPUAS, PENYELADI, roster, start  # noqa: F401  (fixture)

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
