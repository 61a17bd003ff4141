"""Django's `{# ... #}` comment ends on its own line: one spread over several lines is not a comment, and the
page shows it as text (the region page showed its cache note to every user). Longer notes use
`{% comment %}`."""

import re
from pathlib import Path

import pytest

import lindungdesa
from tests.web.conftest import PERIOD

TEMPLATES = Path(lindungdesa.__file__).parent / "templates"


def test_no_template_opens_a_one_line_comment_it_does_not_close_on_that_line():
    unclosed = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\{#(?!.*#\})", line)
    ]
    assert unclosed == []


@pytest.mark.django_db
def test_the_region_page_shows_no_template_comment(client, analyst, roster):
    client.force_login(analyst)
    response = client.get(f"/wilayah/61/?periode={PERIOD}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "{#" not in html and "#}" not in html
