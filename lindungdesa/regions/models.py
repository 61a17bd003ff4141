from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """One Kemendagri region, keyed by its dotted code ("61", "61.03", "61.03.01", "61.03.01.2001")."""

    class Kind(models.TextChoices):
        PROVINSI = "provinsi", _("Provinsi")
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")
        KECAMATAN = "kecamatan", _("Kecamatan")
        DISTRIK = "distrik", _("Distrik")
        DESA = "desa", _("Desa")
        DESA_ADAT = "desa_adat", _("Desa adat")
        KELURAHAN = "kelurahan", _("Kelurahan")

    VILLAGE_KINDS = (Kind.DESA, Kind.DESA_ADAT)

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=120)
    level = models.PositiveSmallIntegerField(_("tingkat"))
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Denormalised ancestors so that indicators group villages by any level in one query.
    province_code = models.CharField(max_length=2, db_index=True)
    regency_code = models.CharField(max_length=5, blank=True, db_index=True)
    district_code = models.CharField(max_length=8, blank=True, db_index=True)
    postal_code = models.CharField(max_length=5, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_village(self) -> bool:
        """A desa (or desa adat) has aparat desa and a BPD; a kelurahan has neither."""
        return self.kind in self.VILLAGE_KINDS

    @property
    def child_level_label(self) -> str:
        return {1: _("Kabupaten/Kota"), 2: _("Kecamatan"), 3: _("Desa")}.get(self.level, "")

    def ancestors(self) -> list["Region"]:
        """Parents from the province down, not including this region."""
        codes = ancestor_codes(self.code)
        found = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [found[c] for c in codes if c in found]

    def contains(self, code: str) -> bool:
        return code == self.code or code.startswith(self.code + ".")


def ancestor_codes(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def under(code: str | None, field: str = "code") -> models.Q:
    """Rows whose region `field` is `code` or lies beneath it. No code means the whole country.

    On a Region (`field` "code", or a relation to Region such as "desa__code") this is one equality on the
    indexed ancestor column of the code's level (province_code, regency_code, district_code), which each
    region also holds for itself: the database looks the rows up instead of scanning for a prefix. On a
    plain text column of codes it is the prefix match.
    """
    if not code:
        return models.Q()
    if field == "code" or field.endswith("__code"):
        prefix = field[: -len("code")]
        column = {1: "province_code", 2: "regency_code", 3: "district_code"}.get(code.count(".") + 1, "code")
        return models.Q(**{f"{prefix}{column}": code})
    return models.Q(**{field: code}) | models.Q(**{f"{field}__startswith": code + "."})


def desa_places(codes: list[str]) -> dict[str, tuple[str, str, str]]:
    """desa code -> (desa, kecamatan, kabupaten/kota) names, in a few queries whatever the number of desa."""
    wanted = set(codes)
    for code in codes:
        wanted.update(ancestor_codes(code)[1:])
    ordered = sorted(wanted)
    names: dict[str, str] = {}
    for start in range(0, len(ordered), 900):  # SQLite's limit on a statement's variables
        part = ordered[start : start + 900]
        names.update(Region.objects.filter(code__in=part).values_list("code", "name"))
    out = {}
    for code in codes:
        parts = code.split(".")
        out[code] = (
            names.get(code, code),
            names.get(".".join(parts[:3]), ""),
            names.get(".".join(parts[:2]), ""),
        )
    return out
