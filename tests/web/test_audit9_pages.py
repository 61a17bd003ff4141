"""audit9: defects a user met on the pages, each with the test that failed before its fix."""

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.officials.models import Position
from tests.web.conftest import make_user


@pytest.mark.django_db
def test_the_audit_page_shows_an_sk_number_shaped_like_an_impossible_date(client, roster, village_operator):
    """An SK number typed "2026-02-30" (text, not a date) made the audit page of the desa, its regency and
    its province answer 500 for everyone, from the moment it was saved."""
    position = Position.objects.get(person=roster.ahmad)
    client.force_login(village_operator)
    saved = client.post(
        f"/jabatan/{position.pk}/ubah/",
        {"term_start": "01/03/2021", "sk_number": "2026-02-30", "sk_date": "", "monthly_income": ""},
    )
    assert saved.status_code == 302
    admin = make_user("kab", User.Role.REGENCY_ADMIN, "61.03", "Admin")
    client.force_login(admin)
    page = client.get("/audit/")
    assert page.status_code == 200
    assert "<ins>2026-02-30</ins>" in page.content.decode()
