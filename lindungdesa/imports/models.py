from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One file brought in: who, when, which file, what it did, and what it rejected."""

    class Kind(models.TextChoices):
        ROSTER = "roster", _("Daftar aparat dan BPD")
        BPJS = "bpjs", _("Ekstrak peserta BPJS Ketenagakerjaan")

    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu diproses")
        RUNNING = "running", _("Sedang diproses")
        PREVIEWED = "previewed", _("Uji coba selesai (belum disimpan)")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")
        UNDONE = "undone", _("Dibatalkan")

    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.PENDING)
    dry_run = models.BooleanField(_("uji coba"), default=False)
    file_name = models.CharField(_("nama berkas"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    # Bytes of the kept file, for the upload quota (imports/retention.py) without asking the storage.
    file_size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where the rows may land: the uploader's region, or the desa chosen for a file without desa codes.
    scope_code = models.CharField(_("wilayah"), max_length=13, blank=True)
    default_desa = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    as_of = models.DateField(_("bulan ekstrak"), null=True, blank=True)
    column_overrides = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.TextField(blank=True)
    # A failure that is the file's (unreadable, no rows, columns not found): trying again fails the same way,
    # so the page asks for a corrected file instead of offering "Coba lagi".
    file_at_fault = models.BooleanField(default=False)
    # The file's header row as read, so pages and exports keep the file's own column order (and, when
    # required columns were not found, the mapping step offers them without reading the file again).
    headers = models.JSONField(default=list, blank=True)
    # The required columns a failed batch did not find: its page asks the user to map them.
    missing_columns = models.JSONField(default=list, blank=True)
    # Notes that did not reject a row ({"row", "field", "message"}), e.g. a KPJ of unusual length.
    warnings = models.JSONField(default=list, blank=True)
    # Who the rows created or changed, for the preview ({"row", "action", "name", "nik", "what"}; the first
    # `engine.PEOPLE_KEPT` rows): the page masks the NIK, and the KPJ without the right. Pruned with the file
    people = models.JSONField(default=list, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the retention period took the file, the undo log and the rejected rows (imports/retention.py);
    # who, when, which file and the counts stay.
    pruned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("impor")
        verbose_name_plural = _("impor")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def needs_mapping(self) -> bool:
        """Stopped before its first row because required columns were not found: it waits for the user to
        say which column is which (nothing was read, nothing changed). Decided from what the batch recorded
        when it was read; a page never reads the file again."""
        return self.state == self.State.FAILED and bool(self.missing_columns) and bool(self.headers)

    @property
    def state_shown(self) -> tuple[str, str]:
        """The state as pages show it, (css class, label): a batch waiting for its columns is not failed."""
        if self.needs_mapping:
            return "pending", _("Menunggu pilihan kolom")
        return self.state, self.get_state_display()


class RejectedRow(models.Model):
    """A row that was not taken, with why, kept so the operator can fix it and upload it again."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rejected_rows")
    row_number = models.PositiveIntegerField(_("baris"))
    field = models.CharField(_("kolom"), max_length=40)
    message = models.TextField(_("alasan"))
    # The row's cells as the file had them, by header, so the rejected rows can be downloaded again.
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["row_number", "id"]

    def __str__(self) -> str:
        return f"baris {self.row_number}, {self.field}: {self.message}"


class BatchChange(models.Model):
    """What a batch wrote, in order, so that the last batch can be undone: one row per object it changed,
    and one per run of objects of a model it created with consecutive keys (`object_id` to
    `last_object_id`; a national import creates millions)."""

    class Action(models.TextChoices):
        CREATE = "create"
        UPDATE = "update"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes")
    model = models.CharField(max_length=40)  # "officials.Person"
    object_id = models.BigIntegerField()
    # The last key of a run of created objects (null: the one object `object_id`).
    last_object_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=6, choices=Action.choices)
    before = models.JSONField(default=dict)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        last = f"-{self.last_object_id}" if self.last_object_id not in (None, self.object_id) else ""
        return f"{self.action} {self.model}#{self.object_id}{last}"
