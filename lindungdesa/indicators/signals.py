"""Mark snapshots stale when the data under them changes.

A signal rather than a call in each service: positions, enrolments, people and status rules are written by
forms, imports, reconciliation and the admin, and a missed call would leave a page showing old figures.
The import engine writes its rows in bulk (no per-row signal), so a finished or undone batch counts as
one change. Deletions in bulk (an undo, clearing demo data) are the same: the batch or the service says
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


def _changed(sender, **kwargs) -> None:
    data_changed()


def _batch_saved(sender, instance: ImportBatch, **kwargs) -> None:
    if not instance.dry_run and instance.state in (ImportBatch.State.DONE, ImportBatch.State.UNDONE):
        data_changed()
        # After the import's transaction: the background worker must see its rows.
        transaction.on_commit(snapshot_refresh_soon)


def connect() -> None:
    # People too: what is kept per data version counts who serves without a NIK (budget totals, the region
    # page's headline, the monev round report), and completing a NIK changes no position or enrolment.
    for model in (Position, Enrolment, Person, StatusRule):
        post_save.connect(_changed, sender=model, dispatch_uid=f"indicators-{model.__name__}-save")
    post_delete.connect(_changed, sender=StatusRule, dispatch_uid="indicators-StatusRule-delete")
    post_save.connect(_batch_saved, sender=ImportBatch, dispatch_uid="indicators-batch-save")
