import pytest
from pytest_django.plugin import blocking_manager_key

from lindungdesa.regions.services import regions_load


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (a thread's or a tool's own connection must see its rows) ends by
    emptying every table: the regions the session loaded once are loaded again for the tests after it."""
    result = yield
    marker = item.get_closest_marker("django_db")
    if "transactional_db" in item.fixturenames or (marker and marker.kwargs.get("transaction")):
        with item.config.stash[blocking_manager_key].unblock():
            regions_load(province_codes=["61"])
    return result
