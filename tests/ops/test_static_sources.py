"""The tests are served the static files they test, not a copy `make run` collected earlier: the live
server the browser tests use serves STATIC_ROOT before the source folders."""

from urllib.request import urlopen

from django.conf import settings

from lindungdesa.settings import VAR_DIR


def test_a_copy_collected_by_make_run_does_not_stand_in_for_the_source(live_server):
    source = (settings.STATICFILES_DIRS[0] / "js" / "lindungdesa.js").read_bytes()
    collected = VAR_DIR / "static" / "js" / "lindungdesa.js"
    collected.parent.mkdir(parents=True, exist_ok=True)
    kept = collected.read_bytes() if collected.exists() else None
    collected.write_bytes(b"/* an old copy */")
    try:
        with urlopen(f"{live_server.url}/static/js/lindungdesa.js", timeout=30) as response:
            assert response.read() == source
    finally:
        if kept is None:
            collected.unlink()
        else:
            collected.write_bytes(kept)
