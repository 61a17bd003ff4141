import pytest

from lindungdesa.regions.services import regions_load


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Kalimantan Barat's regions, loaded once for the whole session (2,334 rows, about a second)."""
    with django_db_blocker.unblock():
        regions_load(province_codes=["61"])


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
