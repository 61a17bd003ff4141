"""What the pages need from settings.py (owned elsewhere). Expected to fail until settings change;
remove the xfail marks then."""

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


@pytest.mark.xfail(reason="settings.py needs STATICFILES_DIRS = [BASE_DIR / 'lindungdesa' / 'static']")
def test_the_project_static_files_are_found():
    for path in ("css/lindungdesa.css", "js/lindungdesa.js", "vendor/htmx/htmx.min.js"):
        assert finders.find(path), path


@pytest.mark.xfail(reason="LANGUAGES offers 'en' without an English catalogue: numbers switch to 42.86 %")
def test_numbers_stay_indonesian_for_a_browser_set_to_english(client, analyst):
    client.force_login(analyst)
    html = client.get("/wilayah/61/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert "2.046 desa" in html
