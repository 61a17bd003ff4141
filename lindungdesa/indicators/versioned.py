"""Results about one region kept in the cache while the data they are computed from has not changed.

The data version of the region's province (`services.data_changed`, bumped by every change to positions,
enrolments, people and status rules, and by every import and undo, in the provinces they touch) is part
of the key: a change makes the next read of that province compute again, leaves every other province's
kept results in use, and old entries expire. Results about the whole country (no region) are kept under
the national version, which every change moves. The region's code is part of the key too, so one
region's result is never another's; a page checks its reader's access to the region before it asks. Only
what is the same for every reader goes in (ids, counts, figures): never names, NIKs or anything a
reader's role would hide.
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from .models import DataVersion

T = TypeVar("T")

CACHE_SECONDS = 24 * 3600


def province_of(region_code: str | None) -> str:
    """The province a region code lies in ("61.05.01.2001" → "61"); "" for none (the whole country)."""
    return (region_code or "").split(".", 1)[0]


def _key(province: str, version: int, changed_at) -> str:
    key = f"{version}@{changed_at.timestamp() if changed_at else ''}"
    return f"p{province}:{key}" if province else key


def province_version_keys() -> dict[str, str]:
    """`data_version_key` of every province that has a row of its own, and of the whole country (""): one
    query. A province missing here goes by the national one (`key_in`)."""
    return {
        p: _key(p, v, t) for p, v, t in DataVersion.objects.values_list("province", "version", "changed_at")
    }


def key_in(keys: dict[str, str], province: str) -> str:
    """`province`'s key among `keys` (as `province_version_keys` gives them): its own row's, else the
    national one's, else "0" (nothing changed yet)."""
    return keys.get(province) or keys.get(DataVersion.NATIONAL) or "0"


def data_version_key(region_code: str | None = None) -> str:
    """The data version of `region_code`'s province as part of a key (by default, or for no region, the
    national version, which every change moves). Its time goes in with its number: a database restored
    from a backup counts again from an older number. A province no change has touched yet has no row of
    its own and goes by the national version (marked apart, so the two never meet). One query."""
    province = province_of(region_code)
    rows = {
        p: _key(p, v, t)
        for p, v, t in DataVersion.objects.filter(province__in={province, DataVersion.NATIONAL}).values_list(
            "province", "version", "changed_at"
        )
    }
    return key_in(rows, province)


def region_cache_key(kind: str, region_code: str, *parts: object, version: str | None = None) -> str:
    """The key of a result about `region_code`, under `version` (by default the data version of its
    province now)."""
    version = data_version_key(region_code) if version is None else version
    return ":".join(["region", kind, region_code, *(str(p) for p in parts), version])


def region_cached(
    kind: str, region_code: str, *parts: object, compute: Callable[[], T], version: str | None = None
) -> T:
    """`compute()`, or what it returned for the same region, parts and version (by default the data
    version of the region's province: pass another when the result depends on more than the data).

    The version is read before computing: a change committed while `compute` runs is kept under the old
    version, which nobody reads once the change is committed.
    """
    key = region_cache_key(kind, region_code, *parts, version=version)
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=CACHE_SECONDS)
    return found
