"""The one place that decides which regions a user may see. Every page, export and query goes through it."""

from django.db.models import Q, QuerySet
from django.http import Http404

from lindungdesa.regions.models import Region, under

from .models import User


def contains(region: str | None, code: str) -> bool:
    """Whether region `code` is `region` or lies beneath it; no region (None or "") is the whole country.

    The Python twin of `under`, for what is already in memory (an import's rows, a person's positions)."""
    return not region or code == region or code.startswith(region + ".")


def scope_q(user: User, field: str = "code") -> Q:
    """Rows whose region `field` lies inside the user's region (nothing at all for anonymous users)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    return under(user.region_id, field)


def scoped(queryset: QuerySet, user: User, field: str = "code") -> QuerySet:
    return queryset.filter(scope_q(user, field))


def region_for_user(user: User, code: str) -> Region:
    """The region `code` if the user may see it; 404 otherwise.

    A 404 rather than a 403, so that other regions' existence does not leak.
    """
    if not user.is_authenticated or not user.can_see_region(code):
        raise Http404("Wilayah tidak ditemukan.")
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise Http404("Wilayah tidak ditemukan.") from None


def home_region(user: User) -> Region | None:
    """Where a user lands after login: their own region, or the only loaded province for national users."""
    if user.region_id:
        return user.region
    provinces = list(Region.objects.filter(level=1)[:2])
    return provinces[0] if len(provinces) == 1 else None
