from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from lindungdesa.accounts.models import User
from lindungdesa.accounts.permissions import (
    BPJS_IMPORT,
    IMPORT_VIEW,
    PEOPLE_VIEW,
    PERSONAL_VIEW,
    ROSTER_IMPORT,
    can,
)
from lindungdesa.accounts.scope import scope_q
from lindungdesa.enrolment.models import Enrolment
from lindungdesa.lib.pii import mask_text
from lindungdesa.officials.rules import mask_names

from .models import BatchChange, ImportBatch


def kinds_followed(user: User) -> list[str]:
    """The kinds of import whose history a user follows: those its role imports (a BPJS officer the
    extracts, a village operator its rosters); a role that imports neither (a province analyst) follows
    both. A BPJS officer has no business with a village's roster drafts (docs/security.md, `import.view`)."""
    kinds = [
        kind
        for kind, action in ((ImportBatch.Kind.ROSTER, ROSTER_IMPORT), (ImportBatch.Kind.BPJS, BPJS_IMPORT))
        if can(user, action)
    ]
    return kinds or [ImportBatch.Kind.ROSTER, ImportBatch.Kind.BPJS]


def batches_for(user: User) -> QuerySet[ImportBatch]:
    """Batches of the kinds the user follows (`kinds_followed`) whose rows may land in the user's region,
    and the user's own uploads."""
    if not can(user, IMPORT_VIEW):
        return ImportBatch.objects.none()
    followed = Q(kind__in=kinds_followed(user))
    if user.region_id is None:
        # The whole country. (Not through scope_q: its empty Q() OR'd with the uploader's would keep
        # only the user's own uploads.)
        return ImportBatch.objects.filter(followed | Q(uploaded_by=user))
    return ImportBatch.objects.filter((scope_q(user, "scope_code") & followed) | Q(uploaded_by=user))


def sees_names(user: User, batch: ImportBatch) -> bool:
    """Whether `user` may read the names a batch quotes (its people, a predecessor in a warning): with
    `people.view` where its rows land, as a roster there would show them; a batch with no region (the whole
    country) only to a user of the whole country. A user who uploaded it, then moved region, no longer."""
    if batch.scope_code:
        return can(user, PEOPLE_VIEW, batch.scope_code)
    return can(user, PEOPLE_VIEW) and user.region_id is None


def message_masker(user: User, batch: ImportBatch) -> Callable[[str], str]:
    """How a batch's messages (rejected rows' reasons, warnings) are shown to `user`: names withheld
    without the right to them (`sees_names`), and the values they quote (digits, days) masked without
    `personal.view`."""
    names = sees_names(user, batch)
    personal = can(user, PERSONAL_VIEW)

    def shown(text: str) -> str:
        text = str(text)
        if not names:
            text = mask_names(text)
        return text if personal else mask_text(text, dates=True)

    return shown


def participants_written(batch: ImportBatch):
    """The BPJS participants (enrolments) a saved extract created or changed, as a queryset: its undo log
    names them, one by one or as runs of keys."""
    logged = (
        BatchChange.objects.filter(batch=batch, model=Enrolment._meta.label)
        .alias(last=Coalesce("last_object_id", "object_id"))
        .filter(object_id__lte=OuterRef("pk"), last__gte=OuterRef("pk"))
    )
    return Enrolment.objects.filter(Exists(logged))


def extract_matches(batch: ImportBatch, kpjs: list[str]) -> tuple[int, int, dict[str, str]]:
    """What a saved BPJS extract matched: (participants tied to a person on a roster, participants written,
    {KPJ: that person's name} for the KPJs asked, the rows a page lists)."""
    written = participants_written(batch)
    total = written.count()
    matched = written.filter(person__isnull=False).count() if total else 0
    asked = written.filter(kpj__in=[k for k in kpjs if k], person__isnull=False)
    names = dict(asked.values_list("kpj", "person__name"))
    return matched, total, names
