from django.db.models import Q, QuerySet

from lindungdesa.accounts.models import User
from lindungdesa.accounts.permissions import IMPORT_VIEW, can
from lindungdesa.accounts.scope import scope_q

from .models import ImportBatch


def batches_for(user: User) -> QuerySet[ImportBatch]:
    """Batches whose rows may land in the user's region, and the user's own uploads."""
    if not can(user, IMPORT_VIEW):
        return ImportBatch.objects.none()
    if user.region_id is None:
        # The whole country. (Not through scope_q: its empty Q() OR'd with the uploader's would keep
        # only the user's own uploads.)
        return ImportBatch.objects.all()
    return ImportBatch.objects.filter(scope_q(user, "scope_code") | Q(uploaded_by=user))
