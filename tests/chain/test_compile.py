"""Recompiling the sources with the pinned solc reproduces the committed artifacts byte for byte,
so anyone can match deployed bytecode to these sources (as Sourcify does)."""

from __future__ import annotations

from typing import Any

import pytest

from ledger_service.chain.compile import ARTIFACTS_DIR, artifact_bytes, build_artifacts, compiler_settings


@pytest.fixture(scope="module")
def built() -> dict[str, Any]:
    """One compile of every source (viaIR over all contracts takes most of a minute)."""
    return build_artifacts()


def test_recompile_reproducesCommittedArtifacts(built: dict[str, Any]) -> None:
    committed = {p.stem for p in ARTIFACTS_DIR.glob("*.json")}
    assert set(built) == committed, "artifacts missing or stale: run `make artifacts`"
    for name, artifact in built.items():
        assert artifact_bytes(artifact) == (ARTIFACTS_DIR / f"{name}.json").read_bytes(), name


def test_compilerSettings_pinCancun(built: dict[str, Any]) -> None:
    assert compiler_settings()["evmVersion"] == "cancun"
    assert '"evmVersion":"cancun"' in built["RevenueLedger"]["metadata"]
