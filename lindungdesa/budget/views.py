"""Budget pages: a region's premium budget for a fiscal year, its downloads, adoption and who pays."""

import functools
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lindungdesa.accounts.downloads import PersonalDownload, personal_download
from lindungdesa.accounts.models import User
from lindungdesa.accounts.permissions import BUDGET_ADOPT, BUDGET_PAYERS, PEOPLE_VIEW, PERSONAL_EXPORT, can
from lindungdesa.accounts.scope import home_region, region_for_user
from lindungdesa.regions.models import Region
from lindungdesa.web import kept

from . import compute, exports
from .forms import BudgetForm, RegencySettingsForm, scenario_query
from .models import Budget, BudgetSetting, ContributionRule, PayerRule, RuleChange, SiltapMinimum
from .selectors import (
    RegionBudget,
    comparison_scenarios,
    payers_in_force,
    region_budget,
    region_budgets,
    setting_in_force,
    stored_budget,
    stored_budgets,
    totals_version,
)
from .services import budget_setting_save, budget_store, payer_rules_set


def can_adopt(user: User) -> bool:
    """Who may adopt (tetapkan) a budget in their region: the people who keep rosters."""
    return can(user, BUDGET_ADOPT)


def can_set_payers(user: User, region: Region) -> bool:
    return region.level == 2 and can(user, BUDGET_PAYERS, region.code)


@dataclass(frozen=True)
class Comparison:
    budget: RegionBudget
    against: RegionBudget | None
    query: str

    @property
    def difference(self) -> compute.Totals | None:
        return self.budget.total.minus(self.against.total) if self.against else None


def _this_year() -> int:
    return timezone.localdate().year


def _form(request: HttpRequest) -> tuple[int, compute.Scenario, list[str]]:
    return BudgetForm(request.GET, this_year=_this_year()).values()


def _breadcrumbs(user: User, region: Region) -> list[dict]:
    return [{"region": r, "link": user.can_see_region(r.code)} for r in region.ancestors()]


@login_required
@require_safe
def budget_home(request: HttpRequest) -> HttpResponse:
    region = home_region(request.user)
    if region is None:
        return redirect("home")
    return redirect("budget", code=region.code)


@login_required
@require_safe
def budget_region(request: HttpRequest, code: str) -> HttpResponse:
    region = region_for_user(request.user, code)
    year, scenario, errors = _form(request)
    ctx = {
        "region": region,
        "year": year,
        "scenario": scenario,
        "errors": errors,
        "form": BudgetForm(request.GET or None, this_year=_this_year()),
        "breadcrumbs": _breadcrumbs(request.user, region),
        "query": scenario_query(year, scenario),
        "section": "anggaran",
        "years": range(_this_year() - 1, _this_year() + 3),
        # A desa's page is budget_home + code + "/": one reverse() for a regency's hundreds of links.
        "budget_home": reverse("budget-home"),
    }
    if region.level == 4 and not region.is_village:
        return render(request, "budget/region.html", ctx)
    scenarios = comparison_scenarios(scenario)
    if scenario not in scenarios:
        scenarios.append(scenario)
    # A desa shows its people line by line; larger regions need only the totals, which are much quicker.
    # A province shows its regencies, a regency or kecamatan its desa for the chosen scenario: the totals per
    # desa of the other scenarios are not read (selectors.region_budgets).
    may_see_people = can(request.user, PEOPLE_VIEW, region.code)

    # The figures, the comparisons and a desa's people are kept rendered in this process's memory per
    # reader's role and region, address, language, day and what the totals depend on (`totals_version`:
    # the data version and the budget rules; web/kept.py): computed only when the template renders its
    # kept part (functions it calls). The adopted budgets below them are read for each request.
    @functools.cache
    def budgets() -> dict:
        found = region_budgets(
            region, year, scenarios, lines=region.level == 4, desa=[scenario] if region.level > 1 else False
        )
        current, everyone = found[0], found[1]
        chosen = {b.scenario: b for b in found}[scenario]
        return {
            "budget": chosen,
            "comparisons": [
                Comparison(
                    b, None if i == 0 else current if i == 1 else everyone, scenario_query(year, b.scenario)
                )
                for i, b in enumerate(found[:6])
            ],
            "gap": everyone.total.minus(current.total),
            # A desa's sheet names its people: for roles that see people (a viewer gets the totals only).
            "people": exports.person_rows(chosen) if region.level == 4 and may_see_people else [],
        }

    ctx.update(
        budget=lambda: budgets()["budget"],
        comparisons=lambda: budgets()["comparisons"],
        gap=lambda: budgets()["gap"],
        budget_people=lambda: budgets()["people"],
        stored=list(stored_budgets(region, year)[:20]),
        can_adopt=can_adopt(request.user),
        can_set_payers=can_set_payers(request.user, region),
        may_see_people=may_see_people,
        may_download=region.level < 4 or can(request.user, PERSONAL_EXPORT, region.code),
        **kept.kept_context(request, totals_version(region.code)),
    )
    return kept.fill_csrf(request, render(request, "budget/region.html", ctx))


CONTENT_TYPES = {"xlsx": exports.XLSX_CONTENT_TYPE, "pdf": exports.PDF_CONTENT_TYPE}


def _access(request: HttpRequest, region: Region, fmt: str) -> PersonalDownload | None:
    """A desa's sheet lists its people (names, offices, wages; NIK in the XLSX): a person-level download,
    audited. A larger region's holds a row per desa or regency: aggregates, for everyone in the region."""
    if fmt not in CONTENT_TYPES:
        raise Http404(_("Format tidak dikenal."))
    if region.level < 4:
        return None
    return personal_download(request, region.code, _("Anggaran iuran per orang (%(fmt)s)") % {"fmt": fmt})


def _download(budget: RegionBudget, fmt: str, download: PersonalDownload | None) -> HttpResponse:
    if fmt == "xlsx":
        masked = download is None or download.masked
        content = exports.budget_xlsx(budget, personal=not masked)
    else:
        content = exports.budget_pdf(budget, today=timezone.localdate())
    name = exports.file_name(budget, fmt)
    if download is not None:
        rows = len(budget.budget.persons)
        return download.respond(content, file_name=name, content_type=CONTENT_TYPES[fmt], rows=rows)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_safe
def budget_download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    region = region_for_user(request.user, code)
    download = _access(request, region, fmt)
    if region.level == 4 and not region.is_village:
        raise Http404(_("Kelurahan tidak mempunyai aparat desa maupun BPD."))
    year, scenario, _errors = _form(request)
    return _download(region_budget(region, year, scenario, lines=region.level == 4), fmt, download)


@login_required
@require_safe
def stored_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    stored = get_object_or_404(Budget.objects.select_related("region", "created_by"), pk=pk)
    region = region_for_user(request.user, stored.region_id)  # 404 outside the user's region
    download = _access(request, region, fmt)
    return _download(stored_budget(stored), fmt, download)


@login_required
@require_POST
def budget_adopt(request: HttpRequest, code: str) -> HttpResponse:
    region = region_for_user(request.user, code)
    year, scenario, errors = BudgetForm(request.POST, this_year=_this_year()).values()
    if not can_adopt(request.user):
        messages.error(request, _("Peran Anda tidak dapat menetapkan anggaran."))
    elif errors:
        messages.error(request, " ".join(errors))
    elif region.level == 4 and not region.is_village:
        messages.error(request, _("Kelurahan tidak mempunyai aparat desa maupun BPD."))
    else:
        stored = budget_store(region=region, year=year, scenario=scenario, user=request.user)
        messages.success(
            request,
            _(
                "Anggaran %(year)s (%(scenario)s) sebesar %(total)s ditetapkan. Perubahan aturan iuran "
                "sesudah ini tidak mengubahnya."
            )
            % {"year": year, "scenario": scenario.label, "total": compute.fmt_rupiah(stored.total)},
        )
    return redirect(reverse("budget", args=[region.code]) + scenario_query(year, scenario))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def regency_settings(request: HttpRequest, code: str) -> HttpResponse:
    region = region_for_user(request.user, code)
    if region.level > 2:
        # Settings belong to the regency: a desa or kecamatan page links here on its behalf.
        return redirect("budget-settings", code=region.regency_code)
    if region.level != 2:
        raise Http404(_("Sumber pembayaran diatur per kabupaten/kota."))
    editable = can_set_payers(request.user, region)
    this_year = _this_year()
    year = _settings_year(request, this_year)
    payers = payers_in_force(region, year)
    setting = setting_in_force(region, year)
    initial = {
        "tahun": year,
        "risiko": setting.risk_group,
        "kategori_bpd": setting.bpd_category,
        "penghasilan_bpd": int(setting.bpd_declared_income),
        "akun_bpd": setting.bpd_account.code,
        "nama_akun_bpd": setting.bpd_account.name,
        "kegiatan_bpd": setting.bpd_account.activity,
        "nama_kegiatan_bpd": setting.bpd_account.activity_name,
    }
    for (group, programme), payer in payers.items():
        initial[RegencySettingsForm.field_name(group, programme, compute.EMPLOYER)] = payer.employer
        initial[RegencySettingsForm.field_name(group, programme, compute.WORKER)] = payer.worker
    if request.method == "POST":
        if not editable:
            raise Http404(_("Halaman tidak ditemukan."))
        form = RegencySettingsForm(request.POST, this_year=this_year)
        if form.is_valid():
            try:
                changed = _settings_save(region, form, request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("Pengaturan %(region)s disimpan (%(n)s perubahan).")
                    % {"region": region.name, "n": changed},
                )
                return redirect(
                    reverse("budget-settings", args=[region.code]) + f"?tahun={form.cleaned_data['tahun']}"
                )
    else:
        form = RegencySettingsForm(initial=initial, this_year=this_year)
    ids = list(PayerRule.objects.filter(regency=region).values_list("id", flat=True))
    setting_ids = list(BudgetSetting.objects.filter(regency=region).values_list("id", flat=True))
    history = RuleChange.objects.filter(
        kind=RuleChange.Kind.PAYER, object_id__in=ids
    ) | RuleChange.objects.filter(kind=RuleChange.Kind.SETTING, object_id__in=setting_ids)
    ctx = {
        "region": region,
        "year": year,
        "form": form,
        "editable": editable,
        "payers": payers,
        "setting": setting,
        "history": history.select_related("changed_by")[:30],
        "breadcrumbs": _breadcrumbs(request.user, region),
        "section": "anggaran",
    }
    return render(request, "budget/settings.html", ctx)


def _settings_year(request: HttpRequest, this_year: int) -> int:
    try:
        return compute.parse_year(request.GET.get("tahun", ""), this_year=this_year)
    except ValueError:
        return this_year + 1


def _settings_save(region: Region, form: RegencySettingsForm, user: User) -> int:
    data = form.cleaned_data
    year, reason = data["tahun"], data["alasan"]
    changed = payer_rules_set(regency=region, from_year=year, payers=form.payers(), user=user, reason=reason)
    current = setting_in_force(region, year)
    account = compute.Account(
        data["akun_bpd"], data["nama_akun_bpd"], data["kegiatan_bpd"], data["nama_kegiatan_bpd"]
    )
    wanted = (data["risiko"], data["kategori_bpd"], data["penghasilan_bpd"], account)
    in_force = (current.risk_group, current.bpd_category, current.bpd_declared_income, current.bpd_account)
    if in_force != wanted:
        row = BudgetSetting.objects.filter(regency=region, from_year=year).first() or BudgetSetting(
            regency=region, from_year=year, programmes=",".join(current.programmes)
        )
        row.risk_group, row.bpd_category, row.bpd_declared_income = wanted[:3]
        row.bpd_account, row.bpd_account_name = account.code, account.name
        row.bpd_activity, row.bpd_activity_name = account.activity, account.activity_name
        row.legal_basis = reason
        budget_setting_save(setting=row, user=user, reason=reason)
        changed += 1
    return changed


@login_required
@require_safe
def rules(request: HttpRequest) -> HttpResponse:
    """The contribution rules, minimum siltap and default payers in force, with their history."""
    default_payers = list(PayerRule.objects.filter(regency__isnull=True))
    ctx = {
        "contribution_rules": ContributionRule.objects.all(),
        "minimums": SiltapMinimum.objects.all(),
        "default_payers": default_payers,
        "payer_bases": list(dict.fromkeys(p.legal_basis for p in default_payers)),
        "default_settings": BudgetSetting.objects.filter(regency__isnull=True),
        "history": RuleChange.objects.select_related("changed_by")[:50],
        "section": "anggaran",
        "can_edit": request.user.is_staff,
    }
    return render(request, "budget/rules.html", ctx)


def desa_summary(desa: Region, user: User) -> dict | None:
    """Next year's budget of one desa for its page: current participants and everyone serving."""
    if not desa.is_village:
        return None
    year = _this_year() + 1
    current, everyone = region_budgets(
        desa, year, [compute.Scenario(compute.CURRENT), compute.Scenario(compute.ALL_SERVING)], lines=False
    )
    return {
        "year": year,
        "current": current,
        "everyone": everyone,
        "gap": everyone.total.minus(current.total),
        "current_query": scenario_query(year, current.scenario),
        "everyone_query": scenario_query(year, everyone.scenario),
        "sources": compute.SOURCES,
        "may_download": can(user, PERSONAL_EXPORT, desa.code),  # the desa's sheets name its people
    }
