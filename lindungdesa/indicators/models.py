from django.conf import settings
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


class TargetChange(models.Model):
    """Every change to a target, kept: who, when, from what to what, and why."""

    region_code = models.CharField(_("kode wilayah"), max_length=13)
    indicator = models.CharField(_("indikator"), max_length=8, choices=Target.Indicator.choices)
    year = models.PositiveSmallIntegerField(_("tahun"))
    old_value = models.DecimalField(_("nilai lama"), max_digits=5, decimal_places=2, null=True, blank=True)
    new_value = models.DecimalField(_("nilai baru"), max_digits=5, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("perubahan target")
        verbose_name_plural = _("perubahan target")

    def __str__(self) -> str:
        return f"{self.region_code} {self.indicator} {self.year}: {self.old_value} -> {self.new_value}"


class UcjFigure(models.Model):
    """Working population and BPJS TK participants (all workers) of one region in one year."""

    class Numerator(models.TextChoices):
        # docs/domain.md §4: whether published figures count only active participants is unconfirmed, so every
        # figure says what its numerator is.
        ACTIVE = "aktif", _("peserta aktif")
        REGISTERED = "terdaftar", _("semua peserta terdaftar")
        UNKNOWN = "belum_pasti", _("belum dipastikan (aktif atau terdaftar)")

    region_code = models.CharField(_("kode wilayah"), max_length=13)
    year = models.PositiveSmallIntegerField(_("tahun"))
    working_population = models.PositiveIntegerField(_("penduduk bekerja"))
    participants = models.PositiveIntegerField(_("peserta BPJS Ketenagakerjaan"))
    numerator = models.CharField(
        _("definisi peserta"), max_length=12, choices=Numerator.choices, default=Numerator.UNKNOWN
    )
    source = models.TextField(_("sumber"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region_code", "year"], name="ucj_unique_per_year")]
        ordering = ["region_code", "year"]
        verbose_name = _("angka UCJ")
        verbose_name_plural = _("angka UCJ")

    def __str__(self) -> str:
        return f"UCJ {self.region_code} {self.year}: {self.participants}/{self.working_population}"

    @property
    def ucj_pct(self) -> float | None:
        from .compute import pct

        return pct(self.participants, self.working_population)


class DataVersion(models.Model):
    """Counting changes to the data indicators are computed from: one row per province (`province`, its
    code) counting the changes that touched it, and the national row (`province` empty) counting every
    change anywhere (services.data_changed moves it with the provinces').

    What is kept about a region is kept under its province's version (versioned.data_version_key): a change
    in one province leaves the others' kept results in use. A snapshot (all provinces) remembers the
    national version it was made from; while that has not moved, the snapshot is exactly what a live
    computation would give, so pages can read it instead of recomputing.
    """

    NATIONAL = ""

    province = models.CharField(max_length=2, blank=True, default=NATIONAL)
    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["province"], name="data_version_per_province")]

    def __str__(self) -> str:
        return f"versi data {self.province or 'nasional'} {self.version}"


class Snapshot(models.Model):
    """The indicators of every region for one month, kept as history.

    A monthly snapshot (one per month) is the history pages and trends read. A round snapshot is a copy a
    monitoring round freezes for its figures to be confirmed and accepted: later changes never touch it.
    """

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("bulanan")
        ROUND = "round", _("putaran monev (dibekukan)")

    period = models.CharField(_("periode"), max_length=7)  # "YYYY-MM"
    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices, default=Kind.MONTHLY)
    made_at = models.DateTimeField(_("dibuat"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data_version = models.BigIntegerField(default=0)
    # Each province's data version when it was made (versioned.data_version_key): the figures of a province
    # whose version has not moved since are still what a live computation would give.
    province_versions = models.JSONField(default=dict, blank=True)
    # The imports whose data it was made from: [{"id", "kind", "file_name", "as_of", "finished_at"}].
    batches = models.JSONField(default=list, blank=True)
    grace_months = models.PositiveSmallIntegerField(default=1)
    regions = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["period"], condition=models.Q(kind="monthly"), name="snapshot_one_monthly_per_period"
            )
        ]
        verbose_name = _("potret bulanan")
        verbose_name_plural = _("potret bulanan")

    def __str__(self) -> str:
        return f"Potret {self.period}"


class RegionFigure(models.Model):
    """One region's counts in a snapshot; percentages are computed from them, never stored."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="figures")
    region_code = models.CharField(max_length=13)
    parent_code = models.CharField(max_length=13, blank=True)
    level = models.PositiveSmallIntegerField()
    villages = models.PositiveIntegerField(default=0)
    villages_registered = models.PositiveIntegerField(default=0)
    villages_fully_covered = models.PositiveIntegerField(default=0)
    aparat_serving = models.PositiveIntegerField(default=0)
    aparat_protected = models.PositiveIntegerField(default=0)
    bpd_serving = models.PositiveIntegerField(default=0)
    bpd_protected = models.PositiveIntegerField(default=0)
    # People serving at the month's end with no NIK yet, as the NIK stood when the figure was made: a NIK
    # has no history, so a past month cannot be recounted. NULL in snapshots made before it was stored
    # (read live instead: selectors.serving_without_nik).
    serving_without_nik = models.PositiveIntegerField(null=True, blank=True)

    COUNTS = (
        "villages",
        "villages_registered",
        "villages_fully_covered",
        "aparat_serving",
        "aparat_protected",
        "bpd_serving",
        "bpd_protected",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "region_code"], name="figure_unique_per_snapshot")
        ]
        indexes = [
            models.Index(fields=["region_code", "snapshot"]),
            models.Index(fields=["snapshot", "parent_code"]),
            # The desa of one region in one snapshot (worklists): a prefix of region_code within a level.
            models.Index(fields=["snapshot", "level", "region_code"]),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} ({self.snapshot_id})"
