import pytest

from lindungdesa.regions.services import regions_load


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Kalimantan Barat's regions, loaded once for the whole session (2,334 rows, about a second)."""
    with django_db_blocker.unblock():
        regions_load(province_codes=["61"])
