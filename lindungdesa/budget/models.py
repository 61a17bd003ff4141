"""Contribution rules as dated data, who pays from which budget, and budgets as they were adopted.

Every rate and amount of docs/domain.md §2 is a row here, with its legal basis; the province administrator
edits them (Django admin, through `services.py`, which keeps every change in `RuleChange`). A stored `Budget`
copies the values of the rules it used, so editing a rule later never changes it.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindungdesa.enrolment.models import Enrolment
from lindungdesa.officials.models import Group

from . import compute

_ZERO = Decimal(0)


class Programme(models.TextChoices):
    JKK = "JKK", _("JKK (jaminan kecelakaan kerja)")
    JKM = "JKM", _("JKM (jaminan kematian)")
    JHT = "JHT", _("JHT (jaminan hari tua)")
    JP = "JP", _("JP (jaminan pensiun)")


class Source(models.TextChoices):
    APBD = "APBD", _("APBD kabupaten")
    APBDES = "APBDES", _("APBDes (bukan Dana Desa)")
    PESERTA = "PESERTA", _("Peserta (dipotong dari penghasilan)")


def source_label(source: str) -> str:
    """ "APBD" → "APBD kabupaten": the label of the choices (`Source`)."""
    return str(dict(Source.choices).get(source, source))


def group_label(group: str) -> str:
    """ "APARAT" → "Aparat desa": the label of the choices (`Group`)."""
    return str(dict(Group.choices).get(group, group))


class RiskGroup(models.IntegerChoices):
    I = 1, _("I (sangat rendah)")  # noqa: E741
    II = 2, _("II (rendah)")
    III = 3, _("III (sedang)")
    IV = 4, _("IV (tinggi)")
    V = 5, _("V (sangat tinggi)")


class OfficeClass(models.TextChoices):
    KEPALA_DESA = compute.KEPALA_DESA, _("Kepala desa")
    SEKRETARIS_DESA = compute.SEKRETARIS_DESA, _("Sekretaris desa")
    PERANGKAT = compute.PERANGKAT, _("Perangkat desa lainnya")


def _overlaps(valid_from: date, valid_to: date | None, prefix: str = "") -> Q:
    """Rows whose [valid_from, valid_to] overlaps the given range (None = open-ended)."""
    q = Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": valid_from})
    if valid_to is not None:
        q &= Q(**{f"{prefix}valid_from__lte": valid_to})
    return q


def in_year(year: int) -> Q:
    return _overlaps(date(year, 1, 1), date(year, 12, 31))


class DatedRule(models.Model):
    valid_from = models.DateField(_("berlaku mulai"))
    valid_to = models.DateField(
        _("berlaku sampai"), null=True, blank=True, help_text=_("Kosong: masih berlaku.")
    )
    legal_basis = models.TextField(_("dasar hukum"))
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.valid_from is None:
            return
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Tanggal akhir berlaku tidak boleh sebelum tanggal mulai.")})
        other = self.overlapping().first()
        if other is not None:
            raise ValidationError(
                _(
                    "Tanggal berlakunya bertumpang tindih dengan %(other)s. Akhiri dulu aturan itu (isi "
                    "'berlaku sampai') sebelum menambah yang baru."
                ),
                params={"other": other},
            )

    def overlapping(self) -> models.QuerySet:
        raise NotImplementedError


class ContributionRule(DatedRule):
    """One programme's contribution for one participant category (and JKK risk group), for a date range.

    A rate is a percent of the monthly wage base; a fixed amount is rupiah a month. The employer share is
    what the village or region pays; the worker share is the official's own (JHT 2 %, JP 1 %). BPU has no
    employer: its whole contribution is in the employer columns, paid by whoever the payer table names.
    """

    programme = models.CharField(_("program"), max_length=3, choices=Programme.choices)
    category = models.CharField(_("kategori"), max_length=3, choices=Enrolment.Category.choices)
    risk_group = models.PositiveSmallIntegerField(
        _("kelompok risiko JKK"), choices=RiskGroup.choices, null=True, blank=True
    )
    employer_rate = models.DecimalField(
        _("tarif pemberi kerja (%)"),
        max_digits=7,
        decimal_places=4,
        default=_ZERO,
        validators=[MinValueValidator(0)],
    )
    worker_rate = models.DecimalField(
        _("tarif peserta (%)"),
        max_digits=7,
        decimal_places=4,
        default=_ZERO,
        validators=[MinValueValidator(0)],
    )
    employer_amount = models.DecimalField(
        _("iuran tetap pemberi kerja (Rp/bulan)"),
        max_digits=14,
        decimal_places=2,
        default=_ZERO,
        validators=[MinValueValidator(0)],
    )
    worker_amount = models.DecimalField(
        _("iuran tetap peserta (Rp/bulan)"),
        max_digits=14,
        decimal_places=2,
        default=_ZERO,
        validators=[MinValueValidator(0)],
    )
    wage_floor = models.DecimalField(
        _("upah/penghasilan paling rendah"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    wage_ceiling = models.DecimalField(
        _("batas upah tertinggi"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["programme", "category", "risk_group", "valid_from"]
        verbose_name = _("aturan iuran")
        verbose_name_plural = _("aturan iuran")

    def __str__(self) -> str:
        return f"{self.as_plain().label} sejak {self.valid_from:%d-%m-%Y}"

    def clean(self) -> None:
        # The row's own checks first; the check against other rows (DatedRule.clean) after.
        if self.programme == Programme.JKK and self.category == Enrolment.Category.PU and not self.risk_group:
            raise ValidationError({"risk_group": _("JKK peserta PU wajib diberi kelompok risiko.")})
        if self.risk_group and self.programme != Programme.JKK:
            raise ValidationError({"risk_group": _("Kelompok risiko hanya untuk JKK.")})
        if not any(
            v for v in (self.employer_rate, self.worker_rate, self.employer_amount, self.worker_amount) if v
        ):
            raise ValidationError(_("Isi tarif (%) atau iuran tetap (Rp) untuk pemberi kerja atau peserta."))
        super().clean()

    def overlapping(self) -> models.QuerySet:
        """Other rows for the same programme, category and risk group whose dates overlap this one."""
        return ContributionRule.objects.filter(
            _overlaps(self.valid_from, self.valid_to),
            programme=self.programme,
            category=self.category,
            risk_group=self.risk_group,
        ).exclude(pk=self.pk)

    def as_plain(self) -> compute.Rule:
        return compute.Rule(
            id=self.pk,
            programme=self.programme,
            category=self.category,
            risk_group=self.risk_group,
            employer_rate=self.employer_rate,
            worker_rate=self.worker_rate,
            employer_amount=self.employer_amount,
            worker_amount=self.worker_amount,
            wage_floor=self.wage_floor,
            wage_ceiling=self.wage_ceiling,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            legal_basis=self.legal_basis,
        )


class SiltapMinimum(DatedRule):
    """The legal minimum monthly siltap of one class of office (PP 11/2019 amending PP 43/2014 Pasal 81)."""

    office_class = models.CharField(_("jabatan"), max_length=16, choices=OfficeClass.choices)
    amount = models.DecimalField(_("siltap paling sedikit (Rp/bulan)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["office_class", "valid_from"]
        verbose_name = _("siltap minimum")
        verbose_name_plural = _("siltap minimum")

    def __str__(self) -> str:
        return f"{self.get_office_class_display()} sejak {self.valid_from:%d-%m-%Y}"

    def overlapping(self) -> models.QuerySet:
        return SiltapMinimum.objects.filter(
            _overlaps(self.valid_from, self.valid_to), office_class=self.office_class
        ).exclude(pk=self.pk)

    def as_plain(self) -> compute.Minimum:
        return compute.Minimum(
            office_class=self.office_class,
            amount=self.amount,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            id=self.pk,
            legal_basis=self.legal_basis,
        )


class RegencyYearRule(models.Model):
    """A setting of one regency (or, without a regency, of every regency) from one fiscal year on.

    The row in force for a regency and year is its own with the latest `from_year` not after the year,
    else the default row (no regency) with the latest `from_year`.
    """

    regency = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 2},
        verbose_name=_("kabupaten/kota"),
        help_text=_("Kosong: bawaan untuk semua kabupaten/kota."),
    )
    from_year = models.PositiveSmallIntegerField(_("berlaku mulai tahun anggaran"))
    legal_basis = models.TextField(_("dasar hukum / catatan"), blank=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.regency_id and self.regency.level != 2:
            raise ValidationError({"regency": _("Pilih kabupaten atau kota.")})


class PayerRule(RegencyYearRule):
    """Who pays one programme for one group: the employer share and the worker share (docs/domain.md §2)."""

    group = models.CharField(_("kelompok"), max_length=6, choices=Group.choices)
    programme = models.CharField(_("program"), max_length=3, choices=Programme.choices)
    employer_payer = models.CharField(
        _("bagian pemberi kerja dibayar dari"), max_length=7, choices=Source.choices
    )
    worker_payer = models.CharField(
        _("bagian peserta dibayar dari"), max_length=7, choices=Source.choices, default=Source.PESERTA
    )

    class Meta:
        ordering = ["regency", "from_year", "group", "programme"]
        verbose_name = _("sumber pembayaran iuran")
        verbose_name_plural = _("sumber pembayaran iuran")
        constraints = [
            models.UniqueConstraint(
                fields=["regency", "from_year", "group", "programme"], name="payer_unique_per_regency_year"
            ),
            models.UniqueConstraint(
                fields=["from_year", "group", "programme"],
                condition=Q(regency__isnull=True),
                name="payer_unique_default_year",
            ),
        ]

    def __str__(self) -> str:
        where = self.regency.name if self.regency_id else "Bawaan"
        return f"{where} {self.from_year}: {self.group} {self.programme}"

    def as_plain(self) -> compute.Payer:
        return compute.Payer(
            group=self.group,
            programme=self.programme,
            employer=self.employer_payer,
            worker=self.worker_payer,
            id=self.pk,
            regency=self.regency_id,
            from_year=self.from_year,
            legal_basis=self.legal_basis,
        )


class BudgetSetting(RegencyYearRule):
    """How a regency budgets officials not enrolled yet (all-serving scenario), and its JKK risk group."""

    risk_group = models.PositiveSmallIntegerField(
        _("kelompok risiko JKK"), choices=RiskGroup.choices, default=1
    )
    programmes = models.CharField(
        _("program bawaan"), max_length=20, default="JKK,JKM", help_text=_("mis. JKK,JKM atau JKK,JKM,JHT")
    )
    bpd_category = models.CharField(
        _("kategori anggota BPD"),
        max_length=3,
        choices=Enrolment.Category.choices,
        default=Enrolment.Category.BPU,
    )
    bpd_declared_income = models.DecimalField(
        _("penghasilan yang dilaporkan anggota BPD (BPU)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(1_000_000),
    )
    # Where BPD members' premiums go in the APBDes: the national chart (Permendagri 20/2018) has no account
    # for them, so each regency names its local one (compute.ACCOUNT_BPD_DEFAULT when it has not).
    bpd_account = models.CharField(
        _("kode rekening APBDes iuran BPD"),
        max_length=20,
        default=compute.ACCOUNT_BPD_DEFAULT.code,
        validators=[RegexValidator(r"^5(\.\d{1,2}){3}$", _("Tulis kode rekening objek, mis. 5.1.4.91."))],
    )
    bpd_account_name = models.CharField(
        _("nama rekening iuran BPD"), max_length=120, default=compute.ACCOUNT_BPD_DEFAULT.name
    )
    bpd_activity = models.CharField(
        _("kode kegiatan iuran BPD"),
        max_length=20,
        default=compute.ACCOUNT_BPD_DEFAULT.activity,
        validators=[RegexValidator(r"^\d{2}\.\d{2}\.\d{2}$", _("Tulis kode kegiatan, mis. 01.01.05."))],
    )
    bpd_activity_name = models.CharField(
        _("nama kegiatan iuran BPD"), max_length=200, default=compute.ACCOUNT_BPD_DEFAULT.activity_name
    )

    class Meta:
        ordering = ["regency", "from_year"]
        verbose_name = _("pengaturan anggaran")
        verbose_name_plural = _("pengaturan anggaran")
        constraints = [
            models.UniqueConstraint(fields=["regency", "from_year"], name="setting_unique_per_regency_year"),
            models.UniqueConstraint(
                fields=["from_year"], condition=Q(regency__isnull=True), name="setting_unique_default_year"
            ),
        ]

    def __str__(self) -> str:
        where = self.regency.name if self.regency_id else "Bawaan"
        return f"{where} sejak {self.from_year}"

    def clean(self) -> None:
        super().clean()
        programmes = compute.programme_list(self.programmes)
        if not programmes or (set(self.programmes.replace(",", " ").upper().split()) - set(programmes)):
            raise ValidationError({"programmes": _("Tulis program dari JKK, JKM, JHT, JP, dipisah koma.")})
        self.programmes = ",".join(programmes)

    def as_plain(self) -> compute.Setting:
        return compute.Setting(
            risk_group=self.risk_group,
            programmes=compute.programme_list(self.programmes),
            bpd_category=self.bpd_category,
            bpd_declared_income=self.bpd_declared_income,
            id=self.pk,
            regency=self.regency_id,
            from_year=self.from_year,
            legal_basis=self.legal_basis,
            bpd_account=compute.Account(
                self.bpd_account, self.bpd_account_name, self.bpd_activity, self.bpd_activity_name
            ),
        )


class RuleChange(models.Model):
    """Every change to a rule row: who, when, the values before and after, and why."""

    class Kind(models.TextChoices):
        CONTRIBUTION = "contribution", _("aturan iuran")
        MINIMUM = "minimum", _("siltap minimum")
        PAYER = "payer", _("sumber pembayaran")
        SETTING = "setting", _("pengaturan anggaran")

    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("baris"))
    before = models.JSONField(_("sebelum"), null=True, blank=True)
    after = models.JSONField(_("sesudah"), null=True, blank=True)
    reason = models.TextField(_("alasan"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["kind", "object_id"], name="rulechange_object")]
        verbose_name = _("riwayat perubahan aturan")
        verbose_name_plural = _("riwayat perubahan aturan")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.object_id} {self.changed_at:%Y-%m-%d %H:%M}"

    @property
    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = [k for k in {**before, **after} if before.get(k) != after.get(k) and k != "updated_at"]
        return [(k, before.get(k), after.get(k)) for k in keys]


class Budget(models.Model):
    """A budget as it was adopted (ditetapkan): its lines and totals, and copies of the rules it used."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("wilayah")
    )
    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    scenario = models.CharField(_("skenario"), max_length=60)
    reference = models.CharField(_("keadaan data (bulan)"), max_length=7)
    totals = models.JSONField(_("jumlah"))
    children = models.JSONField(_("jumlah per wilayah di bawahnya"), default=dict)
    desa_totals = models.JSONField(_("jumlah per desa"), default=dict)
    used_rules = models.JSONField(_("aturan iuran yang dipakai"), default=list)
    used_payers = models.JSONField(_("sumber pembayaran yang dipakai"), default=list)
    used_settings = models.JSONField(_("pengaturan yang dipakai"), default=list)
    used_minimums = models.JSONField(_("siltap minimum yang dipakai"), default=list)
    notes = models.JSONField(_("catatan per orang"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ditetapkan oleh"),
    )
    created_at = models.DateTimeField(_("ditetapkan"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region", "year"], name="budget_region_year")]
        verbose_name = _("anggaran yang ditetapkan")
        verbose_name_plural = _("anggaran yang ditetapkan")

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} {self.scenario_label}"

    @property
    def total(self) -> int:
        return int(self.totals["total"])

    @property
    def scenario_label(self) -> str:
        return compute.Scenario.parse(self.scenario).label


class BudgetLine(models.Model):
    """One line of a stored budget, with the person's details as they were (positions may change later)."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    position_id = models.BigIntegerField()
    person_id = models.BigIntegerField()
    desa_code = models.CharField(max_length=13)
    name = models.CharField(max_length=150)
    nik = models.CharField(max_length=16)
    office_label = models.CharField(max_length=150)
    group = models.CharField(max_length=6)
    category = models.CharField(max_length=3)
    income = models.DecimalField(max_digits=14, decimal_places=2)
    programme = models.CharField(max_length=3)
    share = models.CharField(max_length=8)
    source = models.CharField(max_length=7)
    first_month = models.PositiveSmallIntegerField()
    last_month = models.PositiveSmallIntegerField()
    monthly = models.BigIntegerField()
    rule_id = models.BigIntegerField(null=True)
    account = models.CharField(max_length=20, blank=True, default="")  # APBDes kode rekening
    # The office's code (officials.Office): RAB lines are grouped by it, not by the label, which names the
    # dusun. "" where a line adopted before it was kept had a label no office matched (0005).
    office = models.CharField(max_length=24, blank=True, default="")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} {self.programme} {self.share}"

    def as_plain(self) -> compute.Line:
        return compute.Line(
            position_id=self.position_id,
            person_id=self.person_id,
            desa=self.desa_code,
            name=self.name,
            nik=self.nik,
            office_label=self.office_label,
            group=self.group,
            category=self.category,
            income=self.income,
            programme=self.programme,
            share=self.share,
            source=self.source,
            first_month=self.first_month,
            last_month=self.last_month,
            monthly=self.monthly,
            rule_id=self.rule_id,
            account=self.account or self._account_before_kept(),
            office=self.office,
        )

    def _account_before_kept(self) -> str:
        """Lines adopted before accounts were kept: the kepala desa's or the perangkat's by the office
        label, and the default BPD account (the regency's own was not kept with them)."""
        if self.group != compute.APARAT:
            return compute.ACCOUNT_BPD_DEFAULT.code
        label = self.office_label.lower()
        if "kepala desa" in label:
            return compute.ACCOUNT_KEPALA_DESA.code
        return compute.ACCOUNT_PERANGKAT.code
