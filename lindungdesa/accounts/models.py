from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. The role says what they may do (permissions.py); the region says where."""

    class Role(models.TextChoices):
        # The four first values are kept as they were stored before roles grew ("admin" is the province
        # administrator; without a region, the administrator of a national deployment).
        ADMIN = "admin", _("Administrator provinsi")
        PROVINCE_ANALYST = "province_analyst", _("Analis provinsi (DPMPD)")
        REGENCY_ADMIN = "regency_admin", _("Administrator kabupaten (DPMD)")
        REGENCY_OPERATOR = "regency_operator", _("Operator kabupaten (DPMD)")
        VILLAGE_OPERATOR = "village_operator", _("Operator desa")
        BPJS_OFFICER = "bpjs_officer", _("Petugas BPJS Ketenagakerjaan")
        ASSOCIATION_OFFICER = "association_officer", _("Petugas asosiasi pemerintah desa")
        VIEWER = "viewer", _("Peninjau (hanya baca)")

    role = models.CharField(_("peran"), max_length=32, choices=Role.choices, default=Role.VIEWER)
    # None means the whole country (only for administrators of a national deployment).
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("wilayah")
    )
    # Optional second factor (RFC 6238) for administrators: a base32 secret, set once confirmed.
    totp_secret = models.CharField(_("rahasia TOTP"), max_length=64, blank=True)
    # The last time step whose code was accepted, so that a code cannot be used twice.
    totp_last_step = models.BigIntegerField(default=0)

    @property
    def scope_code(self) -> str | None:
        return self.region_id

    @property
    def has_totp(self) -> bool:
        return bool(self.totp_secret)

    def can_see_region(self, code: str) -> bool:
        return self.region_id is None or code == self.region_id or code.startswith(self.region_id + ".")

    def can(self, action: str) -> bool:
        """Whether the role allows `action` somewhere (where is the region's: permissions.require)."""
        from .permissions import role_allows

        return self.is_active and role_allows(self.role, action)

    @property
    def can_see_personal_data(self) -> bool:
        """Unmasked NIK, KPJ and phone numbers: for the people who keep rosters and memberships."""
        from .permissions import PERSONAL_VIEW

        return self.can(PERSONAL_VIEW)


class ApiToken(models.Model):
    """A key for the REST API. Only its SHA-256 is stored: the key is shown once, when it is made."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nama"), max_length=80)
    prefix = models.CharField(max_length=8, db_index=True)  # shown in lists, to tell keys apart
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AuditEntry(models.Model):
    """One change to the data, or one export of personal data: who, when, what, before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("Dibuat")
        UPDATE = "update", _("Diubah")
        DELETE = "delete", _("Dihapus")
        IMPORT = "import", _("Impor")
        UNDO = "undo", _("Impor dibatalkan")
        EXPORT = "export", _("Ekspor data pribadi")
        REVEAL = "reveal", _("NIK utuh ditampilkan")

    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("pengguna")
    )
    # Kept as text too, so the entry still says who after the user is deleted.
    username = models.CharField(_("nama pengguna"), max_length=150, blank=True, db_index=True)
    action = models.CharField(_("tindakan"), max_length=8, choices=Action.choices)
    model = models.CharField(_("jenis data"), max_length=60, blank=True)  # "officials.Person"
    object_id = models.CharField(max_length=40, blank=True)
    object_repr = models.CharField(_("data"), max_length=200, blank=True)
    # Where the change happened (a desa, or the nearest region known), to search and to scope the audit.
    region_code = models.CharField(_("wilayah"), max_length=13, blank=True, db_index=True)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    before = models.JSONField(_("sebelum"), null=True, blank=True)
    after = models.JSONField(_("sesudah"), null=True, blank=True)
    note = models.TextField(_("keterangan"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.model}#{self.object_id}"
