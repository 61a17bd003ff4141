from datetime import date, timedelta

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Group(models.TextChoices):
    APARAT = "APARAT", _("Aparat desa")
    BPD = "BPD", _("BPD")


class Office(models.TextChoices):
    """The fixed list of offices. Local names (kadus, kepala lingkungan …) map onto these on import."""

    KEPALA_DESA = "kepala_desa", _("Kepala Desa")
    SEKRETARIS_DESA = "sekretaris_desa", _("Sekretaris Desa")
    KAUR_TU_UMUM = "kaur_tu_umum", _("Kaur Tata Usaha dan Umum")
    KAUR_KEUANGAN = "kaur_keuangan", _("Kaur Keuangan")
    KAUR_PERENCANAAN = "kaur_perencanaan", _("Kaur Perencanaan")
    KASI_PEMERINTAHAN = "kasi_pemerintahan", _("Kasi Pemerintahan")
    KASI_KESEJAHTERAAN = "kasi_kesejahteraan", _("Kasi Kesejahteraan")
    KASI_PELAYANAN = "kasi_pelayanan", _("Kasi Pelayanan")
    KEPALA_DUSUN = "kepala_dusun", _("Kepala Dusun")
    BPD_KETUA = "bpd_ketua", _("Ketua BPD")
    BPD_WAKIL_KETUA = "bpd_wakil_ketua", _("Wakil Ketua BPD")
    BPD_SEKRETARIS = "bpd_sekretaris", _("Sekretaris BPD")
    BPD_ANGGOTA = "bpd_anggota", _("Anggota BPD")


BPD_OFFICES = frozenset({Office.BPD_KETUA, Office.BPD_WAKIL_KETUA, Office.BPD_SEKRETARIS, Office.BPD_ANGGOTA})
# Kepala desa and BPD serve fixed terms (UU 3/2024 Pasal 39 and 56).
MAX_TERM_YEARS = {Office.KEPALA_DESA: 8, **{o: 8 for o in BPD_OFFICES}}


def group_of(office: str) -> str:
    return _BPD if office in BPD_OFFICES else _APARAT


_BPD, _APARAT = Group.BPD, Group.APARAT  # looked up once: an enum member looked up by name costs time


class Acting(models.TextChoices):
    DEFINITIVE = "", _("Definitif")
    PJ = "pj", _("Penjabat (Pj)")
    PLT = "plt", _("Pelaksana tugas (Plt)")


class Person(models.Model):
    class Sex(models.TextChoices):
        L = "L", _("Laki-laki")
        P = "P", _("Perempuan")

    # Unique by a constraint rather than `unique=True`: on PostgreSQL that would add a second index on the
    # column (varchar_pattern_ops, for LIKE 'prefix%'), which only the demo generator's one look-up asks of
    # people's NIKs; every new person then costs one B-tree insert fewer at a random place. Validation gives
    # the same message. NULL while the NIK is not known yet (an OpenSID A.4 book, a typed roster without
    # one): such a person is told apart within its desa by normalised name and birth date
    # (`imports.roster.who_without_nik`) until a roster row or a confirmed BPJS match gives the NIK. NULL, not
    # "", so that the unique constraint leaves every unknown NIK alone.
    nik = models.CharField(_("NIK"), max_length=16, null=True, blank=True)  # noqa: DJ001
    name = models.CharField(_("nama"), max_length=150)
    # Blank only for a person without a NIK whose roster row gave no sex (a NIK tells it otherwise).
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("tanggal lahir"))
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("orang")
        verbose_name_plural = _("orang")
        # NULLs are distinct in a unique constraint (SQLite and PostgreSQL alike): it binds known NIKs only,
        # and validation still names the NIK field (a conditional constraint would report on no field).
        constraints = [models.UniqueConstraint(fields=["nik"], name="person_nik_unique")]

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


def serving_on(day: date, prefix: str = "") -> Q:
    """Positions whose term covers `day` (prefix lets other models filter through a relation)."""
    return Q(**{f"{prefix}term_start__lte": day}) & (
        Q(**{f"{prefix}term_end__isnull": True}) | Q(**{f"{prefix}term_end__gte": day})
    )


def office_label(office: str, acting: str = "", unit_name: str = "") -> str:
    """A position's office as shown: "Plt. Sekretaris Desa", "Kepala Dusun Sukamaju" (`Position.office_label`,
    for the lists read as plain values)."""
    label = str(Office(office).label)
    if acting:
        label = f"{Acting(acting).label.split('(')[1].rstrip(')')} {label}"
    if unit_name:
        label = f"{label} {unit_name}"
    return label


class Position(models.Model):
    """One office held by one person in one desa for one term. Never overwritten: a successor is a new row."""

    class EndReason(models.TextChoices):
        NONE = "", _("-")
        TERM_COMPLETED = "term_completed", _("Masa jabatan berakhir")
        REPLACED = "replaced", _("Diganti")
        DISMISSED = "dismissed", _("Diberhentikan")
        RESIGNED = "resigned", _("Mengundurkan diri")
        DIED = "died", _("Meninggal dunia")
        RETIRED = "retired", _("Pensiun (usia 60 tahun)")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="positions")
    # No index of its own: position_desa_term starts with desa, and nothing filters by a prefix of it.
    desa = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="positions", db_index=False
    )
    group = models.CharField(_("kelompok"), max_length=6, choices=Group.choices, editable=False)
    office = models.CharField(_("jabatan"), max_length=24, choices=Office.choices)
    acting = models.CharField(
        _("status jabatan"), max_length=3, choices=Acting.choices, blank=True, default=""
    )
    unit_name = models.CharField(_("nama dusun"), max_length=80, blank=True)
    term_start = models.DateField(_("mulai menjabat"))
    # The last day in office: the end of the term in the SK, or earlier when the term was cut short.
    term_end = models.DateField(_("akhir menjabat"), null=True, blank=True)
    planned_term_end = models.DateField(_("akhir masa jabatan menurut SK"), null=True, blank=True)
    end_reason = models.CharField(
        _("alasan berakhir"), max_length=16, choices=EndReason.choices, blank=True, default=""
    )
    sk_number = models.CharField(_("nomor SK"), max_length=100, blank=True)
    sk_date = models.DateField(_("tanggal SK"), null=True, blank=True)
    monthly_income = models.DecimalField(_("penghasilan bulanan"), max_digits=14, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("jabatan")
        verbose_name_plural = _("jabatan")
        indexes = [models.Index(fields=["desa", "term_start", "term_end"], name="position_desa_term")]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="position_term_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.office_label} {self.desa_id}"

    def save(self, *args, **kwargs) -> None:
        # The group follows from the office; stored so that indicators group without a lookup table.
        self.group = group_of(self.office)
        super().save(*args, **kwargs)

    @property
    def office_label(self) -> str:
        return office_label(self.office, self.acting, self.unit_name)

    @property
    def is_open(self) -> bool:
        """A term the pages offer to end or hand over: one not ended already with a reason, the only kind
        `services.position_end` refuses. A term past the end date a file gave (no reason) is open too: the
        operator records why it ended (on or before that date) or hands the seat over."""
        return not self.end_reason

    @property
    def free_from(self) -> date | None:
        """The first day a successor may start in this seat: the day after the term's end (None: no end)."""
        return self.term_end + timedelta(days=1) if self.term_end else None

    def is_serving_on(self, day: date) -> bool:
        return self.term_start <= day and (self.term_end is None or self.term_end >= day)
