"""ABI helpers built once from the committed artifacts.

Hot paths (posting batches, indexing logs) encode and decode with ``eth_abi`` and precomputed
selectors and topics: TOOLCHAIN.md measured web3's per-call and per-log helpers at a fraction of
that speed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import keccak

from ledger_service.chain.compile import DEPLOYABLE, load_artifact


def _canonical_type(item: dict[str, Any]) -> str:
    t = item["type"]
    if t.startswith("tuple"):
        inner = ",".join(_canonical_type(c) for c in item["components"])
        return f"({inner}){t[5:]}"
    return str(t)


def signature(item: dict[str, Any]) -> str:
    """``name(type,...)`` as hashed for selectors and topics."""
    return f"{item['name']}({','.join(_canonical_type(i) for i in item['inputs'])})"


@dataclass(frozen=True)
class EventAbi:
    """One event: its topic and how to decode a log of it into a dict."""

    contract: str
    name: str
    topic: bytes
    indexed: tuple[tuple[str, str], ...]
    data: tuple[tuple[str, str], ...]

    def decode(self, topics: list[bytes], data: bytes) -> dict[str, Any]:
        """Decode a log's topics (without topic 0) and data into ``{field: value}``."""
        out: dict[str, Any] = {}
        for (name, typ), topic in zip(self.indexed, topics, strict=True):
            out[name] = abi_decode([typ], topic)[0]
        values = abi_decode([t for _, t in self.data], data)
        for (name, _), value in zip(self.data, values, strict=True):
            out[name] = value
        return out


@dataclass(frozen=True)
class ErrorAbi:
    contract: str
    name: str
    selector: bytes
    inputs: tuple[tuple[str, str], ...]

    def decode(self, data: bytes) -> dict[str, Any]:
        values = abi_decode([t for _, t in self.inputs], data)
        return {n: v for (n, _), v in zip(self.inputs, values, strict=True)}


@dataclass(frozen=True)
class FunctionAbi:
    name: str
    selector: bytes
    input_types: tuple[str, ...]
    output_types: tuple[str, ...]

    def encode(self, *args: Any) -> bytes:
        return self.selector + abi_encode(list(self.input_types), list(args))

    def decode_output(self, data: bytes) -> tuple[Any, ...]:
        return tuple(abi_decode(list(self.output_types), data))


class ContractAbi:
    """Selectors, topics and decoders of one compiled contract."""

    def __init__(self, name: str) -> None:
        artifact = load_artifact(name)
        self.name = name
        self.abi: list[dict[str, Any]] = artifact["abi"]
        self.bytecode = bytes.fromhex(artifact["bytecode"][2:])
        self.functions: dict[str, FunctionAbi] = {}
        self.events: dict[str, EventAbi] = {}
        self.errors: dict[str, ErrorAbi] = {}
        self.constructor_types: tuple[str, ...] = ()
        for item in self.abi:
            kind = item["type"]
            if kind == "function":
                sig = signature(item)
                self.functions[item["name"]] = FunctionAbi(
                    item["name"],
                    keccak(text=sig)[:4],
                    tuple(_canonical_type(i) for i in item["inputs"]),
                    tuple(_canonical_type(o) for o in item["outputs"]),
                )
            elif kind == "event":
                self.events[item["name"]] = EventAbi(
                    name,
                    item["name"],
                    keccak(text=signature(item)),
                    tuple((i["name"], _canonical_type(i)) for i in item["inputs"] if i["indexed"]),
                    tuple((i["name"], _canonical_type(i)) for i in item["inputs"] if not i["indexed"]),
                )
            elif kind == "error":
                self.errors[item["name"]] = ErrorAbi(
                    name,
                    item["name"],
                    keccak(text=signature(item))[:4],
                    tuple((i["name"], _canonical_type(i)) for i in item["inputs"]),
                )
            elif kind == "constructor":
                self.constructor_types = tuple(_canonical_type(i) for i in item["inputs"])

    def call_data(self, function: str, *args: Any) -> bytes:
        """Encoded call data for ``function(args)``."""
        return self.functions[function].encode(*args)

    def deploy_data(self, *args: Any) -> bytes:
        return self.bytecode + abi_encode(list(self.constructor_types), list(args))

    def event(self, name: str) -> EventAbi:
        return self.events[name]


@cache
def contract_abi(name: str) -> ContractAbi:
    """The ``ContractAbi`` of a committed artifact, built once per process."""
    return ContractAbi(name)


@cache
def error_table(
    names: tuple[str, ...] = DEPLOYABLE,
) -> dict[bytes, ErrorAbi]:
    """Selector -> error, across the given contracts (their errors share one namespace by prefix)."""
    table: dict[bytes, ErrorAbi] = {}
    for name in names:
        for err in contract_abi(name).errors.values():
            table[err.selector] = err
    return table
