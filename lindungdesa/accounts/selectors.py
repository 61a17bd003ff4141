from datetime import datetime

from django.db.models import Q, QuerySet

from lindungdesa.lib.nik import nik_normalise
from lindungdesa.officials.models import Person
from lindungdesa.regions.models import under

from .models import AuditEntry, User
from .permissions import AUDIT_VIEW, PERSONAL_VIEW, USER_MANAGE, allowed, can


def users_for(by: User) -> QuerySet[User]:
    """The users an administrator may see and manage: those placed inside its own region."""
    return allowed(by, USER_MANAGE, User.objects.select_related("region"), "region__code").order_by(
        "region__code", "username"
    )


def audit_entries(
    user: User,
    *,
    person: str = "",
    region: str = "",
    username: str = "",
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[AuditEntry]:
    """Audit entries inside the user's region (entries with no region only for national users)."""
    entries = allowed(user, AUDIT_VIEW, AuditEntry.objects.all(), "region_code")
    if person:
        digits = nik_normalise(person)
        if digits.isdigit():
            # A search by number is a search by NIK (or KPJ): only for those who may see them whole, or
            # it would confirm a masked number digit by digit.
            if not can(user, PERSONAL_VIEW):
                return entries.none()
            people = Person.objects.filter(nik=digits)
            entries = entries.filter(Q(person_id__in=people.values("pk")) | Q(object_repr__contains=digits))
        else:
            people = Person.objects.filter(name__icontains=person)
            entries = entries.filter(Q(person_id__in=people.values("pk")) | Q(object_repr__icontains=person))
    if region:
        entries = entries.filter(under(region, "region_code"))
    if username:
        entries = entries.filter(username__iexact=username)
    if start:
        entries = entries.filter(at__gte=start)
    if end:
        entries = entries.filter(at__lte=end)
    return entries
