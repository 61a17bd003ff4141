"""Budget totals warmed in the task worker after an import or an undo (budget/tasks.py)."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from lindungdesa.budget.compute import CURRENT, Scenario
from lindungdesa.budget.selectors import comparison_scenarios, region_budgets
from lindungdesa.budget.tasks import WARM_TASK_PATH, budget_totals_warm, budget_totals_warm_soon, warm_regions
from lindungdesa.imports.models import ImportBatch
from lindungdesa.imports.services import batch_undo, roster_import_file
from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.budget.conftest import KAPUAS, NEXT, PENYELADI, person, serve
from tests.budget.roster_once import fresh_budget_roster, module_budget_roster  # noqa: F401  (fixtures: made once)
from tests.imports.conftest import ROSTER_HEADER, People, to_csv

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


def page_read(code: str):
    """What the budget page of a region above a desa reads, with its queries."""
    region = Region.objects.get(code=code)
    with CaptureQueriesContext(connection) as queries:
        budgets = region_budgets(
            region, NEXT, comparison_scenarios(Scenario(CURRENT)), lines=False, desa=[Scenario(CURRENT)]
        )
    return budgets, queries


def roster_reads(queries) -> int:
    return sum('FROM "officials_position"' in q["sql"] for q in queries.captured_queries)


def test_the_regions_warmed_are_the_provinces_and_regencies_holding_positions(budget_roster):
    assert [r.code for r in warm_regions()] == ["61", "61.01", "61.03"]
    assert [r.code for r in warm_regions("61.03.01.2001")] == ["61", "61.03"]
    assert warm_regions("61.02") == []  # no position held there in this roster
    assert warm_regions("62") == []


def test_the_warmed_totals_are_what_the_page_reads_without_reading_the_roster(budget_roster):
    assert budget_totals_warm.call("61") == 3
    for code in ("61", "61.03"):
        warm, queries = page_read(code)
        assert roster_reads(queries) == 0, code
    # The same figures as computed on the spot.
    cache.clear()
    cold, queries = page_read("61.03")
    assert roster_reads(queries) > 0
    assert [b.total for b in cold] == [b.total for b in warm]


def test_warm_totals_are_not_read_after_the_data_changed(budget_roster):
    budget_totals_warm.call("61.03")
    before, _ = page_read("61.03")
    serve(person(KAPUAS, date(1991, 2, 2), 21, "Paulus Baru"), PENYELADI, Office.KAUR_TU_UMUM, "2022200")
    after, queries = page_read("61.03")
    assert roster_reads(queries) > 0
    assert after[1].total.persons == before[1].total.persons + 1


def test_one_region_s_warm_totals_are_never_another_s(budget_roster):
    budget_totals_warm.call("61.03")
    sambas, queries = page_read("61.01")  # not warmed: computed from its own roster
    assert roster_reads(queries) > 0
    sanggau, _ = page_read("61.03")
    assert sambas[1].total.persons != sanggau[1].total.persons


@override_settings(TASKS=DATABASE_TASKS)
def test_an_import_and_its_undo_queue_one_warming_each(budget_roster, django_capture_on_commit_callbacks):
    desa = Region.objects.get(code=PENYELADI)
    rows = [People(desa).row("Paulus Baru", "Kaur Tata Usaha dan Umum", serial=31)]
    with django_capture_on_commit_callbacks(execute=True):
        summary = roster_import_file(data=to_csv(ROSTER_HEADER, rows), file_name="roster.csv")
    waiting = DBTaskResult.objects.filter(task_path=WARM_TASK_PATH, status="READY")
    assert waiting.count() == 1, summary
    # One waiting is enough: it reads the data as it is when it runs.
    assert budget_totals_warm_soon("") is False
    waiting.delete()

    with django_capture_on_commit_callbacks(execute=True):
        batch_undo(batch=ImportBatch.objects.get())
    assert DBTaskResult.objects.filter(task_path=WARM_TASK_PATH, status="READY").count() == 1


def test_with_the_immediate_backend_nothing_is_queued(budget_roster):
    assert budget_totals_warm_soon("61") is False
