from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungdesa.lib.months import Month

from .status import DEFAULT_RULE, Status, status_of


class StatusRule(models.Model):
    """Dated setting for when a participant stops counting as protected (docs/domain.md §3).

    The rules that read it live in `status.py`, in Python and in SQL side by side.
    """

    valid_from = models.DateField(_("berlaku mulai"), unique=True)
    grace_months = models.PositiveSmallIntegerField(
        _("tenggang (bulan)"), help_text=_("Terlindungi bila iuran lunas sampai bulan M dikurangi tenggang.")
    )
    lapse_months = models.PositiveSmallIntegerField(
        _("batas tunggakan (bulan)"), help_text=_("Lebih dari ini bulan tidak dibayar: tidak aktif.")
    )
    legal_basis = models.TextField(_("dasar hukum"), blank=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("aturan status kepesertaan")
        verbose_name_plural = _("aturan status kepesertaan")

    def __str__(self) -> str:
        return f"{self.valid_from}: tenggang {self.grace_months}, tidak aktif setelah {self.lapse_months}"

    @classmethod
    def for_period(cls, period: Month) -> "StatusRule":
        rule = cls.objects.filter(valid_from__lte=period.last_day).first()
        if rule is None:
            # The rule as docs/domain.md states it, for periods before the first row (or an empty table).
            return cls(
                valid_from=date(1900, 1, 1),
                grace_months=DEFAULT_RULE.grace_months,
                lapse_months=DEFAULT_RULE.lapse_months,
            )
        return rule


class Enrolment(models.Model):
    """One BPJS Ketenagakerjaan membership of a person; re-registering after a lapse is a new row."""

    class Category(models.TextChoices):
        PU = "PU", _("Penerima Upah (PU)")
        BPU = "BPU", _("Bukan Penerima Upah (BPU)")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Diisi manual")
        IMPORT = "import", _("Impor data BPJS")
        DEMO = "demo", _("Data demo")

    # Empty while a BPJS participant is not (yet) matched to a person of the roster.
    # Looked up through the index on (person, start_date, paid_through), which leads with it: a second
    # index of its own would only cost every import's inserts.
    person = models.ForeignKey(
        "officials.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrolments",
        db_index=False,
        verbose_name=_("orang"),
    )
    # Looked up whole, never by its beginning: a plain index (PostgreSQL would add a pattern index to a
    # db_index one).
    kpj = models.CharField(_("nomor KPJ"), max_length=20, blank=True)
    # What the BPJS extract says of the participant, kept to reconcile with the roster. Indexed in Meta.
    nik = models.CharField(_("NIK menurut BPJS"), max_length=16, blank=True)
    bpjs_name = models.CharField(_("nama menurut BPJS"), max_length=150, blank=True)
    bpjs_birth_date = models.DateField(_("tanggal lahir menurut BPJS"), null=True, blank=True)
    reported_status = models.CharField(_("status menurut BPJS"), max_length=8, blank=True)
    kode_desa = models.CharField(_("kode desa menurut BPJS"), max_length=13, blank=True)
    # The month of the newest extract that wrote this row; an older extract never overwrites it.
    as_of = models.DateField(_("keadaan data (bulan ekstrak)"), null=True, blank=True)
    # The batch that last wrote this row: a note for the import history, kept by Django (SET_NULL when a
    # batch goes), not by a constraint in the database, which would check it once for every row an extract
    # writes (docs/benchmarks.md, "Figures from the code").
    batch = models.ForeignKey(
        "imports.ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    programmes = models.CharField(_("program"), max_length=40, help_text=_("mis. JKK,JKM"))
    category = models.CharField(_("kategori"), max_length=3, choices=Category.choices)
    wage = models.DecimalField(_("upah dilaporkan"), max_digits=14, decimal_places=2, default=0)
    start_date = models.DateField(_("tanggal kepesertaan"))
    # First day of the last month whose contribution is paid; null when nothing was ever paid.
    paid_through = models.DateField(_("iuran lunas sampai"), null=True, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MANUAL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kepesertaan")
        verbose_name_plural = _("kepesertaan")
        indexes = [
            models.Index(fields=["person", "start_date", "paid_through"], name="enrolment_person_paid"),
            models.Index(fields=["kpj"], name="enrolment_kpj"),
            # Looked up whole and by its beginning (a regency's NIK prefix). One index does both: on
            # PostgreSQL a pattern index answers `=` too, where db_index=True would build two.
            models.Index(fields=["nik"], name="enrolment_nik", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.kpj or '-'} ({self.programmes})"

    @property
    def programme_list(self) -> list[str]:
        return [p for p in self.programmes.split(",") if p]

    def status_in(self, period: Month, rule: StatusRule) -> Status:
        return status_of(self.start_date, self.paid_through, period, rule)


class MatchProposal(models.Model):
    """A BPJS participant whose NIK matched nobody, and a roster person with the same name and birth date.

    A person confirms or refuses it; a refused pair is never proposed again.
    """

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Diusulkan")
        CONFIRMED = "confirmed", _("Dikonfirmasi")
        REFUSED = "refused", _("Ditolak")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="proposals")
    person = models.ForeignKey("officials.Person", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("alasan"), max_length=200)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.PROPOSED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrolment", "person"], name="proposal_unique_pair")]
        verbose_name = _("usulan pencocokan")
        verbose_name_plural = _("usulan pencocokan")

    def __str__(self) -> str:
        return f"{self.enrolment_id} ~ {self.person_id} ({self.state})"
