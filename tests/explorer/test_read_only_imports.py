"""The explorer can show something wrong but can never write: it does not even load the code that
signs, sends or journals transactions (DESIGN.md "Architecture: one direction")."""

from __future__ import annotations

import json
import subprocess
import sys

from ledger_service.core.config import PROJECT_ROOT

FORBIDDEN_PREFIXES = (
    "ledger_service.chain",  # node, compile, deploy, keys, signer, sender, journal
    "ledger_service.service",
    "ledger_service.api",
    "ledger_service.indexer.streamer",
    "ledger_service.indexer.registry",  # imports the chain layer's ABI code
    "ledger_service.cli",
    "web3",
    "eth_account",
)
FORBIDDEN_SUFFIXES = (".commands", ".handlers", ".journal", ".sender", ".signer")


def test_importing_the_explorer_loads_no_write_path() -> None:
    code = (
        "import json, sys\n"
        "import explorer, explorer.app\n"
        "explorer.app.create_explorer('sqlite:////nonexistent/never-opened.sqlite')\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                         check=True, timeout=60)
    modules = json.loads(out.stdout.strip().splitlines()[-1])
    assert "explorer.app" in modules and "ledger_service.statements.store" in modules
    bad = [m for m in modules if m.startswith(FORBIDDEN_PREFIXES) or m.endswith(FORBIDDEN_SUFFIXES)]
    assert bad == [], f"the explorer imports write-path modules: {bad}"
