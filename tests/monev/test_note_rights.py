"""An association officer follows cases up without the right to their people (docs/security.md): it reads
back the notes it wrote itself, not the others'; it attaches no file, since it could not download one."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lindungdesa.accounts.models import User
from lindungdesa.monev import rules
from lindungdesa.monev.models import Case, CaseAttachment, CaseEvent
from tests.monev.rounds import (  # noqa: F401  (fixtures)
    shared_analyst,
    shared_opened,
    shared_roster,
    shared_round,
)
from tests.web.conftest import PENYELADI, make_user, sanggau_operator  # noqa: F401

# The round of 2026-Q1 opened once for the module (tests/monev/rounds.py).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("monev-note-rights-round")]


@pytest.fixture
def case(opened) -> Case:
    return opened.cases.get(desa_id=PENYELADI)


@pytest.fixture
def association(db) -> User:
    return make_user("asosiasi", User.Role.ASSOCIATION_OFFICER, "61", "Asosiasi")


def test_the_association_reads_back_its_own_notes_only(client, case, association, sanggau_operator):  # noqa: F811
    CaseEvent.objects.create(
        case=case, to_state=rules.NEW, note="Catatan operator: Siti Aminah", user=sanggau_operator
    )
    client.force_login(association)
    note = "Kepala desa belum menjawab dua surat; mohon bupati menegur."
    response = client.post(f"/monev/kasus/{case.pk}/", {"to_state": rules.ESCALATED_REGENT, "note": note})
    assert response.status_code == 302
    html = client.get(f"/monev/kasus/{case.pk}/").content.decode()
    assert note in html and "Siti Aminah" not in html
    notes = [e["note"] for e in client.get(f"/api/cases/{case.pk}/").json()["events"]]
    assert note in notes and not any(n and "Siti" in n for n in notes)


def test_the_association_attaches_no_file(client, case, association):
    client.force_login(association)
    upload = SimpleUploadedFile("surat.pdf", b"%PDF-1.4", content_type="application/pdf")
    data = {"to_state": rules.ESCALATED_REGENT, "note": "Eskalasi", "lampiran": upload}
    response = client.post(f"/monev/kasus/{case.pk}/", data)
    assert response.status_code == 200
    assert "Lampiran hanya dapat ditambahkan oleh peran yang dapat mengunduhnya." in response.content.decode()
    case.refresh_from_db()
    assert case.state == rules.NEW and not CaseAttachment.objects.exists()
    assert 'name="lampiran"' not in client.get(f"/monev/kasus/{case.pk}/").content.decode()
