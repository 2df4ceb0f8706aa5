"""The statement page in a real headless Chromium at a phone's size (DESIGN.md "Explorer").

Skipped where Chromium is not installed; CI installs it (``apt-get install -y chromium``).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from ledger_service.chain.node import free_port
from tests.explorer.conftest import Index

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"),
                             shutil.which("google-chrome")) if p), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")


@pytest.fixture(scope="module")
def server(real_index: Index) -> Iterator[str]:
    from explorer.app import create_explorer

    port = free_port()
    app = create_explorer(real_index.db_url, public_url=f"http://127.0.0.1:{port}")
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/index.json", timeout=1).read()
            break
        except OSError:
            time.sleep(0.05)
    else:
        pytest.fail("the explorer did not start")
    try:
        yield base
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", head[16:24])


def _chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
         f"--user-data-dir={tmp / 'profile'}", *args],
        capture_output=True, text=True, timeout=60, check=False,
    )


def test_statement_page_renders_on_a_phone(server: str, tmp_path: Path) -> None:
    shot = tmp_path / "page.png"
    url = server + "/c/bamboo-court/2026Q1"
    result = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=390,844", "--hide-scrollbars", url)
    assert shot.exists(), result.stderr[-2000:]
    assert _png_size(shot) == (390, 844)
    assert shot.stat().st_size > 10_000  # a rendered page, not a blank one

    # The DOM Chromium built (scripts are off by CSP anyway): the numbers a resident must see.
    dom = _chromium(tmp_path, "--dump-dom", url).stdout
    assert "10,000.00" in dom and "有钱等待业主决定用途" in dom
