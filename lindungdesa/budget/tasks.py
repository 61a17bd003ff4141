"""Budget totals computed in the background after the data changed, before a page asks for them."""

from django.apps import apps
from django.utils import timezone
from django_tasks import default_task_backend, task

from lindungdesa.officials.models import Position
from lindungdesa.regions.models import Region

from .selectors import page_budgets_warm

WARM_TASK_PATH = "lindungdesa.budget.tasks.budget_totals_warm"


def warm_regions(scope_code: str = "") -> list[Region]:
    """The provinces and regencies whose budget pages open with totals (a region above a desa), within
    `scope_code` ("" for the whole country) and holding positions: the larger first, as the dashboards
    above them are the most read."""
    codes = scope_code.split(".")
    province = codes[0] if scope_code else None
    regencies = Region.objects.filter(level=2)
    if province:
        regencies = regencies.filter(parent_id=province)
    if len(codes) >= 2:
        regencies = regencies.filter(code=".".join(codes[:2]))
    held = set(
        Position.objects.filter(desa__regency_code__in=regencies.values("code"))
        .values_list("desa__regency_code", flat=True)
        .distinct()
        .order_by()
    )
    provinces = Region.objects.filter(code__in={code[:2] for code in held}).order_by("code")
    return list(provinces) + list(Region.objects.filter(code__in=held).order_by("code"))


@task()
def budget_totals_warm(scope_code: str = "") -> int:
    """The totals of the budget pages of `scope_code`'s provinces and regencies for the year the pages open
    on (next year: budget.forms.BudgetForm), kept in the cache under the current data version. Reading and
    computing a province takes seconds; its first reader after an import would wait for them."""
    year = timezone.localdate().year + 1
    regions = warm_regions(scope_code)
    for region in regions:
        page_budgets_warm(region, year)
    return len(regions)


def budget_totals_warm_soon(scope_code: str = "") -> bool:
    """After an import or an undo: warm the budget totals in the task worker. Not with the immediate backend
    of the tests and the command line (the import would wait for it); not twice while one waits."""
    if not default_task_backend.supports_defer:
        return False
    if apps.is_installed("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(task_path=WARM_TASK_PATH, status="READY")
        if any(
            (r or {}).get("args", [""])[:1] in ([scope_code], [""])
            for r in waiting.values_list("args_kwargs", flat=True)
        ):
            return False
    budget_totals_warm.enqueue(scope_code)
    return True
