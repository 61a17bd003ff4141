import io
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lindungdesa.ops.management.commands.serve import default_workers, gunicorn_argv, usable_cores


def printed_command(**options) -> list[str]:
    out = io.StringIO()
    call_command("serve", "--print", stdout=out, **options)
    return shlex.split(out.getvalue())


def option(argv: list[str], name: str) -> list[str]:
    return [argv[i + 1] for i, arg in enumerate(argv) if arg == name]


def test_workers_follow_the_cores_unless_told(settings):
    settings.SERVE_WORKERS = 0
    assert default_workers(2) == 5 and default_workers(8) == 17
    argv = printed_command()
    assert argv[1:4] == ["-m", "gunicorn", "lindungdesa.wsgi:application"]
    assert option(argv, "--workers") == [str(2 * usable_cores() + 1)]
    assert option(argv, "--bind") == [settings.SERVE_BIND]

    settings.SERVE_WORKERS = 3  # WEB_CONCURRENCY
    assert option(printed_command(), "--workers") == ["3"]
    argv = printed_command(workers=7, bind=["127.0.0.1:9001", "unix:/run/lindungdesa.sock"], threads=4)
    assert option(argv, "--workers") == ["7"] and option(argv, "--threads") == ["4"]
    assert option(argv, "--bind") == ["127.0.0.1:9001", "unix:/run/lindungdesa.sock"]


def test_the_access_log_keeps_no_query_string_and_no_address():
    """Query strings carry what users searched for (a NIK, a name)."""
    (log_format,) = option(
        gunicorn_argv(binds=["x"], workers=1, threads=1, timeout=1, access_log=True), "--access-logformat"
    )
    assert "%(U)s" in log_format
    for atom in ("%(r)s", "%(q)s", "%(h)s", "%(a)s", "%(f)s"):
        assert atom not in log_format
    assert "--access-logfile" not in gunicorn_argv(
        binds=["x"], workers=1, threads=1, timeout=1, access_log=False
    )


def test_serve_refuses_to_start_before_collectstatic(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    with pytest.raises(CommandError, match="collectstatic"):
        call_command("serve")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="counts the server's processes in /proc")
def test_the_production_server_serves_pages_hashed_compressed_static_files_and_health(tmp_path):
    """`lindungdesa serve` as the README's Production section runs it: production settings from the
    environment, behind a TLS proxy; its own empty SQLite database (never migrated: not ready)."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "STATIC_ROOT")}
    env.update(
        LINDUNGDESA_VAR_DIR=str(tmp_path / "var"),
        LINDUNGDESA_PRODUCTION="1",
        SECRET_KEY="uji-" + "x" * 60,
        SECURE_PROXY_SSL_HEADER="1",
        ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="lindungdesa.settings",
    )
    command = [sys.executable, "-m", "lindungdesa"]
    # The pages asked for here use only the project's own files and htmx: the rest would only cost time.
    ignored = ["vendor/leaflet/*", "vendor/swagger-ui/*", "admin"]
    subprocess.run(
        [*command, "collectstatic", "--noinput", "-v0", *(f"--ignore={pattern}" for pattern in ignored)],
        env=env,
        check=True,
        timeout=300,
    )
    server = subprocess.Popen(
        [*command, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    https = {"X-Forwarded-Proto": "https"}
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status, _headers, body = fetch(f"{base}/health/live/")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert (status, body) == (200, b'{"status": "alive"}')
        assert len(children(server.pid)) == 2

        status, _headers, body = fetch(f"{base}/masuk/?next=/akun/", https)
        assert status == 200
        css = re.search(r'href="(/static/css/lindungdesa\.[0-9a-f]{12}\.css)"', body.decode())
        assert css, "the page links its stylesheet by a hashed name"

        status, headers, compressed = fetch(base + css.group(1), {**https, "Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert "immutable" in headers["Cache-Control"]
        plain = (
            Path(env["LINDUNGDESA_VAR_DIR"]) / "static" / css.group(1).removeprefix("/static/")
        ).read_bytes()
        assert len(compressed) < len(plain)

        # Plain HTTP: pages go to HTTPS, probes are answered where they are asked.
        assert fetch(f"{base}/masuk/")[0] == 301
        status, headers, body = fetch(f"{base}/health/ready/")
        assert status == 503 and headers["Content-Type"] == "application/json"
        assert "migrations" in body.decode()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=60)[0].decode()
    assert server.returncode == 0, output
    assert '"GET /masuk/" 200' in output and "next=" not in output


def test_the_server_process_keeps_what_it_loaded_at_start_out_of_full_collections():
    """`lindungdesa.wsgi` (what gunicorn loads in each worker) freezes what the process holds once the
    application is loaded, so that full garbage collections do not walk it again every few requests."""
    script = "import gc, lindungdesa.wsgi; print(gc.get_freeze_count())"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=root)
    assert int(out.stdout.strip()) > 10_000, out.stdout
