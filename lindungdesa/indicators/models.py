from django.db import models
from django.utils.translation import gettext_lazy as _


class Target(models.Model):
    """A published target for one region, indicator and year (percent)."""

    class Indicator(models.TextChoices):
        UCJ = "ucj", _("Universal Coverage Jamsostek")
        APARAT = "aparat", _("Cakupan aparat desa")
        BPD = "bpd", _("Cakupan anggota BPD")

    region_code = models.CharField(_("kode wilayah"), max_length=13)
    indicator = models.CharField(_("indikator"), max_length=8, choices=Indicator.choices)
    year = models.PositiveSmallIntegerField(_("tahun"))
    value = models.DecimalField(_("target (%)"), max_digits=5, decimal_places=2)
    source = models.TextField(_("sumber"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "indicator", "year"], name="target_unique_per_year"
            )
        ]
        ordering = ["region_code", "indicator", "year"]
        verbose_name = _("target")
        verbose_name_plural = _("target")

    def __str__(self) -> str:
        return f"{self.region_code} {self.indicator} {self.year}: {self.value} %"


def target_for(region_code: str, indicator: str, year: int) -> Target | None:
    return Target.objects.filter(region_code=region_code, indicator=indicator, year=year).first()
