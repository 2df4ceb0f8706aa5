"""The embedded chain: a real anvil process that the service starts, stops and reconnects to.

Why a real node rather than an in-process EVM: the service must speak only standard JSON-RPC so
the same code runs against the production Besu/QBFT network; anvil gives us that on a laptop.

Two facts shape the defaults (see TOOLCHAIN.md):

- anvil gets slower with every block it has made, so it runs with ``--no-mining`` and the sender
  mines explicitly (``evm_mine``), grouping many transactions into one block and never making
  empty blocks on a timer.
- ``--state FILE`` is written on a clean exit and every ``--state-interval`` seconds, so
  :meth:`AnvilNode.stop` sends SIGTERM (anvil then dumps its state) and a ``kill -9`` loses what
  came after the last periodic write; the service's journal re-sends that.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import weakref
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import requests
from requests.adapters import HTTPAdapter
from web3 import Web3
from web3.providers.rpc.utils import REQUEST_RETRY_ALLOWLIST, ExceptionRetryConfiguration

from ledger_service.core.config import PROJECT_ROOT
from ledger_service.core.errors import ChainUnavailable, ConfigError

log = logging.getLogger(__name__)

ANVIL_RELATIVE_PATH = Path("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil")
#: The production network's fork; the contracts are compiled for it.
DEFAULT_HARDFORK = "cancun"
DEFAULT_CHAIN_ID = 31337
#: anvil's own default mnemonic; its keys are public, so it is for development chains only.
DEV_MNEMONIC = "test test test test test test test test test test test junk"
STATE_FILE_NAME = "anvil-state.json"
GENESIS_FILE_NAME = "genesis.json"
LOG_FILE_NAME = "anvil.log"


def anvil_binary() -> Path:
    """Locate the anvil binary shipped by the npm package ``@foundry-rs/anvil-linux-amd64``.

    The binary is run directly: the ``@foundry-rs/anvil`` Node wrapper costs about half a second
    per start. Raises ``ConfigError`` naming the fix when ``make setup`` has not been run.
    """
    path = PROJECT_ROOT / ANVIL_RELATIVE_PATH
    if not path.is_file():
        raise ConfigError(
            f"the anvil binary is missing ({path}); run `make setup` to install the npm packages",
            path=str(path),
        )
    if not os.access(path, os.X_OK):
        raise ConfigError(
            f"the anvil binary at {path} is not executable; run `make setup` again", path=str(path)
        )
    return path


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (the OS picks it), for nodes started by tests or dev."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _tail(path: Path, lines: int = 20) -> str:
    try:
        with path.open("rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 8192))
            text = f.read().decode("utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def _terminate(proc: subprocess.Popen[bytes], timeout: float, temp_log: Path | None = None) -> None:
    """SIGTERM (anvil dumps its state), then SIGKILL if it does not exit in time."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if temp_log is not None:
        temp_log.unlink(missing_ok=True)


class AnvilNode:
    """A real anvil process, with its state (optionally) persisted under ``data_dir``.

    ``data_dir`` given: the chain is loaded from and dumped to ``data_dir/anvil-state.json``
    (``--state``), with ``--preserve-historical-states`` so proofs at older blocks still work after a
    reload, and the log goes to ``data_dir/anvil.log``. Without it the chain lives in memory and the
    log goes to a temporary file. anvil never writes to our stdout. ``state_interval`` (seconds)
    bounds what a ``kill -9`` loses; each write dumps the whole state, so not much lower than 5 s.

    ``mnemonic=None`` keeps anvil's default dev accounts (``DEV_MNEMONIC``, whose keys are public);
    ``accounts=0`` starts with no funded dev accounts at all.

    ``gas_price=0, base_fee=0`` gives a zero-gas-price network like a permissioned Besu one: anvil
    1.7.1 then mines legacy transactions with ``gasPrice`` 0. With ``gas_price=0``,
    ``--disable-min-priority-fee`` is added too (``disable_min_priority_fee=None`` means "when the gas
    price is 0"): without it ``eth_gasPrice`` still answers 1 gwei, so a client asking the node
    would pay for gas. Side effect seen on 1.7.1: ``eth_sendTransaction`` without fee fields then
    fails ("max priority fee per gas higher than max fee per gas"); locally signed transactions, and
    web3's own fee filling, are unaffected. ``eth_maxPriorityFeePerGas`` answers 1 gwei either way.
    """

    def __init__(
        self,
        port: int | None = None,
        *,
        host: str = "127.0.0.1",
        chain_id: int = DEFAULT_CHAIN_ID,
        data_dir: Path | str | None = None,
        no_mining: bool = True,
        state_interval: int = 5,
        timestamp: int | None = None,
        gas_price: int | None = None,
        base_fee: int | None = None,
        disable_min_priority_fee: bool | None = None,
        mnemonic: str | None = None,
        accounts: int | None = None,
        balance: int | None = None,
        hardfork: str = DEFAULT_HARDFORK,
        extra_args: tuple[str, ...] = (),
        startup_timeout: float = 15.0,
        stop_timeout: float = 15.0,
        binary: Path | None = None,
    ) -> None:
        self._requested_port = port
        self.port: int = port or 0
        self.host = host
        self.chain_id = chain_id
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.no_mining = no_mining
        self.state_interval = state_interval
        self.timestamp = timestamp
        self.gas_price = gas_price
        self.base_fee = base_fee
        self.disable_min_priority_fee = (
            disable_min_priority_fee if disable_min_priority_fee is not None else gas_price == 0
        )
        self.mnemonic = mnemonic
        self.accounts = accounts
        self.balance = balance
        self.hardfork = hardfork
        self.extra_args = extra_args
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self._binary = binary
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_file: IO[bytes] | None = None
        self._finalizer: weakref.finalize | None = None
        self.log_path: Path | None = None
        self._temp_log = False

    # -- paths and arguments -------------------------------------------------------------------

    @property
    def state_path(self) -> Path | None:
        """The state file, when the chain is persisted."""
        return self.data_dir / STATE_FILE_NAME if self.data_dir is not None else None

    @property
    def rpc_url(self) -> str:
        """HTTP JSON-RPC endpoint of the node."""
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def command(self) -> list[str]:
        """The full anvil command line (useful in logs and bug reports)."""
        binary = self._binary or anvil_binary()
        args = [
            str(binary),
            "--hardfork", self.hardfork,
            "--host", self.host,
            "--port", str(self.port),
            "--chain-id", str(self.chain_id),
            "--color", "never",
        ]  # fmt: skip
        if self.no_mining:
            args.append("--no-mining")
        if self.state_path is not None:
            args += [
                "--state", str(self.state_path),
                "--preserve-historical-states",
                "--state-interval", str(self.state_interval),
            ]  # fmt: skip
        timestamp = self.timestamp if self.timestamp is not None else self._recorded_genesis("timestamp")
        if timestamp is not None:
            args += ["--timestamp", str(timestamp)]
        if self.gas_price is not None:
            args += ["--gas-price", str(self.gas_price)]
        if self.base_fee is not None:
            args += ["--base-fee", str(self.base_fee)]
        if self.disable_min_priority_fee:
            args.append("--disable-min-priority-fee")
        if self.mnemonic is not None:
            args += ["--mnemonic", self.mnemonic]
        if self.accounts is not None:
            args += ["--accounts", str(self.accounts)]
        if self.balance is not None:
            args += ["--balance", str(self.balance)]
        args += list(self.extra_args)
        return args

    # -- lifecycle ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> AnvilNode:
        """Start anvil and return once it answers JSON-RPC.

        When no port was given a free one is picked, and picked again if another process grabs it
        first. Raises ``ChainUnavailable`` with the tail of anvil's log if it exits or stays silent.
        """
        if self.running:
            return self
        attempts = 1 if self._requested_port else 3
        for attempt in range(attempts):
            # An auto-picked port is kept across restarts so existing clients reconnect to it.
            if not self._requested_port and (attempt > 0 or not self.port):
                self.port = free_port(self.host)
            try:
                self._spawn()
                self._wait_ready()
                self._check_genesis()
                return self
            except ChainUnavailable:
                exited = self._proc is not None and self._proc.poll() is not None
                in_use = "in use" in _tail(self.log_path) if self.log_path else False
                self._cleanup_process()
                if not (exited and in_use) or attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _spawn(self) -> None:
        cmd = self.command()
        if self.data_dir is not None:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.log_path = self.data_dir / LOG_FILE_NAME
            # 0600: anvil's banner lists the dev accounts' private keys and mnemonic.
            fd = os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            self._log_file = os.fdopen(fd, "ab")
        else:
            fd, name = tempfile.mkstemp(prefix="anvil-", suffix=".log")
            self.log_path = Path(name)
            self._temp_log = True
            self._log_file = os.fdopen(fd, "ab")
        shown = ["***" if i and cmd[i - 1] == "--mnemonic" else arg for i, arg in enumerate(cmd)]
        self._log_file.write(f"\n--- {time.strftime('%Y-%m-%dT%H:%M:%S')} starting: {shown}\n".encode())
        self._log_file.flush()
        log.info("starting anvil on %s (state: %s)", self.rpc_url, self.state_path)
        self._proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=self._log_file, stderr=subprocess.STDOUT, close_fds=True
        )
        # If the owner forgets stop(), still end anvil gracefully when the interpreter exits, so no
        # orphan keeps the port and the state is dumped.
        temp_log = self.log_path if self._temp_log else None
        self._finalizer = weakref.finalize(self, _terminate, self._proc, self.stop_timeout, temp_log)

    def _wait_ready(self) -> None:
        assert self._proc is not None
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}).encode()
        deadline = time.monotonic() + self.startup_timeout
        while True:
            if self._proc.poll() is not None:
                raise ChainUnavailable(
                    f"anvil exited with code {self._proc.returncode} while starting; its log ends with:\n"
                    f"{_tail(self.log_path) if self.log_path else ''}",
                    rpc_url=self.rpc_url,
                )
            try:
                req = urllib.request.Request(self.rpc_url, body, {"Content-Type": "application/json"})
                with urllib.request.urlopen(req, timeout=1.0) as resp:
                    if "result" in json.loads(resp.read()):
                        return
            except (OSError, urllib.error.URLError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise ChainUnavailable(
                    f"anvil did not answer on {self.rpc_url} within {self.startup_timeout:.0f} s; "
                    f"its log ends with:\n{_tail(self.log_path) if self.log_path else ''}",
                    rpc_url=self.rpc_url,
                )
            time.sleep(0.02)

    # -- genesis across restarts --------------------------------------------------------------------
    #
    # anvil 1.7.1 rebuilds block 0 from ``--timestamp`` (default: now) when it loads a state file,
    # so a restart a second later came back with another genesis hash while block 1 still named the
    # old one as its parent (seen in CI). The first start records block 0; later starts pass its
    # timestamp again (same genesis), check the hash, and put the clock back where the chain was.

    @property
    def genesis_path(self) -> Path | None:
        return self.data_dir / GENESIS_FILE_NAME if self.data_dir is not None else None

    def _recorded_genesis(self, key: str) -> Any:
        path = self.genesis_path
        if path is None or not path.exists() or self.state_path is None or not self.state_path.exists():
            return None
        return json.loads(path.read_text(encoding="utf-8")).get(key)

    def _rpc(self, method: str, params: list[Any]) -> Any:
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
        req = urllib.request.Request(self.rpc_url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=5.0) as resp:
            return json.loads(resp.read())["result"]

    def _check_genesis(self) -> None:
        path = self.genesis_path
        if path is None:
            return
        block0 = self._rpc("eth_getBlockByNumber", ["0x0", False])
        recorded = self._recorded_genesis("hash")
        if recorded is None:
            path.write_text(
                json.dumps({"hash": block0["hash"], "timestamp": int(block0["timestamp"], 16)}) + "\n",
                encoding="utf-8",
            )
            return
        if block0["hash"] != recorded:
            self.stop()
            raise ChainUnavailable(
                f"the node in {self.data_dir} came back with genesis {block0['hash']}, not {recorded}: "
                "its state file did not load; nothing was written",
                rpc_url=self.rpc_url,
            )
        if self.timestamp is None:
            latest = int(self._rpc("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)
            self._rpc("evm_setTime", [max(latest, int(time.time()))])

    def stop(self) -> None:
        """Stop gracefully: SIGTERM makes anvil dump its state file; SIGKILL only if it hangs."""
        if self._proc is not None:
            _terminate(self._proc, self.stop_timeout)
            log.info("anvil on %s stopped (exit code %s)", self.rpc_url, self._proc.returncode)
        self._cleanup_process()

    def kill(self) -> None:
        """SIGKILL, as a crash would: what came after the last periodic state write is lost."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._cleanup_process()

    def _cleanup_process(self) -> None:
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._proc = None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        if self._temp_log and self.log_path is not None:
            # An in-memory node's log dies with it (a start failure quotes its tail in the error);
            # give the node a data_dir to keep logs.
            self.log_path.unlink(missing_ok=True)
            self._temp_log = False

    def __enter__(self) -> AnvilNode:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"AnvilNode({self.rpc_url}, running={self.running}, data_dir={self.data_dir})"


#: Methods safe to retry on a connection error: reads only. web3's default list also retries
#: ``evm_*`` (a retried ``evm_mine`` or ``evm_revert`` is not harmless), so those are left out.
_RETRY_ALLOWLIST = [m for m in REQUEST_RETRY_ALLOWLIST if m not in ("evm", "testing", "admin")]


def connect(rpc_url: str, *, timeout: float = 30.0, pool_size: int = 32, retries: int = 3) -> Web3:
    """A ``Web3`` over HTTP with one persistent, thread-safe session and a bounded timeout.

    The session keeps connections alive (a new TCP connection per call costs more than anvil's
    answer) and its pool is sized for the sender's concurrent waiters. Read calls are retried a
    few times on connection errors; writes and ``evm_*`` calls never are.

    ``ExtraDataToPOAMiddleware`` is deliberately not added: it renames a header's ``extraData`` to
    ``proofOfAuthorityData``, and code that hashes QBFT headers reads them raw over JSON-RPC anyway;
    add it yourself only where web3's block formatters choke on a long ``extraData``.
    """
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    retry = ExceptionRetryConfiguration(
        errors=(requests.ConnectionError, requests.Timeout),
        retries=retries,
        backoff_factor=0.1,
        method_allowlist=_RETRY_ALLOWLIST,
    )
    provider = Web3.HTTPProvider(
        rpc_url,
        request_kwargs={"timeout": timeout},
        session=session,
        exception_retry_configuration=retry,
    )
    return Web3(provider)
