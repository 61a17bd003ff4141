import pytest
from pytest_django.plugin import blocking_manager_key

from lindungdesa.regions.services import regions_load


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (a thread's or a tool's own connection must see its rows) ends by
    emptying every table: the regions the session loaded once are loaded again for the tests after it.
    After the session's last test there is none: its test database is gone by then, and loading would
    write into the database DATABASE_URL names."""
    result = yield
    marker = item.get_closest_marker("django_db")
    transactional = "transactional_db" in item.fixturenames or (marker and marker.kwargs.get("transaction"))
    if transactional and nextitem is not None:
        with item.config.stash[blocking_manager_key].unblock():
            regions_load(province_codes=["61"])
    return result
