"""audit9: on a case page, a move or an assignment refused for one of its fields came back as the same page
without a word (only the forms' general errors were shown): a status another officer's move had made
unavailable, a note over 2,000 characters, an assignment without an agency. Each is now said beside its
field, and nothing is saved."""

import pytest

from lindungdesa.monev import rules
from lindungdesa.monev.models import Case
from tests.monev.rounds import (  # noqa: F401  (fixtures)
    shared_analyst,
    shared_opened,
    shared_roster,
    shared_round,
)
from tests.web.conftest import PENYELADI, sanggau_operator  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("monev-audit9-case-forms")]


@pytest.fixture
def case(opened) -> Case:
    return opened.cases.get(desa_id=PENYELADI)


def test_a_refused_move_or_assignment_says_why_beside_its_field(client, case, sanggau_operator):  # noqa: F811
    client.force_login(sanggau_operator)
    url = f"/monev/kasus/{case.pk}/"
    stale = client.post(url, {"to_state": rules.BUDGETED, "note": ""})  # offered once a letter is sent
    long_note = client.post(url, {"to_state": rules.LETTER_SENT, "note": "x" * 2001})
    no_agency = client.post(url, {"form": "tugaskan", "agency": ""})
    for response in (stale, long_note, no_agency):
        assert response.status_code == 200
    assert (
        "Status itu tidak dapat dipilih dari status kasus sekarang (Baru); mungkin kasus baru saja diubah "
        "orang lain. Pilih lagi status barunya."
    ) in stale.content.decode()
    assert "Pastikan nilai ini mengandung paling banyak 2000 karakter" in long_note.content.decode()
    assert '<span class="field-error">Pilih instansi.</span>' in no_agency.content.decode()
    case.refresh_from_db()
    assert case.state == rules.NEW
