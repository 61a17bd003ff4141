"""Every error message Django REST framework can give a client of the API is in Indonesian: DRF's own
catalogue translates about a third of them, lindungdesa/locale/id the rest."""

import inspect

import pytest
from django.utils import translation
from rest_framework import exceptions, fields, relations, serializers, validators

MODULES = (fields, relations, serializers)


def default_messages() -> dict[str, object]:
    return dict(_messages())


def _messages():
    for module in MODULES:
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            for key, message in getattr(cls, "default_error_messages", {}).items():
                yield f"{cls.__name__}.{key}", message
    for _name, cls in inspect.getmembers(exceptions, inspect.isclass):
        if issubclass(cls, exceptions.APIException) and cls is not exceptions.Throttled:
            yield cls.__name__, cls.default_detail
    for _name, cls in inspect.getmembers(validators, inspect.isclass):
        if isinstance(getattr(cls, "message", None), str | type(validators._)):
            yield cls.__name__, cls.message


@pytest.mark.parametrize(("where", "message"), list(default_messages().items()), ids=lambda v: str(v)[:60])
def test_drf_messages_are_in_indonesian(where, message):
    with translation.override("en"):
        english = str(message)
    with translation.override("id"):
        indonesian = str(message)
    assert indonesian != english, where
