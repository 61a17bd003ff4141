"""The village operator uploads a roster on a slow link (50 kB/s up): while the file goes up, the page says
so (the file's name, that it is being sent, not to close the page) instead of seeming to do nothing, and the
button cannot send it twice. Chromium's own throttling does not slow uploads, so the browser reaches the
live server through a small loopback proxy here that passes what the browser sends at 50 kB/s."""

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import PENYELADI, sign_in_on_phone, village_operator_make
from tests.imports.conftest import ROSTER_HEADER, to_csv

pytestmark = pytest.mark.browser

UPLINK_BYTES_PER_SECOND = 50_000
PROXY_TIMEOUT = 60  # seconds a connection may stay quiet before the proxy drops it


class SlowUplink:
    """Forwards 127.0.0.1:<port> to the live server; what the browser sends is passed at a bounded rate."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            server = socket.create_connection(self.target, timeout=PROXY_TIMEOUT)
            client.settimeout(PROXY_TIMEOUT)
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, slow: bool) -> None:
        chunk = UPLINK_BYTES_PER_SECOND // 20 if slow else 65536
        try:
            while not self.stopped.is_set():
                data = source.recv(chunk)
                if not data:
                    break
                if slow:
                    time.sleep(len(data) / UPLINK_BYTES_PER_SECOND)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
        self.listener.close()


@pytest.fixture
def operator(regions) -> None:
    village_operator_make()


@pytest.fixture
def slow_base(live_server) -> Iterator[str]:
    url = urlsplit(live_server.url)
    proxy = SlowUplink((url.hostname, url.port))
    yield f"http://127.0.0.1:{proxy.port}"
    proxy.close()


def roster_of(size: int) -> bytes:
    """A roster of at least `size` bytes: one official per row, as a kabupaten's recap is long."""
    rows = []
    for i in range(size // 140 + 1):
        rows.append(
            {
                "kode_desa": PENYELADI,
                "nik": "",
                "nama": f"Anggota Contoh Nomor {i:05d}",
                "jenis_kelamin": "L",
                "tanggal_lahir": "17/05/1980",
                "kelompok": "BPD",
                "jabatan": "Anggota BPD",
                "nomor_sk": f"141/{i:05d}/KPTS/2023",
                "tanggal_sk": "01/02/2023",
                "mulai_menjabat": "01/02/2023",
                "penghasilan_bulanan": "Rp 1.000.000",
                "no_hp": "081234567890",
            }
        )
    data = to_csv(ROSTER_HEADER, rows)
    assert len(data) >= size
    return data


# The page's own code is not run by Playwright while a form's upload is in flight (its evaluate waits for the
# next page), so the page reports what the upload form shows on the console, as it changes.
WATCH_FORM = """
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.upload");
  if (!form) return;
  const status = form.querySelector("[role=status]"), button = form.querySelector("button[type=submit]");
  new MutationObserver(() => console.log(
    "upload-form: " + JSON.stringify({status: status ? status.textContent : "", disabled: button.disabled})
  )).observe(form, {subtree: true, childList: true, characterData: true, attributes: true});
});
"""


def test_an_upload_on_a_slow_link_says_it_is_being_sent(operator, slow_base, browser_page, tmp_path):
    page = browser_page
    sign_in_on_phone(page, slow_base)
    shown: list[tuple[float, dict]] = []
    answered: list[float] = []
    page.on(
        "console",
        lambda m: (
            shown.append((time.monotonic(), json.loads(m.text.removeprefix("upload-form: "))))
            if m.text.startswith("upload-form: ")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: answered.append(time.monotonic()) if r.request.method == "POST" else None,
    )
    page.add_init_script(WATCH_FORM)
    page.goto(slow_base + "/impor/")
    roster = tmp_path / "rekap-aparat.csv"
    roster.write_bytes(roster_of(150_000))  # three seconds at 50 kB/s
    page.set_input_files("input[name=berkas]", str(roster))
    sent = time.monotonic()
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.wait_for_url(re.compile(r".*/impor/\d+/$"), timeout=60_000)

    assert answered and answered[0] - sent >= 2.5, "the proxy did not hold the upload back"
    during = [state for at, state in shown if at < answered[0]]
    assert during, "nothing on the page changed while the file was going up"
    first_at = next(at for at, _state in shown)
    assert first_at - sent < 1, f"the first sign of the upload came after {first_at - sent:.1f} s"
    told = during[-1]
    assert "Mengunggah rekap-aparat.csv" in told["status"] and "jangan tutup" in told["status"], told
    assert told["disabled"], "the button could send the file a second time"
