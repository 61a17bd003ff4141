"""Each demo role's main pages, for bench/pages.py (server time) and bench/slow_link.py (a slow link).

The pages are those of each role's menu (base.html), as the role reaches them (the menu's address, then
its redirect), plus the pages one step down that the issue named: a monev round, a case, a kecamatan and a
desa. Needs Django set up (DJANGO_SETTINGS_MODULE) and the demo province (`lindungdesa setup --province
61 --demo`, as `make run` does).
"""

from dataclasses import dataclass

from django.db.models import Count
from django.test import Client
from django.utils import timezone

from lindungdesa.accounts.models import User
from lindungdesa.lib.months import Month
from lindungdesa.monev.models import Case, Round
from lindungdesa.monev.services import round_open
from lindungdesa.regions.models import Region

# A national deployment's administrator (no region): not made by `setup --demo` (one province), made by
# bench/national_pages.sh. Skipped where it does not exist.
NATIONAL_ADMIN = "admin.nasional"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 360, "height": 740}


@dataclass
class RolePages:
    role: str
    username: str | None  # None: the public, not logged in
    viewport: dict
    urls: list[str]


def _final(client: Client, url: str) -> str:
    """Where the menu's address leads (home → the user's region, rekonsiliasi/ → its region...)."""
    response = client.get(url)
    while response.status_code in (301, 302) and response["Location"].startswith("/"):
        url = response["Location"]
        response = client.get(url)
    return url


def round_ensure(province: str) -> Round:
    """The province's latest monev round; one is opened for last month if it has none (the demo opens
    none: the province opens rounds in the page), so that the round and case pages are measured too."""
    latest = Round.objects.filter(province_id=province).order_by("-period", "-pk").first()
    if latest is None:
        last_month = Month.of(timezone.localdate()).add(-1)
        latest = round_open(province=Region.objects.get(code=province), period=str(last_month))
        print(
            f"(opened monev round {latest.period} of {province} for the benchmark:"
            f" {latest.cases.count()} cases)"
        )
    return latest


def role_pages(province: str = "61") -> list[RolePages]:
    latest_round = round_ensure(province)
    out = []
    for role, username, viewport in (
        ("national administrator", NATIONAL_ADMIN, DESKTOP),
        ("province analyst", "analis", DESKTOP),
        ("regency operator", "operator.kab", DESKTOP),
        ("regency admin", "admin.kab", DESKTOP),
        ("BPJS officer", "bpjs", DESKTOP),
        ("viewer", "peninjau", DESKTOP),
        ("village operator", "operator.desa", PHONE),
    ):
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        menu = ["/", "/impor/", "/rekonsiliasi/", "/anggaran/", "/monev/", "/target/", "/ucj/", "/potret/"]
        if user.role == User.Role.PROVINCE_ANALYST:
            menu.append("/laporan/kemendagri/")
        urls = []
        for url in menu:
            final = _final(client, url)
            if client.get(final).status_code == 200 and final not in urls:
                urls.append(final)
        home = urls[0]
        region = home.strip("/").split("/")[-1]
        if user.region_id is None:
            # The national home lists the provinces: one step down is the largest of them (most desa),
            # with its reconciliation and budget pages, the heaviest pages a province has.
            largest = _largest_province()
            for url in (f"/wilayah/{largest}/", f"/rekonsiliasi/{largest}/", f"/anggaran/{largest}/"):
                if client.get(url).status_code == 200 and url not in urls:
                    urls.append(url)
        elif region.count(".") < 3:
            # One step down from the home region: its first child's page (a kecamatan under a kabupaten...).
            child = f"/wilayah/{_first_child(region)}/"
            if client.get(child).status_code == 200:
                urls.insert(1, child)
        if client.get(f"/monev/{latest_round.pk}/").status_code == 200:
            urls.append(f"/monev/{latest_round.pk}/")
            case = (
                Case.objects.filter(round=latest_round, desa__code__startswith=user.region_id or "")
                .order_by("pk")
                .first()
            )
            if case is not None and client.get(f"/monev/kasus/{case.pk}/").status_code == 200:
                urls.append(f"/monev/kasus/{case.pk}/")
        out.append(RolePages(role, username, viewport, urls))
    out.append(RolePages("public", None, PHONE, [f"/publik/{province}/", f"/publik/{province}.03/"]))
    return out


def _largest_province() -> str:
    return (
        Region.objects.filter(kind__in=Region.VILLAGE_KINDS)
        .values("province_code")
        .annotate(desa=Count("code"))
        .order_by("-desa", "province_code")
        .values_list("province_code", flat=True)
        .first()
    )


def _first_child(code: str) -> str:
    return Region.objects.filter(parent_id=code).order_by("code").values_list("code", flat=True).first()
