"""Generate the Besu QBFT network files from one description of the validators.

    .venv/bin/python deploy/besu/make_genesis.py deploy/besu/network.json --out deploy/besu
    .venv/bin/python deploy/besu/make_genesis.py deploy/besu/network.example.json --check

Reads a network description (``network.example.json`` shows the shape: chain id, QBFT timings,
one entry per validator with its organisation, node address, enode public key and host, and the
accounts allowed to send transactions) and writes, under ``--out``:

* ``genesis.json``: QBFT, the validators in ``extraData`` (ascending, as Besu orders them),
  London/Shanghai/Cancun at genesis (the contracts are compiled for ``cancun``), zero base fee;
* ``permissions_config.toml``: the node allowlist (the four enodes) and the account allowlist;
* ``nodes/<slug>/config.toml``: one Besu configuration file per validator;
* ``trust_root_validators.json``: the chain id and validator set to publish in the trust root.

``extraData`` is encoded by ``ledger_service.proofs.qbft``, the same code the offline verifier
uses to check seals. ``--check`` writes nothing and fails if the files differ from what the
description generates.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
try:
    from ledger_service.proofs.qbft import BFT_MIX_HASH, decode_extra_data, genesis_extra_data
except ModuleNotFoundError:  # run from a checkout without the package installed
    sys.path.insert(0, str(REPO_ROOT))
    from ledger_service.proofs.qbft import BFT_MIX_HASH, decode_extra_data, genesis_extra_data

HERE = Path(__file__).resolve().parent
# Where the files live on each validator host (the node configs refer to them).
ETC = "/etc/besu"
DATA = "/var/lib/besu"


class NetworkError(ValueError):
    """The network description is incomplete or inconsistent."""


def _address(value: Any, what: str) -> str:
    text = str(value).lower()
    if not (text.startswith("0x") and len(text) == 42 and all(c in "0123456789abcdef" for c in text[2:])):
        raise NetworkError(f"{what} must be a 0x-prefixed 20-byte hex address, not {value!r}")
    return text


def load_network(path: Path) -> dict[str, Any]:
    net = json.loads(path.read_text(encoding="utf-8"))
    validators = net.get("validators") or []
    if len(validators) < 4:
        raise NetworkError(
            f"QBFT needs at least 4 validators to tolerate a faulty one; {path} has {len(validators)}"
        )
    seen: set[str] = set()
    for i, v in enumerate(validators):
        for key in ("organisation", "slug", "address", "enode_public_key", "host", "p2p_port", "rpc_port"):
            if key not in v:
                raise NetworkError(f"validator #{i} in {path} has no {key!r}")
        v["address"] = _address(v["address"], f"validator {v['slug']} address")
        if v["address"] in seen:
            raise NetworkError(f"validator address {v['address']} appears twice")
        seen.add(v["address"])
        key = str(v["enode_public_key"]).lower().removeprefix("0x")
        if len(key) != 128 or any(c not in "0123456789abcdef" for c in key):
            raise NetworkError(f"validator {v['slug']} enode_public_key must be 64 bytes of hex")
        v["enode_public_key"] = key
    net["accounts_allowlist"] = [
        _address(a, "allowlisted account") for a in net.get("accounts_allowlist", [])
    ]
    return net


def enode(v: dict[str, Any]) -> str:
    return f"enode://{v['enode_public_key']}@{v['host']}:{v['p2p_port']}"


def validator_addresses(net: dict[str, Any]) -> list[str]:
    """Ascending, as Besu lists validators in every header (BftValidatorsValidationRule)."""
    return sorted(v["address"] for v in net["validators"])


def genesis(net: dict[str, Any]) -> dict[str, Any]:
    extra = genesis_extra_data(validator_addresses(net))
    return {
        "config": {
            "chainId": net["chain_id"],
            "berlinBlock": 0,
            "londonBlock": 0,
            "shanghaiTime": 0,
            "cancunTime": 0,
            "zeroBaseFee": True,
            "qbft": {
                "blockperiodseconds": net["block_period_seconds"],
                "epochlength": net["epoch_length"],
                "requesttimeoutseconds": net["request_timeout_seconds"],
            },
        },
        "nonce": "0x0",
        "timestamp": hex(net["genesis_timestamp"]),
        "extraData": "0x" + extra.hex(),
        "gasLimit": net["gas_limit"],
        "difficulty": "0x1",
        "mixHash": "0x" + BFT_MIX_HASH.hex(),
        "coinbase": "0x" + "00" * 20,
        "baseFeePerGas": "0x0",
        "alloc": {},
    }


def _toml_list(items: list[str], indent: str = "  ") -> str:
    if not items:
        return "[]"
    return "[\n" + "".join(f'{indent}"{item}",\n' for item in items) + "]"


def permissions_config(net: dict[str, Any]) -> str:
    nodes = [enode(v) for v in net["validators"]]
    return (
        "# Civic Ledger: Besu local permissioning, the same file on every validator.\n"
        "# Generated by deploy/besu/make_genesis.py; change the network description, not this file.\n"
        "# Running nodes take changes with perm_addAccountsToAllowlist / perm_addNodesToAllowlist\n"
        "# (PERM API, localhost only) or perm_reloadPermissionsFromFile after editing.\n"
        "\n"
        "# Accounts that may send transactions: the service's operator and signing keys.\n"
        f"accounts-allowlist={_toml_list(net['accounts_allowlist'])}\n"
        "\n"
        "# The four validators (and so the bootnodes, which must be allowlisted).\n"
        f"nodes-allowlist={_toml_list(nodes)}\n"
    )


def node_config(net: dict[str, Any], v: dict[str, Any]) -> str:
    bootnodes = [enode(b) for b in net["validators"]]
    return (
        f"# Civic Ledger: Besu QBFT validator of the {v['organisation']}.\n"
        "# Generated by deploy/besu/make_genesis.py; start with  besu --config-file=" + ETC + "/config.toml\n"
        "\n"
        f'data-path="{DATA}"\n'
        f'genesis-file="{ETC}/genesis.json"\n'
        f'node-private-key-file="{DATA}/key"\n'
        'sync-mode="FULL"\n'
        "\n"
        "# Peer-to-peer: the validators are each other's bootnodes; all are in the nodes allowlist.\n"
        f'p2p-host="{v["host"]}"\n'
        f"p2p-port={v['p2p_port']}\n"
        f"bootnodes={_toml_list(bootnodes)}\n"
        "\n"
        "# JSON-RPC for the Civic Ledger service on this host (CIVIC_LEDGER_RPC_URL) and operators.\n"
        "rpc-http-enabled=true\n"
        'rpc-http-host="127.0.0.1"\n'
        f"rpc-http-port={v['rpc_port']}\n"
        'rpc-http-api=["ETH","NET","WEB3","QBFT","PERM"]\n'
        'host-allowlist=["localhost","127.0.0.1"]\n'
        "\n"
        "# Free gas: zero minimum gas price (the genesis sets zeroBaseFee); revert reasons in receipts.\n"
        "min-gas-price=0\n"
        "revert-reason-enabled=true\n"
        "\n"
        "# Local permissioning: only allowlisted nodes connect, only allowlisted accounts transact.\n"
        "permissions-nodes-config-file-enabled=true\n"
        f'permissions-nodes-config-file="{ETC}/permissions_config.toml"\n'
        "permissions-accounts-config-file-enabled=true\n"
        f'permissions-accounts-config-file="{ETC}/permissions_config.toml"\n'
    )


def trust_root_validators(net: dict[str, Any]) -> dict[str, Any]:
    return {
        "chain_id": net["chain_id"],
        "consensus": "qbft",
        "validators": validator_addresses(net),
        "required_seals": (2 * len(net["validators"]) + 2) // 3,
        "organisations": {v["address"]: v["organisation"] for v in net["validators"]},
    }


def render(net: dict[str, Any]) -> dict[str, str]:
    """Relative path → file content, for every file this network generates."""
    files = {
        "genesis.json": json.dumps(genesis(net), indent=2) + "\n",
        "permissions_config.toml": permissions_config(net),
        "trust_root_validators.json": json.dumps(trust_root_validators(net), indent=2) + "\n",
    }
    for v in net["validators"]:
        files[f"nodes/{v['slug']}/config.toml"] = node_config(net, v)
    # The encoder and the decoder the verifier uses must agree on what was written.
    written = decode_extra_data(bytes.fromhex(genesis(net)["extraData"][2:]))
    if written.validators != validator_addresses(net) or written.round != 0 or written.seals:
        raise NetworkError("genesis extraData does not decode back to the validators")
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("network", type=Path, help="network description (see network.example.json)")
    parser.add_argument("--out", type=Path, default=HERE, help="directory to write into (default: here)")
    parser.add_argument("--check", action="store_true", help="compare with the files in --out, write nothing")
    args = parser.parse_args(argv)
    try:
        files = render(load_network(args.network))
    except (NetworkError, OSError, ValueError, KeyError) as e:
        sys.stderr.write(f"make_genesis: {e}\n")
        return 2
    if args.check:
        stale = [
            p
            for p, text in files.items()
            if not (args.out / p).exists() or (args.out / p).read_text() != text
        ]
        for p in stale:
            sys.stderr.write(f"make_genesis: {args.out / p} differs from what {args.network} generates\n")
        return 1 if stale else 0
    for rel, text in files.items():
        target = args.out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        sys.stdout.write(f"wrote {target}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
