"""`make bench`: every benchmark, each measured side by side with its baseline in one run.

Results go to build/bench/ (JSON and Markdown) and are printed; the README quotes them with this
command.
"""

from __future__ import annotations

import sys
from pathlib import Path

from scripts import bench_gas

OUT = Path("build/bench")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    ok = True
    gas = bench_gas.run(OUT)
    print(gas["markdown"])  # noqa: T201
    ok &= all(t["result"] != "FAIL" for t in gas["targets"])
    from scripts import bench_indexer, bench_proofs, bench_service

    for bench in (bench_indexer, bench_service, bench_proofs):
        print(bench.run(OUT)["markdown"])  # noqa: T201
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
