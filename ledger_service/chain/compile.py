"""Compile the contracts with the official Solidity compiler (npm ``solc``) via Standard JSON.

Artifacts (ABI, bytecode, deployed bytecode, metadata) are committed under
``contracts/artifacts/``; ``tests/chain/test_compile.py`` recompiles and checks they come out
byte for byte the same, so anyone can match deployed bytecode to these sources.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ledger_service.core.config import PROJECT_ROOT
from ledger_service.core.errors import ConfigError

CONTRACTS_DIR = PROJECT_ROOT / "contracts"
ARTIFACTS_DIR = CONTRACTS_DIR / "artifacts"
SOLC_SCRIPT = PROJECT_ROOT / "scripts" / "solc-standard-json.js"

#: The production network's fork (the shipped Besu genesis enables Cancun; anvil runs --hardfork cancun).
EVM_VERSION = "cancun"
OPTIMIZER_RUNS = 10_000
#: Contracts deployed by the service, in deployment order.
DEPLOYABLE = (
    "CommunityRoles",
    "RevenueLedger",
    "AuditAnchor",
    "Governance",
    "TimeBank",
    "Oversight",
    "Goods",
    "Funds",
)


def compiler_settings() -> dict[str, Any]:
    """The Standard JSON settings; part of the deployment manifest and the trust root."""
    return {
        "evmVersion": EVM_VERSION,
        "viaIR": True,
        "optimizer": {"enabled": True, "runs": OPTIMIZER_RUNS},
        "remappings": ["@openzeppelin/=node_modules/@openzeppelin/"],
        "metadata": {"bytecodeHash": "ipfs"},
        "outputSelection": {
            "*": {"*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object", "metadata"]}
        },
    }


def source_files() -> list[Path]:
    """Every Solidity source of ours (OpenZeppelin comes in through imports)."""
    return sorted(p for p in CONTRACTS_DIR.rglob("*.sol") if "artifacts" not in p.parts)


def standard_json_input() -> dict[str, Any]:
    sources = {
        str(p.relative_to(PROJECT_ROOT)): {"content": p.read_text(encoding="utf-8")} for p in source_files()
    }
    return {"language": "Solidity", "sources": sources, "settings": compiler_settings()}


def solc_version() -> str:
    return _run_node(["--version"], "").strip()


def compile_sources() -> dict[str, Any]:
    """Run solc-js; raise ``ConfigError`` with the compiler's own messages on any error."""
    output = json.loads(_run_node([], json.dumps(standard_json_input())))
    errors = [e for e in output.get("errors", []) if e.get("severity") == "error"]
    if errors:
        raise ConfigError("Solidity compilation failed:\n" + "\n".join(e["formattedMessage"] for e in errors))
    return output


def build_artifacts() -> dict[str, dict[str, Any]]:
    """Compile and return one artifact per contract of ours that has bytecode or an ABI."""
    output = compile_sources()
    version = solc_version()
    artifacts: dict[str, dict[str, Any]] = {}
    for source_name, contracts in sorted(output["contracts"].items()):
        if not source_name.startswith("contracts/"):
            continue
        for name, c in sorted(contracts.items()):
            artifacts[name] = {
                "contractName": name,
                "sourceName": source_name,
                "compiler": version,
                "abi": c["abi"],
                "bytecode": "0x" + c["evm"]["bytecode"]["object"],
                "deployedBytecode": "0x" + c["evm"]["deployedBytecode"]["object"],
                "metadata": c["metadata"],
            }
    return artifacts


def artifact_bytes(artifact: dict[str, Any]) -> bytes:
    """The committed file's exact bytes (sorted keys, 2-space indent, trailing newline)."""
    return (json.dumps(artifact, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def write_artifacts(directory: Path = ARTIFACTS_DIR) -> list[Path]:
    """Compile and write ``<Contract>.json`` files; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, artifact in build_artifacts().items():
        path = directory / f"{name}.json"
        path.write_bytes(artifact_bytes(artifact))
        written.append(path)
    load_artifact.cache_clear()
    return written


@cache
def load_artifact(name: str) -> dict[str, Any]:
    """The committed artifact of a contract (no compiler needed at run time)."""
    path = ARTIFACTS_DIR / f"{name}.json"
    if not path.exists():
        raise ConfigError(f"contract artifact {path} is missing; run `make artifacts`")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def all_abis() -> dict[str, list[dict[str, Any]]]:
    """Name -> ABI for every committed artifact (used to decode errors and events)."""
    return {p.stem: load_artifact(p.stem)["abi"] for p in sorted(ARTIFACTS_DIR.glob("*.json"))}


@dataclass(frozen=True)
class _NodeResult:
    stdout: str


def _run_node(args: list[str], stdin: str) -> str:
    if not (PROJECT_ROOT / "node_modules" / "solc").exists():
        raise ConfigError("the npm package `solc` is not installed; run `make setup`")
    proc = subprocess.run(
        ["node", str(SOLC_SCRIPT), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=False,
    )
    if proc.returncode != 0:
        raise ConfigError(f"solc-js failed: {proc.stderr.strip()[-2000:]}")
    return proc.stdout


if __name__ == "__main__":  # pragma: no cover - `make artifacts`
    for written_path in write_artifacts():
        print(written_path.relative_to(PROJECT_ROOT))  # noqa: T201
