"""Indexer throughput: events/s from the local node into SQLite and PostgreSQL, side by side with
web3's own ``get_logs`` decoding path (decoding only, no SQL) in the same run.

`python -m scripts.bench_indexer` (part of `make bench`); writes build/bench/indexer.json and .md.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import ledger_service.contexts  # noqa: F401
from ledger_service.chain.compile import load_artifact
from ledger_service.chain.direct import call, transact
from ledger_service.chain.node import free_port
from ledger_service.communities.commands import add_community
from ledger_service.core.config import Settings
from ledger_service.db.session import Database
from ledger_service.indexer import registry as indexer_registry
from ledger_service.indexer.registry import registry
from ledger_service.indexer.streamer import Indexer
from ledger_service.indexer.tables import ChainRecord
from ledger_service.revenue import commands as revenue_commands
from ledger_service.revenue.encoding import Income, pack_batch
from ledger_service.service import LedgerService

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
EVENTS = int(os.environ.get("BENCH_INDEXER_EVENTS", "20000"))
BATCH = 500
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def _post(svc: LedgerService, slug: str, n: int) -> None:
    cid = bytes.fromhex(svc.community_id(slug)[2:])
    revenue = svc.deployment.address("RevenueLedger")
    # The ledger takes policies only from Governance (a committee-role holder, no committee yet).
    revenue_commands.set_policy(
        svc,
        slug,
        {"maintenance": 6000, "welfare": 3000, "operations": 1000},
        dt.date(2026, 1, 1),
        signer=f"{slug}:committee",
    )
    rng = random.Random(7)
    acct = svc.account(f"{slug}:accountant")
    for start in range(0, n, BATCH):
        seq = call(svc.sender, "RevenueLedger", revenue, "nextSeq", cid)[0]
        incomes = [
            Income(
                "elevator_ads",
                rng.randrange(1, 10**9),
                dt.date(2026, 1, 1),
                f"INV-{start + i:07d}",
                rng.randbytes(32),
            )
            for i in range(min(BATCH, n - start))
        ]
        transact(svc.sender, acct, "RevenueLedger", revenue, "postIncomes", cid, seq, pack_batch(incomes))


def _index_into(svc: LedgerService, url: str) -> dict[str, Any]:
    db = Database(url)
    db.migrate()
    with db.session() as s:
        s.add(ChainRecord(chain_id=svc.deployment.chain_id, manifest=json.dumps(svc.deployment.to_json())))
    indexer = Indexer(db, svc.w3, svc.deployment, registry)
    started = time.perf_counter()
    logs = indexer.run_once()
    seconds = time.perf_counter() - started
    db.dispose()
    return {"logs": logs, "seconds": round(seconds, 3), "events_per_s": round(logs / seconds)}


def _web3_baseline(svc: LedgerService) -> dict[str, Any]:
    contract = svc.w3.eth.contract(
        address=svc.deployment.address("RevenueLedger"), abi=load_artifact("RevenueLedger")["abi"]
    )
    started = time.perf_counter()
    events = contract.events.IncomeRecorded().get_logs(from_block=0, to_block="latest")
    seconds = time.perf_counter() - started
    return {"logs": len(events), "seconds": round(seconds, 3), "events_per_s": round(len(events) / seconds)}


def run(out_dir: Path) -> dict[str, Any]:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            home=Path(tmp) / "home", node_port=free_port(), env="test", keystore_scrypt_n=2**4
        )
        genesis = int(dt.datetime(2026, 1, 1, tzinfo=SHANGHAI).timestamp())
        svc = LedgerService.init(settings, genesis_timestamp=genesis)
        try:
            add_community(svc, "bench-court")
            _post(svc, "bench-court", EVENTS)
            height = svc.w3.eth.block_number
            results: dict[str, Any] = {"events": EVENTS, "batch": BATCH, "chain_height": height}
            results["web3_get_logs_decode_only"] = _web3_baseline(svc)
            results["ours_sqlite"] = _index_into(svc, f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
            results["ours_postgresql"] = _pg(svc)
            # the previous PostgreSQL path, side by side: every flush row by row (executemany)
            bulk_from = indexer_registry._COPY_FROM
            indexer_registry._COPY_FROM = 10**9
            try:
                results["ours_postgresql_row_by_row"] = _pg(svc)
            finally:
                indexer_registry._COPY_FROM = bulk_from
        finally:
            svc.close()
    base = results["web3_get_logs_decode_only"]["events_per_s"]
    rows = [("web3 `ContractEvent.get_logs` (decode only, no SQL)", results["web3_get_logs_decode_only"])]
    rows.append(("ours → SQLite (decode + handlers + insert + cursor)", results["ours_sqlite"]))
    if results["ours_postgresql"]:
        rows.append(("ours → PostgreSQL (COPY from 200 rows a table)", results["ours_postgresql"]))
    if results["ours_postgresql_row_by_row"]:
        rows.append(
            ("ours → PostgreSQL, row by row (the previous path)", results["ours_postgresql_row_by_row"])
        )
    md = [
        f"Indexer: {EVENTS:,} IncomeRecorded events (batches of {BATCH}), chain height {height}; "
        "command `python -m scripts.bench_indexer`.",
        "",
        "| Path | Events | Seconds | Events/s | × web3 |",
        "|---|---:|---:|---:|---:|",
    ]
    for title, r in rows:
        md.append(
            f"| {title} | {r['logs']:,} | {r['seconds']} | {r['events_per_s']:,} | "
            f"{r['events_per_s'] / base:.1f} |"
        )
    results["markdown"] = "\n".join(md) + "\n"
    (out_dir / "indexer.json").write_text(json.dumps(results, indent=2) + "\n")
    (out_dir / "indexer.md").write_text(results["markdown"])
    return results


def _pg(svc: LedgerService) -> dict[str, Any] | None:
    try:
        import psycopg

        name = f"civic_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception:
        return None
    try:
        return _index_into(svc, f"postgresql://postgres@127.0.0.1:5432/{name}")
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    print(run(Path("build/bench"))["markdown"])  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
