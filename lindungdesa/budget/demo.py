"""Demo payer rules: some regencies of the demo province pay part of the premiums from the APBDes.

Only for `lindungdesa setup --demo`, so that the budget pages show every source of funds. The rows are
ordinary regency rules (with history), marked as demo data in their legal basis.
"""

import random

from django.db import transaction
from django.utils import timezone

from lindungdesa.regions.models import Region

from .models import PayerRule
from .services import payer_rules_set

DEMO_BASIS = (
    "Data demo: kabupaten ini menganggarkan iuran JKK dan JKM aparat desa dari APBDes (Alokasi Dana Desa), "
    "bukan dari APBD."
)


@transaction.atomic
def budget_demo(*, province: Region, seed: int) -> list[str]:
    """A third of the regencies (chosen by `seed`) pay aparat JKK and JKM from the APBDes from this year on.

    Does nothing where a regency already has payer rules of its own; returns the regencies changed.
    """
    regencies = list(Region.objects.filter(parent=province, level=2).order_by("code"))
    chosen = random.Random(seed).sample(regencies, k=len(regencies) // 3)
    changed = []
    for regency in sorted(chosen, key=lambda r: r.code):
        if PayerRule.objects.filter(regency=regency).exists():
            continue
        payer_rules_set(
            regency=regency,
            from_year=timezone.localdate().year,
            payers={("APARAT", "JKK"): ("APBDES", "PESERTA"), ("APARAT", "JKM"): ("APBDES", "PESERTA")},
            user=None,
            reason=DEMO_BASIS,
        )
        changed.append(regency.code)
    return changed
