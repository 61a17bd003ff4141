"""Each role's main pages on a slow link: 400 kbps down and up, 400 ms latency (Chromium's emulation).

Usage (from the repository root, after `make run` has set up the demo province and collected the static
files; stop `make run` first or use another PORT):

    .venv/bin/python bench/slow_link.py [--port 8765] [--repeat 1] [--kbps 400] [--latency 400]

It starts `lindungdesa runserver` on 127.0.0.1 (DEBUG off: static files from WhiteNoise, compressed and
under hashed names, as `make run` serves them) on the database LINDUNGDESA_VAR_DIR / DATABASE_URL point at,
logs each demo user in (a session made in-process), and opens each page of bench/roles.py in a fresh
browser context (an empty cache: a first visit), at the role's device size. Per page:

- usable: DOMContentLoaded (the HTML parsed, its stylesheet and deferred scripts such as htmx loaded: the
  page's forms and links work);
- load: the load event (every image, script and stylesheet of the page);
- map: when the page has a map, until its shapes are drawn (the map's JSON comes after the load event);
- KB: bytes that crossed the link (compressed, headers included), and how many requests;
- again: `load` on a second visit in the same context (what the browser kept: hashed static files are
  cached for a year).
"""

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungdesa.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from bench.roles import role_pages  # noqa: E402
from lindungdesa.accounts.models import User  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    env = {**os.environ, "DEBUG": "0"}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/lindungdesa"),
            "runserver",
            f"127.0.0.1:{port}",
            "--noreload",
            "--skip-checks",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("the server did not start")


def session_cookie(username: str) -> str:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def visit(context, url: str, kbps: int, latency: int) -> dict:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": latency,
            "downloadThroughput": kbps * 1000 / 8,
            "uploadThroughput": kbps * 1000 / 8,
        },
    )
    sizes: dict[str, float] = {}
    encodings: dict[str, str] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))

    def received(e):
        headers = {k.lower(): v for k, v in e["response"]["headers"].items()}
        encodings[e["response"]["url"]] = headers.get("content-encoding", "")
        urls[e["requestId"]] = e["response"]["url"]

    cdp.on("Network.responseReceived", received)
    start = time.perf_counter()
    response = page.goto(url, wait_until="load", timeout=60_000)
    timing = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return {usable: n.domContentLoadedEventEnd, load: n.loadEventEnd}; }"
    )
    map_ms = None
    if page.locator("#peta").count():
        page.wait_for_selector("#peta path.leaflet-interactive, #peta.map-failed", timeout=60_000)
        map_ms = (time.perf_counter() - start) * 1000
    page.wait_for_load_state("networkidle")
    first = {
        "status": response.status,
        "usable": timing["usable"],
        "load": timing["load"],
        "map": map_ms,
        "bytes": sum(sizes.values()),
        "each": sorted(
            ((size, urls.get(rid, "?"), encodings.get(urls.get(rid, ""), "")) for rid, size in sizes.items()),
            reverse=True,
        ),
        "requests": len(sizes),
        "uncompressed": sorted(
            u.rsplit("/", 1)[-1]
            for u, enc in encodings.items()
            if not enc
            and u.startswith("http")
            and (u.endswith((".js", ".css", ".json")) or "/static/" not in u)
        ),
    }
    sizes.clear()
    again = page.goto(url, wait_until="load", timeout=60_000)
    first["again"] = page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd")
    first["again_bytes"] = sum(sizes.values())
    assert again.status == first["status"]
    page.close()
    return first


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--kbps", type=int, default=400)
    parser.add_argument("--latency", type=int, default=400)
    parser.add_argument("--province", default="61")
    parser.add_argument("--role", action="append", help="only this role (repeatable)")
    parser.add_argument("--detail", action="store_true", help="each request's bytes and encoding")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    from playwright.sync_api import sync_playwright

    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port)
    try:
        roles = [r for r in role_pages(args.province) if not args.role or r.role in args.role]
        print(f"link: {args.kbps} kbps down and up, {args.latency} ms latency; first visit, empty cache")
        print("| role | page | usable s | load s | map s | KB | requests | again s |")
        print("|---|---|---|---|---|---|---|---|")
        worst = 0.0
        # Sessions are made before Playwright starts: Django refuses the database inside its event loop.
        cookies = {r.username: session_cookie(r.username) for r in roles if r.username}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for role in roles:
                for url in role.urls:
                    context = browser.new_context(viewport=role.viewport, locale="id-ID")
                    if role.username:
                        context.add_cookies(
                            [
                                {
                                    "name": settings.SESSION_COOKIE_NAME,
                                    "value": cookies[role.username],
                                    "url": base,
                                }
                            ]
                        )
                    r = visit(context, base + url, args.kbps, args.latency)
                    context.close()
                    worst = max(worst, r["load"], r["map"] or 0)
                    map_s = f"{r['map'] / 1000:.1f}" if r["map"] else "–"
                    note = f" (status {r['status']})" if r["status"] != 200 else ""
                    if r["uncompressed"]:
                        note += f" uncompressed: {', '.join(r['uncompressed'])}"
                    usable, load, again = (r[k] / 1000 for k in ("usable", "load", "again"))
                    print(
                        f"| {role.role} | `{url}`{note} | {usable:.1f} | {load:.1f} | {map_s} | "
                        f"{r['bytes'] / 1024:.0f} | {r['requests']} | {again:.1f} |",
                        flush=True,
                    )
                    if args.detail:
                        for size, each, encoding in r["each"]:
                            print(f"    {size / 1024:6.1f} KB {encoding or '-':7} {each.removeprefix(base)}")
            browser.close()
        print(f"\nslowest page: {worst / 1000:.1f} s")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
