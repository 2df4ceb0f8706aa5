"""Running the service in the foreground: node, indexer, API and explorer, stopped cleanly by Ctrl-C.

While it runs, ``HOME/service.json`` says where (URL and process id), so that the CLI sends its
writes through the running service instead of starting a second node on the same chain. The file
is removed on exit; one left behind by a crash is recognised as stale by its dead process id.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from ledger_service.api.app import create_app
from ledger_service.core.errors import ChainUnavailable, ConfigError, Conflict, LedgerError
from ledger_service.service import LedgerService

log = logging.getLogger(__name__)

SERVICE_FILE = "service.json"
#: Seconds between index passes while following the chain.
POLL_INTERVAL = 0.5
MAX_BACKOFF = 5.0


@dataclass(frozen=True)
class RunningService:
    url: str
    pid: int


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running_service(home: Path) -> RunningService | None:
    """The service running on ``home``, if ``service.json`` names a live process."""
    path = home / SERVICE_FILE
    try:
        info: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        found = RunningService(str(info["url"]), int(info["pid"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return found if _alive(found.pid) else None


def follow_chain(svc: LedgerService, stop: threading.Event) -> None:
    """Keep the index up to date until ``stop``; after an outage, send the writes kept meanwhile.

    Uses ``svc.sync`` (which holds the service's index lock), so the API's own catch-up after a
    write never runs a second indexer pass over the same blocks at the same time.
    """
    backoff = POLL_INTERVAL
    down = False
    while not stop.is_set():
        try:
            svc.sync()
            if down or svc.journal.pending_count():
                svc.journal.recover()
            if down:
                log.info("the node answers again; journaled writes were sent")
            down, backoff = False, POLL_INTERVAL
        except ChainUnavailable as e:
            if not down:
                log.warning(
                    "the node does not answer (%s); writes are kept and sent when it returns", e.message
                )
            down = True
            backoff = min(backoff * 2, MAX_BACKOFF)
        except LedgerError as e:
            log.error("indexer: %s", e.message)
        except Exception:  # keep following; a bug is logged with its traceback, not swallowed
            log.exception("indexer pass failed")
        stop.wait(backoff)


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            raise ConfigError(
                f"cannot listen on {host}:{port} ({e.strerror}); choose another port with --port",
                host=host,
                port=port,
            ) from None


def serve(svc: LedgerService, *, host: str = "127.0.0.1", port: int = 8000, log_level: str = "info") -> None:
    """Serve ``svc`` on ``host:port`` until Ctrl-C (or SIGTERM); then stop the indexer thread and the
    service (the embedded node dumps its state on a clean stop). Does not close ``svc`` itself."""
    home = svc.settings.home
    if (other := running_service(home)) is not None and other.pid != os.getpid():
        raise Conflict(f"the service for {home} is already running at {other.url} (process {other.pid})")
    _check_port(host, port)
    url = f"http://{host}:{port}"
    public_url = svc.settings.public_url
    if public_url == "http://127.0.0.1:8000" and url != public_url:
        public_url = url
    app = create_app(svc, public_url=public_url)
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    stop = threading.Event()
    follower = threading.Thread(target=follow_chain, args=(svc, stop), name="indexer", daemon=True)
    info_path = home / SERVICE_FILE
    info_path.write_text(json.dumps({"url": url, "pid": os.getpid()}) + "\n", encoding="utf-8")
    follower.start()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        follower.join(timeout=15)
        info_path.unlink(missing_ok=True)
