"""The audit trail: who changed what, when, from what to what.

Registering a model is one line, usually in its app's `ready()`:

    audit.register(ContributionRule, region=lambda rule: rule.region_code)

Every save and delete of a registered model then writes an `AuditEntry` with the changed fields before and
after (JSON). Who acted comes from the request (`AuditUserMiddleware`, also for API token users) or, in
background jobs and the CLI, from `acting_as(user)`.

Imports write rows in bulk, without per-row signals; the import engine keeps each row's change in
`imports.BatchChange`, and the batch gets one entry here (`record_batch`). Models written in bulk by
imports and undo (people, positions, memberships) are registered with `deletes=False`: a delete receiver
would make Django load every row a bulk delete removes. Their deletions happen only through an undo or
the demo generator, which record one entry for the set (`record`).
"""

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from .models import AuditEntry

# Fields never worth an entry of their own (and never copied into one).
SKIPPED = frozenset({"created_at", "updated_at", "last_login", "totp_last_step"})
# Fields whose value is a secret: an entry says that they changed, never what they hold.
SECRET = frozenset({"password", "totp_secret", "key_hash"})
CHANGED = "(diubah)"


@dataclass(frozen=True)
class Registration:
    region: Callable[[models.Model], str]
    person: Callable[[models.Model], int | None]


_registry: dict[type[models.Model], Registration] = {}
_request: ContextVar = ContextVar("audit_request", default=None)
_user: ContextVar = ContextVar("audit_user", default=None)


def register(
    model: type[models.Model],
    *,
    region: Callable[[models.Model], str] = lambda obj: "",
    person: Callable[[models.Model], int | None] = lambda obj: None,
    deletes: bool = True,
) -> None:
    """Audit every save (and, with `deletes`, every delete) of `model`."""
    _registry[model] = Registration(region=region, person=person)
    uid = f"audit-{model._meta.label}"
    pre_save.connect(_pre_save, sender=model, dispatch_uid=f"{uid}-pre")
    post_save.connect(_post_save, sender=model, dispatch_uid=f"{uid}-post")
    if deletes:
        post_delete.connect(_post_delete, sender=model, dispatch_uid=f"{uid}-delete")


def registered() -> list[type[models.Model]]:
    return list(_registry)


# Who acts ------------------------------------------------------------------------------------------------


def set_request(request) -> object:
    return _request.set(request)


def reset_request(token) -> None:
    _request.reset(token)


@contextmanager
def acting_as(user) -> Iterator[None]:
    """Changes made inside are recorded as made by `user` (background jobs, CLI, services)."""
    token = _user.set(user)
    try:
        yield
    finally:
        _user.reset(token)


def current_user():
    user = _user.get()
    if user is None:
        request = _request.get()
        # Read at write time: DRF authenticates a token user after the middleware ran.
        user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and getattr(user, "is_authenticated", False) else None


# Entries -------------------------------------------------------------------------------------------------


def snapshot(obj: models.Model) -> dict:
    """The object's own fields as JSON values (foreign keys by id), without timestamps and secrets."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in SKIPPED:
            continue
        data[field.attname] = field.value_from_object(obj)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _hide_secrets(data: dict) -> dict:
    return {k: (CHANGED if k in SECRET and v else v) for k, v in data.items()}


def record(
    *,
    action: str,
    model: str = "",
    object_id: str = "",
    object_repr: str = "",
    region_code: str = "",
    person_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    user=None,
) -> AuditEntry:
    user = user if user is not None else current_user()
    return AuditEntry.objects.create(
        user=user,
        username=user.get_username() if user is not None else "",
        action=action,
        model=model,
        object_id=str(object_id)[:40],
        object_repr=str(object_repr)[:200],
        region_code=region_code or "",
        person_id=person_id,
        before=before,
        after=after,
        note=note,
    )


def _record_for(obj: models.Model, action: str, before: dict | None, after: dict | None) -> None:
    registration = _registry[type(obj)]
    record(
        action=action,
        model=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj),
        region_code=registration.region(obj) or "",
        person_id=registration.person(obj),
        before=before,
        after=after,
    )


def _pre_save(sender, instance: models.Model, raw: bool = False, **kwargs) -> None:
    if raw or instance.pk is None or instance._state.adding:
        instance._audit_before = None
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old) if old is not None else None


def _post_save(sender, instance: models.Model, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    after = snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if created or before is None:
        _record_for(instance, AuditEntry.Action.CREATE, None, _hide_secrets(after))
        return
    changed = [k for k in after if before.get(k) != after[k]]
    if not changed:
        return  # e.g. only a login time or a timestamp moved
    _record_for(
        instance,
        AuditEntry.Action.UPDATE,
        _hide_secrets({k: before.get(k) for k in changed}),
        _hide_secrets({k: after[k] for k in changed}),
    )


def _post_delete(sender, instance: models.Model, **kwargs) -> None:
    _record_for(instance, AuditEntry.Action.DELETE, _hide_secrets(snapshot(instance)), None)


def record_batch(batch, *, action: str, user=None) -> AuditEntry:
    """One entry for an import (or its undo): what it did in counts; its rows are in `BatchChange`."""
    counts = {
        name: getattr(batch, name)
        for name in ("total_rows", "accepted", "rejected", "created", "updated", "unchanged")
    }
    return record(
        action=action,
        model=batch._meta.label,
        object_id=str(batch.pk),
        object_repr=f"{batch.get_kind_display()}: {batch.file_name}",
        region_code=batch.scope_code,
        after={"kind": batch.kind, "file_name": batch.file_name, **counts},
        user=user if user is not None else batch.uploaded_by,
    )


def record_export(
    *, user, what: str, file_name: str, region_code: str = "", rows: int | None = None, masked: bool
) -> AuditEntry:
    """A download of person-level data: who, when, what (masked or not)."""
    return record(
        action=AuditEntry.Action.EXPORT,
        object_repr=file_name,
        region_code=region_code,
        after={"what": what, "file_name": file_name, "rows": rows, "masked": masked},
        note=what,
        user=user,
    )
