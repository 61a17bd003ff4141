from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import rules


class Agency(models.Model):
    """An office that follows up cases: the BPJS TK branch, the DPMPD, a regency DPMD, the association."""

    class Kind(models.TextChoices):
        BPJS = "bpjs", _("BPJS Ketenagakerjaan (kantor cabang)")
        DPMPD = "dpmpd", _("DPMPD provinsi")
        DPMD = "dpmd", _("DPMD kabupaten/kota")
        ASSOCIATION = "asosiasi", _("Asosiasi pemerintah desa")

    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("nama"), max_length=150)
    # Where it works: the province for the branch, the DPMPD and the association; the regency for a DPMD.
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["region_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "region"], name="agency_one_per_kind_and_region")
        ]
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")

    def __str__(self) -> str:
        return self.name


class AgencyMember(models.Model):
    """A user working for an agency; each user sees the queue of their own agency."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_membership"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="members")

    class Meta:
        verbose_name = _("anggota instansi")
        verbose_name_plural = _("anggota instansi")

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency}"


class Round(models.Model):
    """A monitoring round of one province for one period, with the criteria that open a case per village."""

    class State(models.TextChoices):
        OPEN = "open", _("Berjalan")
        ACCEPTED = "accepted", _("Angka diterima provinsi")

    province = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("periode"), max_length=7)  # "2026-Q4", "2026-S2" or "2026-11"
    evaluated_month = models.CharField(_("bulan yang dinilai"), max_length=7)
    criteria = models.JSONField(_("kriteria"), default=list)
    threshold = models.DecimalField(_("ambang cakupan (%)"), max_digits=5, decimal_places=2, default=50)
    deadlines = models.JSONField(_("tenggat (hari kerja) per status"), default=dict)
    # {n} the round's next number, {year} the letter's year, {office} the sending office as numbers name it
    # (Case.letter_office: DPMD or DPMPD).
    letter_number_format = models.CharField(
        _("format nomor surat"), max_length=80, default="400.10/{n}/{office}/{year}"
    )
    # Where the province's letters are dated; a regency DPMD's are dated from its regency (monev/letters.py).
    letter_place = models.CharField(_("tempat surat"), max_length=60, default="Pontianak")
    letter_signatory = models.CharField(_("penanda tangan"), max_length=150, default="Kepala DPMPD")
    state = models.CharField(_("status"), max_length=8, choices=State.choices, default=State.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("dibuka"), auto_now_add=True)
    # The figures of the evaluated month when the round opened, frozen (a snapshot of kind "round").
    snapshot = models.ForeignKey(
        "indicators.Snapshot", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(_("diterima"), null=True, blank=True)
    letters_issued = models.PositiveIntegerField(default=0)  # the last letter number given

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["province", "period"], name="round_one_per_period")]
        verbose_name = _("putaran monev")
        verbose_name_plural = _("putaran monev")

    def __str__(self) -> str:
        return f"Monev {self.period} {self.province_id}"

    @property
    def period_name(self) -> str:
        """The period as people say it ("Triwulan IV 2026", "November 2026"); `period` is its code."""
        try:
            return rules.parse_round_period(self.period).name
        except ValueError:
            return self.period

    def deadline_days(self, state: str) -> int | None:
        value = (self.deadlines or {}).get(state, rules.DEFAULT_DEADLINES.get(state))
        return int(value) if value is not None else None

    @property
    def criteria_labels(self) -> list[str]:
        return [rules.CRITERIA.get(c, c) for c in self.criteria]


class Case(models.Model):
    """One village that failed a round's criteria, followed until its people are protected."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="cases")
    desa = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("status"), max_length=20, choices=list(rules.STATES.items()), default=rules.NEW, db_index=True
    )
    failed = models.JSONField(_("kriteria yang tidak dipenuhi"), default=list)
    # The figures that made it fail, as they were when the round opened: never updated.
    figures = models.JSONField(_("angka saat dibuka"), default=dict)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    state_since = models.DateField(_("status sejak"))
    due_date = models.DateField(_("tenggat"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    letter_number = models.CharField(_("nomor surat"), max_length=80, blank=True)
    letter_date = models.DateField(_("tanggal surat"), null=True, blank=True)
    # The figures when the case was closed (or last shown enrolled), for the round report.
    figures_after = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["desa_id"]
        constraints = [models.UniqueConstraint(fields=["round", "desa"], name="case_one_per_desa_and_round")]
        indexes = [models.Index(fields=["round", "state"]), models.Index(fields=["agency", "state"])]
        verbose_name = _("kasus tindak lanjut")
        verbose_name_plural = _("kasus tindak lanjut")

    def __str__(self) -> str:
        return f"Kasus {self.desa_id} ({self.round.period})"

    @property
    def state_label(self) -> str:
        return rules.STATES.get(self.state, self.state)

    @property
    def is_open(self) -> bool:
        return self.state in rules.OPEN_STATES

    @property
    def failed_labels(self) -> list[str]:
        return [rules.CRITERIA.get(c, c) for c in self.failed]

    @property
    def letter_from_regency(self) -> bool:
        """Whether the case's letter is its regency DPMD's, as for a case given to the DPMD (new cases are):
        the DPMD's kop, signatory, place and number. Otherwise the province's DPMPD sends it."""
        return self.agency_id is not None and self.agency.kind == Agency.Kind.DPMD

    @property
    def letter_office(self) -> str:
        """The sending office as the letter number names it (the round's format, `{office}`)."""
        return "DPMD" if self.letter_from_regency else "DPMPD"


class CaseEvent(models.Model):
    """A change to a case: who, when, from which state to which, a note, what showed it, attachments."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    evidence = models.CharField(
        _("bukti"), max_length=300, blank=True
    )  # e.g. "Impor #12 (bpjs-2026-11.xlsx)"
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("riwayat kasus")
        verbose_name_plural = _("riwayat kasus")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_state} -> {self.to_state}"

    @property
    def from_label(self) -> str:
        return rules.STATES.get(self.from_state, self.from_state)

    @property
    def to_label(self) -> str:
        return rules.STATES.get(self.to_state, self.to_state)


class CaseAttachment(models.Model):
    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="monev/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.name


class RegencyConfirmation(models.Model):
    """A regency's confirmation of its own figures in a round, with the figures it confirmed."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="confirmations")
    regency = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)
    figures = models.JSONField(default=dict)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "regency"], name="confirmation_one_per_regency")
        ]
        ordering = ["regency_id"]

    def __str__(self) -> str:
        return f"{self.regency_id} {self.round_id}"
