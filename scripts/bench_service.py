"""Posting throughput through the service (journal, simulation, signing, grouped mining,
receipts), single and batched, side by side with a naive web3 loop (one transaction per entry,
web3's default receipt waiting) on the same node in the same run.

`python -m scripts.bench_service` (part of `make bench`); writes build/bench/service.json and .md.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ledger_service.chain.compile import load_artifact
from ledger_service.chain.direct import call
from ledger_service.chain.node import free_port
from ledger_service.communities.commands import add_community
from ledger_service.core.config import Settings
from ledger_service.revenue import commands as revenue
from ledger_service.revenue.encoding import Income, day_number, fixed_text
from ledger_service.service import LedgerService

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
SINGLE = int(os.environ.get("BENCH_SERVICE_SINGLE", "200"))
BATCHED = int(os.environ.get("BENCH_SERVICE_BATCHED", "10000"))
NAIVE = int(os.environ.get("BENCH_SERVICE_NAIVE", "100"))
DAY = dt.date(2026, 1, 2)


def _incomes(prefix: str, n: int) -> list[Income]:
    return [Income("parking", 1000 + i, DAY, f"{prefix}-{i:07d}", bytes([i % 251]) * 32) for i in range(n)]


def _timed(svc: LedgerService, fn: Any) -> dict[str, Any]:
    h0 = svc.w3.eth.block_number
    started = time.perf_counter()
    n = fn()
    seconds = time.perf_counter() - started
    h1 = svc.w3.eth.block_number
    return {
        "entries": n,
        "seconds": round(seconds, 3),
        "entries_per_s": round(n / seconds, 1),
        "blocks_made": h1 - h0,
        "chain_height_after": h1,
    }


def _naive_loop(svc: LedgerService, slug: str) -> int:
    """What a first prototype does: web3 contract call, sign, send, wait_for_transaction_receipt."""
    w3 = svc.w3
    account = svc.account(f"{slug}:accountant")
    contract = w3.eth.contract(
        address=svc.deployment.address("RevenueLedger"), abi=load_artifact("RevenueLedger")["abi"]
    )
    cid = bytes.fromhex(svc.community_id(slug)[2:])
    w3.provider.make_request("evm_setAutomine", [True])  # type: ignore[arg-type]
    try:
        for i, inc in enumerate(_incomes("NAIVE", NAIVE)):
            seq = contract.functions.nextSeq(cid).call()
            tx = contract.functions.postIncome(
                cid,
                seq,
                fixed_text(inc.source, 16, "s"),
                inc.amount,
                day_number(inc.business_date),
                fixed_text(inc.ref, 32, "r"),
                inc.evidence,
            ).build_transaction(
                {
                    "from": account.address,
                    "nonce": w3.eth.get_transaction_count(account.address),
                    "gasPrice": 0,
                }
            )
            signed = account.sign_transaction(tx)
            h = w3.eth.send_raw_transaction(signed.raw_transaction)
            w3.eth.wait_for_transaction_receipt(h)
            del i
    finally:
        w3.provider.make_request("evm_setAutomine", [False])  # type: ignore[arg-type]
    svc.sender.resync(account.address)
    return NAIVE


def run(out_dir: Path) -> dict[str, Any]:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            home=Path(tmp) / "home", node_port=free_port(), env="test", keystore_scrypt_n=2**4
        )
        genesis = int(dt.datetime(2026, 1, 1, tzinfo=SHANGHAI).timestamp())
        svc = LedgerService.init(settings, genesis_timestamp=genesis)
        try:
            slug = "bench-court"
            add_community(svc, slug)
            revenue.set_policy(
                svc,
                slug,
                {"maintenance": 6000, "welfare": 3000, "operations": 1000},
                dt.date(2026, 1, 1),
                signer=f"{slug}:committee",
            )
            svc.w3.provider.make_request("evm_setTime", [genesis + 2 * 86400])  # type: ignore[arg-type]
            svc.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
            signer = f"{slug}:accountant"
            results: dict[str, Any] = {}
            results["naive_web3_loop"] = _timed(svc, lambda: _naive_loop(svc, slug))

            def single() -> int:
                for inc in _incomes("ONE", SINGLE):
                    revenue.post_income(svc, slug, inc, signer=signer)
                return SINGLE

            results["service_single"] = _timed(svc, single)
            results["service_batched"] = _timed(
                svc,
                lambda: (
                    len(revenue.post_incomes(svc, slug, _incomes("MANY", BATCHED), signer=signer)) and BATCHED
                ),
            )
            cid = bytes.fromhex(svc.community_id(slug)[2:])
            results["next_seq"] = call(
                svc.sender, "RevenueLedger", svc.deployment.address("RevenueLedger"), "nextSeq", cid
            )[0]
        finally:
            svc.close()
    base = results["naive_web3_loop"]["entries_per_s"]
    md = [
        "Posting through the service vs a naive web3 loop, same embedded node (zero gas price), one run; "
        "command `python -m scripts.bench_service`.",
        "",
        "| Path | Entries | Seconds | Entries/s | × naive | Blocks made | Chain height after |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key, title in (
        ("naive_web3_loop", "naive web3 loop: one tx per entry, `wait_for_transaction_receipt`"),
        ("service_single", "service, one entry per request (journal, simulate, sign, wait)"),
        ("service_batched", f"service, batched ({revenue.BATCH_SIZE} entries per transaction)"),
    ):
        r = results[key]
        md.append(
            f"| {title} | {r['entries']:,} | {r['seconds']} | {r['entries_per_s']:,} | "
            f"{r['entries_per_s'] / base:.1f} | {r['blocks_made']} | {r['chain_height_after']} |"
        )
    results["markdown"] = "\n".join(md) + "\n"
    (out_dir / "service.json").write_text(json.dumps(results, indent=2) + "\n")
    (out_dir / "service.md").write_text(results["markdown"])
    return results


def main() -> int:
    print(run(Path("build/bench"))["markdown"])  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
