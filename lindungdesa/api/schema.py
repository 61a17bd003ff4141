"""The API's OpenAPI schema, made once per process and language.

drf-spectacular's view made the schema anew for every request: it walks every endpoint, serializer and
filter (some 40 ms of CPU a request, docs/benchmarks.md). The schema is made from the code alone:
every endpoint is listed whoever asks (`SERVE_PUBLIC`), and no view of the API chooses its serializer by
the user (tests/api/test_schema.py checks the schema is the same for every role). What can change it
within a process is the language of its texts (`?lang=`, the request's language) and the settings the
tests change, which empty the kept schemas (`setting_changed`).
"""

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response

_SCHEMAS: dict[tuple, dict] = {}


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    _SCHEMAS.clear()


class SchemaView(SpectacularAPIView):
    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language(), version, settings.ROOT_URLCONF)
        schema = _SCHEMAS.get(key)
        if schema is None:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            schema = _SCHEMAS[key] = generator.get_schema(request=request, public=self.serve_public)
        return Response(
            data=schema,
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'},
        )
