"""Results about one region kept in the cache while the data they are computed from has not changed.

The data version (`services.data_changed`, bumped by every change to positions, enrolments and status
rules, and by every import and undo) is part of the key: a change makes the next read compute again, and
old entries expire. The region's code is part of the key too, so one region's result is never another's;
a page checks its reader's access to the region before it asks. Only what is the same for every reader
goes in (ids, counts, figures): never names, NIKs or anything a reader's role would hide.
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from .models import DataVersion

T = TypeVar("T")

CACHE_SECONDS = 24 * 3600


def data_version_key() -> str:
    """The data version as part of a key. Its time goes in with its number: a database restored from a
    backup counts again from an older number."""
    row = DataVersion.objects.filter(pk=1).values_list("version", "changed_at").first()
    return f"{row[0]}@{row[1].timestamp() if row[1] else ''}" if row else "0"


def region_cache_key(kind: str, region_code: str, *parts: object, version: str | None = None) -> str:
    """The key of a result about `region_code`, under `version` (by default the data version now)."""
    version = data_version_key() if version is None else version
    return ":".join(["region", kind, region_code, *(str(p) for p in parts), version])


def region_cached(
    kind: str, region_code: str, *parts: object, compute: Callable[[], T], version: str | None = None
) -> T:
    """`compute()`, or what it returned for the same region, parts and version (by default the data
    version: pass another when the result depends on more than the data).

    The version is read before computing: a change committed while `compute` runs is kept under the old
    version, which nobody reads once the change is committed.
    """
    key = region_cache_key(kind, region_code, *parts, version=version)
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=CACHE_SECONDS)
    return found
