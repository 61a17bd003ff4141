"""Unsaved model instances built quickly, for code that builds hundreds of thousands of them (imports).

`build(Model, **values)` gives what `Model(**values)` gives (every field at its default unless given, a
relation given as an object cached on the instance with its key copied) without the per-field machinery
of `Model.__init__` (a fifth of its time: docs/benchmarks.md, "Figures from the code"). A model with
`pre_init`/`post_init` receivers, or a value it does not know, goes through `Model(**values)` itself.
"""

import functools
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, models, router
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class _Plan:
    constant: dict[str, Any]  # attname -> default (as Django does, one object shared by every instance)
    computed: tuple[tuple[str, models.Field], ...]  # fields whose default is a callable, called each time
    names: dict[str, str]  # field name or attname -> attname, for plain fields
    relations: dict[str, models.ForeignKey]  # relation name -> field


@functools.cache
def _plan(model: type[models.Model]) -> _Plan:
    constant: dict[str, Any] = {}
    computed = []
    names: dict[str, str] = {}
    relations: dict[str, models.ForeignKey] = {}
    for f in model._meta.concrete_fields:
        if f.has_default() and callable(f.default):
            computed.append((f.attname, f))
        else:
            constant[f.attname] = f.get_default()
        names[f.attname] = f.attname
        if f.is_relation:
            relations[f.name] = f
        else:
            names[f.name] = f.attname
    return _Plan(constant, tuple(computed), names, relations)


@functools.cache
def _relations_among(
    model: type[models.Model], names: tuple[str, ...]
) -> tuple[tuple[str, str, type[models.Model], str], ...] | None:
    """Which of the given names are forward relations, each with its attname, the model it points to and
    that model's attname it copies; None when one of the names is not a concrete field's name or attname
    (the constructor then says what is wrong)."""
    plan = _plan(model)
    relations = []
    for name in names:
        f = plan.relations.get(name)
        if f is not None:
            relations.append(
                (name, f.attname, f.remote_field.model._meta.concrete_model, f.target_field.attname)
            )
        elif plan.names.get(name) != name:  # a plain field's name is its attname
            return None
    return tuple(relations)


def build(model: type[M], /, **values: Any) -> M:
    """`model(**values)`, for plain concrete fields and forward relations."""
    return build_from(model, values)


def build_from(model: type[M], values: dict[str, Any], /) -> M:
    """`build(model, **values)` for values already in a dict, which is not changed (passing a dict of a
    dozen values as keywords costs about a µs)."""
    # The receiver lists first: has_listeners costs about a µs, and most projects connect none at all.
    if (pre_init.receivers and pre_init.has_listeners(model)) or (
        post_init.receivers and post_init.has_listeners(model)
    ):
        return model(**values)
    relations = _relations_among(model, tuple(values))
    if relations is None:
        return model(**values)
    plan = _plan(model)
    routed = bool(router.routers)
    obj = model.__new__(model)
    state = obj._state = ModelState()
    attrs = obj.__dict__
    attrs.update(plan.constant)
    for attname, f in plan.computed:
        attrs[attname] = f.get_default()
    attrs.update(values)
    for name, attname, target_model, target_attname in relations:
        value = attrs.pop(name)
        if value is None:
            # As the descriptor does: no key, and None cached as the related object.
            attrs[attname] = None
            state.fields_cache[name] = None
            continue
        if not isinstance(value, target_model):
            return model(**values)  # Django's own message
        # As ForwardManyToOneDescriptor.__set__ does: both sides get a database, the key is copied.
        # Without routers, the router's answer is the other instance's database, or the default one.
        if state.db is None:
            state.db = (
                (value._state.db or DEFAULT_DB_ALIAS)
                if not routed
                else router.db_for_write(model, instance=value)
            )
        if value._state.db is None:
            value._state.db = (
                (state.db or DEFAULT_DB_ALIAS)
                if not routed
                else router.db_for_write(type(value), instance=obj)
            )
        attrs[attname] = getattr(value, target_attname)
        state.fields_cache[name] = value
    return obj
