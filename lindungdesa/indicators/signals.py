"""Mark snapshots stale when the data under them changes.

A signal rather than a call in each service: positions, enrolments, people and status rules are written by
forms, imports, reconciliation and the admin, and a missed call would leave a page showing old figures.
The import engine writes its rows in bulk (no per-row signal), so a finished or undone batch counts as
one change. Each change moves the data version of the provinces it touches (services.data_changed).
Deletions in bulk (an undo, clearing demo data) are the same: the batch or the service says
so itself, because a post_delete receiver on positions or enrolments would make Django load every deleted
row to signal it.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from lindungdesa.enrolment.models import Enrolment, StatusRule
from lindungdesa.imports.models import ImportBatch
from lindungdesa.officials.models import Person, Position

from .services import data_changed
from .tasks import snapshot_refresh_soon


def _desa_of(person_id: int | None) -> list[str]:
    """The desa of every position a person holds or held: where counts about them are kept."""
    if person_id is None:
        return []
    return list(Position.objects.filter(person_id=person_id).values_list("desa_id", flat=True).distinct())


def _position_saved(sender, instance: Position, **kwargs) -> None:
    # The person's other offices too: a person is counted (and budgeted) once however many seats they hold.
    data_changed([instance.desa_id, *_desa_of(instance.person_id)])


def _person_saved(sender, instance: Person, **kwargs) -> None:
    # Their NIK's province too: a participant matched to nobody is placed by the NIK (officials/boundary.py).
    data_changed([*_desa_of(instance.pk), *([instance.nik[:2]] if instance.nik else [])])


def _enrolment_saved(sender, instance: Enrolment, **kwargs) -> None:
    place = [c for c in (instance.kode_desa, instance.nik[:2]) if c]
    data_changed([*_desa_of(instance.person_id), *place])


def _everywhere(sender, **kwargs) -> None:
    data_changed()


def _batch_saved(sender, instance: ImportBatch, **kwargs) -> None:
    if not instance.dry_run and instance.state in (ImportBatch.State.DONE, ImportBatch.State.UNDONE):
        # A user with a region imports only inside it (officials/boundary.py); a national import may touch
        # any province.
        scope = instance.scope_code or instance.default_desa_id
        data_changed([scope] if scope else None)
        # After the import's transaction: the background worker must see its rows.
        transaction.on_commit(snapshot_refresh_soon)


def connect() -> None:
    # People too: what is kept per data version counts who serves without a NIK (budget totals, the region
    # page's headline, the monev round report), and completing a NIK changes no position or enrolment.
    # Each change moves the data version of the provinces it touches (and the national one); a status
    # rule's, every province's.
    for model, receiver in (
        (Position, _position_saved),
        (Enrolment, _enrolment_saved),
        (Person, _person_saved),
        (StatusRule, _everywhere),
    ):
        post_save.connect(receiver, sender=model, dispatch_uid=f"indicators-{model.__name__}-save")
    post_delete.connect(_everywhere, sender=StatusRule, dispatch_uid="indicators-StatusRule-delete")
    post_save.connect(_batch_saved, sender=ImportBatch, dispatch_uid="indicators-batch-save")
