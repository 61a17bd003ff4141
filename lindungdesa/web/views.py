import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from lindungdesa.accounts.models import User
from lindungdesa.accounts.permissions import (
    PEOPLE_VIEW,
    PERSONAL_VIEW,
    REGION_VIEW,
    ROSTER_EDIT,
    can,
    require,
)
from lindungdesa.accounts.scope import home_region, region_for_user, scoped
from lindungdesa.budget.views import desa_summary
from lindungdesa.indicators import charts
from lindungdesa.indicators.dashboard import dashboard_version, page_dashboard
from lindungdesa.indicators.selectors import region_indicators, serving_without_nik
from lindungdesa.indicators.versioned import region_cached
from lindungdesa.lib.months import Month
from lindungdesa.regions.boundaries import has_map
from lindungdesa.regions.models import Region

from . import jobs, kept, tables
from .forms import RegionPageForm
from .roster import desa_roster, roster_rows

T = TypeVar("T")

TABLE_ID = "tabel-wilayah"
# What the rows of a region's table are; a kecamatan holds kelurahan as well as desa.
CHILD_LABELS = {1: _("Kabupaten/Kota"), 2: _("Kecamatan"), 3: _("Desa/Kelurahan")}


@dataclass(frozen=True)
class Crumb:
    region: Region
    link: bool  # False above the user's own region: shown by name, not linked (its page would 404)


def breadcrumbs(user: User, region: Region) -> list[Crumb]:
    return [Crumb(r, user.can_see_region(r.code)) for r in region.ancestors()]


def _this_month() -> Month:
    return Month.of(timezone.localdate())


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    region = home_region(request.user)
    if region is not None:
        return redirect("region", code=region.code)
    provinces = scoped(Region.objects.filter(level=1), request.user)
    return render(request, "web/home.html", {"provinces": provinces})


@login_required
@require_safe
def region(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, REGION_VIEW, code)
    region = region_for_user(request.user, code)
    form = RegionPageForm(request.GET, current=_this_month())
    period, sort, direction, period_errors = form.values()
    ctx = {
        "region": region,
        "period": period,
        "period_errors": period_errors,
        "period_choices": form.period_choices(period),
        # Links keep the period only when the user chose a valid one, so an error is not repeated.
        "period_param": str(period) if form.cleaned_data.get("periode") else "",
        "breadcrumbs": breadcrumbs(request.user, region),
    }
    # On the user's own region (their home) the page opens with what their role does there.
    ctx["is_home"] = region.code == (
        request.user.region_id or getattr(home_region(request.user), "code", None)
    )
    if region.level == 4:
        return _desa(request, region, period, ctx)

    version = dashboard_version(region.code)
    # The figures' part of the page is the same for every reader of the region (no name, no right asked):
    # the template keeps it rendered under what it depends on (web/region.html). What only that part shows
    # is computed when it is rendered, not when it was kept: functions called once, by the template (the
    # kept dashboard's unpickling and the count of those without a NIK were a third of the page's time).
    dash = _once(lambda: page_dashboard(region, period, version=version))
    ctx["figures_version"] = f"{version}|{timezone.localdate()}"
    base_params = {"periode": ctx["period_param"]} if ctx["period_param"] else {}
    ctx.update(
        without_nik=_once(lambda: serving_without_nik(region.code, period)),
        total=_once(lambda: dash().total),
        snapshot=_once(lambda: dash().indicators.snapshot),
        stale=_once(lambda: dash().indicators.stale),
        rows=_once(lambda: tables.sort_rows(dash().indicators.children, sort, direction)),
        headers=tables.headers(base_params=base_params, key=sort, direction=direction),
        sort=sort,
        direction=direction,
        progress=_once(lambda: dash().own_progress),
        child_progress=_once(lambda: dash().child_rows()),
        trends=_once(lambda: [t.as_dict() for t in dash().trends]),
        has_map=has_map(region.code),
        map_indicators=charts.MAP_INDICATORS,
        map_legend=charts.legend(),
        table_id=TABLE_ID,
        child_label=CHILD_LABELS[region.level],
        jobs=jobs.region_jobs(request.user, region, dash().total) if ctx["is_home"] else [],
    )
    template = "web/region.html"
    if request.htmx and request.htmx.target == TABLE_ID and not request.htmx.history_restore_request:
        template = "web/_region_table.html"
    response = render(request, template, ctx)
    # The same address answers with a whole page or only the table: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _once(compute: Callable[[], T]) -> Callable[[], T]:
    """`compute`, called at most once: for a template, which calls what it is given when it shows it."""
    return functools.cache(compute)


def _desa(request: HttpRequest, desa: Region, period: Month, ctx: dict) -> HttpResponse:
    if desa.is_village:
        # The desa's figures (counts only, the same for every reader) kept per month and day under what they
        # depend on, like the region page's: a fifth of the page's own work (docs/benchmarks.md,
        # "Saturation, second pass"). The reader's access to the desa was checked above.
        # Its province's data version, and the snapshots the past counts come from.
        version = dashboard_version(desa.code)
        ctx["total"], ctx["without_nik"] = region_cached(
            "desa-figures",
            desa.code,
            period,
            timezone.localdate(),  # the running month counts those without a NIK live, a past one not
            version=version,
            compute=lambda: desa_figures(desa, period),
        )
        # A read-only viewer sees the figures, not the people behind them.
        ctx["show_roster"] = can(request.user, PEOPLE_VIEW, desa.code)
        if ctx["show_roster"]:
            # The roster is kept rendered in this process's memory per reader's role and region, address,
            # language, day and the province's data version (in `version`; web/kept.py): read and rendered
            # only when it is not (functions the template calls inside its kept part).
            ctx.update(kept.kept_context(request, version))
            roster = ctx["roster"] = _once(lambda: desa_roster(desa, period))
            ctx["last_day"] = period.last_day
            ctx["today"] = timezone.localdate()
            # Keeping the roster (web/registry.py), and a whole NIK shown on demand, audited.
            ctx["can_edit"] = can(request.user, ROSTER_EDIT, desa.code)
            ctx["can_reveal"] = can(request.user, PERSONAL_VIEW, desa.code)
            rights = {"can_reveal": ctx["can_reveal"], "can_edit": ctx["can_edit"]}
            ctx["aparat_rows"] = _once(lambda: roster_rows(roster().aparat, **rights))
            ctx["bpd_rows"] = _once(lambda: roster_rows(roster().bpd, **rights))
        ctx["budget_summary"] = desa_summary(desa, request.user)
        if ctx["is_home"]:
            ctx["jobs"] = jobs.desa_jobs(request.user, desa, ctx["total"], period, ctx["budget_summary"])
    return kept.fill_csrf(request, render(request, "web/desa.html", ctx))


def desa_figures(desa: Region, period: Month) -> tuple:
    """The desa page's figures: its totals, and how many serve there without a NIK."""
    return region_indicators(desa, period).total, serving_without_nik(desa.code, period)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token (an old tab, or cookies off); the reason stays in the log."""
    return render(request, "403_csrf.html", status=403)
