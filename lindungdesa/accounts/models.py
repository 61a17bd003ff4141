from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. The role says what they may do; the region says where."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        PROVINCE_ANALYST = "province_analyst", _("Analis provinsi (DPMPD)")
        REGENCY_OPERATOR = "regency_operator", _("Operator kabupaten (DPMD)")
        VILLAGE_OPERATOR = "village_operator", _("Operator desa")

    role = models.CharField(_("peran"), max_length=32, choices=Role.choices, default=Role.VILLAGE_OPERATOR)
    # None means the whole country (only for administrators of a national deployment).
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("wilayah")
    )

    @property
    def scope_code(self) -> str | None:
        return self.region_id

    def can_see_region(self, code: str) -> bool:
        return self.region_id is None or code == self.region_id or code.startswith(self.region_id + ".")

    @property
    def can_see_personal_data(self) -> bool:
        """Unmasked NIK is for the people who keep rosters; analysts see masked identifiers."""
        return self.role in (self.Role.ADMIN, self.Role.REGENCY_OPERATOR, self.Role.VILLAGE_OPERATOR)
