"""`civic-ledger init`, `community add`, then `up` in a real subprocess: while it runs, a CLI write
goes through its API (with a CLI token kept 0600), commands that cannot go through it are refused,
and Ctrl-C (SIGINT) stops the API, the indexer and the node cleanly."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from ledger_service.chain.node import free_port
from ledger_service.cli import app
from ledger_service.core.config import PROJECT_ROOT

S = "up-lotus"


def _env(home: Path) -> dict[str, str]:
    return {
        "CIVIC_LEDGER_HOME": str(home),
        "CIVIC_LEDGER_NODE_PORT": str(free_port()),
        "CIVIC_LEDGER_KEYSTORE_SCRYPT_N": "16",
        "CIVIC_LEDGER_ENV": "test",
    }


def cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def test_up_servesTheApi_cliWritesGoThroughIt_ctrlCStopsCleanly(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = _env(home)
    code, out = cli(env, "init")
    assert code == 0, out
    code, out = cli(env, "init")
    assert code == 1 and "already initialised" in out
    code, out = cli(env, "community", "add", S)
    assert code == 0 and f"{S}:accountant" in out, out

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ledger_service.cli", "up", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            try:
                if httpx.get(f"{url}/api/v1/communities", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "up did not start"
            time.sleep(0.2)
        assert (home / "service.json").exists()

        code, out = cli(
            env,
            "revenue",
            "post",
            S,
            "--source",
            "parking",
            "--amount",
            "88.80",
            "--date",
            "2026-11-01",
            "--ref",
            "UP-1",
        )
        assert code == 0 and "sending this through it" in out and "entry #1" in out, out
        tokens = home / "cli-tokens.json"
        assert stat.S_IMODE(tokens.stat().st_mode) == 0o600
        statement = httpx.get(f"{url}/api/v1/communities/{S}/statements/2026Q4").json()
        assert [e["ref"] for e in statement["entries"] if e["kind"] == "income"] == ["UP-1"]

        good = tmp_path / "good.csv"
        good.write_text("parking,10,2026-11-02,UP-2\nparking,20,2026-11-02,UP-3\n", encoding="utf-8")
        code, out = cli(env, "revenue", "import", S, str(good))
        assert code == 0 and "2 incomes, 30.00 yuan, posted in 1 batch(es)" in out, out
        bad = tmp_path / "bad.csv"
        bad.write_text("parking,10,2026-11-03,UP-4\nparking,ten,2026-11-03,UP-5\n", encoding="utf-8")
        code, out = cli(env, "revenue", "import", S, str(bad))
        assert code == 1 and "line 2: amount 'ten' is not an amount in yuan" in out
        late = tmp_path / "repeat.csv"
        late.write_text("parking,10,2026-11-03,UP-6\nparking,20,2026-11-03,UP-3\n", encoding="utf-8")
        code, out = cli(env, "revenue", "import", S, str(late))
        assert code == 1 and "line 2: reference 'UP-3' was already posted" in out, out

        code, out = cli(env, "up", "--port", str(free_port()))
        assert code == 1 and "is already running at" in out, out
        code, out = cli(env, "community", "add", "another-one")
        assert code == 1 and "the service is running at" in out and "Ctrl-C" in out
        code, out = cli(
            env,
            "revenue",
            "post",
            S,
            "--source",
            "parking",
            "--amount",
            "1",
            "--date",
            "2026-11-01",
            "--ref",
            "UP-1",
        )
        assert code == 1 and "reference 'UP-1' was already posted" in out

        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not (home / "service.json").exists()
    # the chain and the index survived the stop: the statement reads from SQL alone
    code, out = cli(env, "statement", S, "--period", "2026Q4", "--format", "csv")
    assert code == 0 and ",UP-1," in out and "income_total_fen,11880" in out
    assert ",UP-4," not in out and ",UP-6," not in out


@pytest.mark.parametrize("args", [["statement", "x", "--period", "2026Q1"], ["community", "add", "x"]])
def test_uninitialisedHome_saysSo(tmp_path: Path, args: list[str]) -> None:
    code, out = cli(_env(tmp_path / "empty"), *args)
    assert code == 1 and "is not initialised; run `civic-ledger init" in out
