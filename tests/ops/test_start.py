"""What a process of the project loads when Django starts: every worker, command and web process starts so.
Libraries that only some requests and commands use are imported by the code that uses them, not at the
start: the API's schema library (drf-spectacular, with DRF's fields) and the spreadsheet library (openpyxl)
were a third of every start's CPU (docs/benchmarks.md, fast8). Checked in a fresh interpreter: this
process has imported everything already."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LATER = ("drf_spectacular.plumbing", "rest_framework.fields", "openpyxl")

SCRIPT = f"""
import json, sys
import django
django.setup()
loaded = sorted(name for name in {LATER!r} if name in sys.modules)
from drf_spectacular.generators import SchemaGenerator
schemes = SchemaGenerator().get_schema(request=None, public=True)["components"]["securitySchemes"]
print(json.dumps({{"loaded": loaded, "schemes": schemes}}))
"""


def test_django_starts_without_the_schema_and_spreadsheet_libraries_and_the_schema_keeps_its_schemes(
    tmp_path,
):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO"))}
    env.update(DJANGO_SETTINGS_MODULE="lindungdesa.settings", LINDUNGDESA_VAR_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["loaded"] == []
    # The schemes are registered when DRF first defines a view (api/apps.py), so the schema still has them.
    assert result["schemes"]["tokenAuth"]["in"] == "header"
    assert "cookieAuth" in result["schemes"]
