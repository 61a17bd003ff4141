"""What the pages need from settings.py."""

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_project_static_files_are_found():
    for path in ("css/lindungdesa.css", "js/lindungdesa.js", "vendor/htmx/htmx.min.js"):
        assert finders.find(path), path


def test_numbers_stay_indonesian_for_a_browser_set_to_english(client, analyst):
    client.force_login(analyst)
    html = client.get("/wilayah/61/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert "2.046 desa" in html
