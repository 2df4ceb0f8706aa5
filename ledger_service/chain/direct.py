"""Unsequenced writes (deployment wiring, community registration, role grants, anchors).

These are applied at most once by the contract itself (a community or period cannot be
registered or anchored twice), so they need no journal sequence: simulate, sign, send, wait, and
turn any refusal into the contract's readable error.
"""

from __future__ import annotations

from typing import Any

from eth_account.signers.local import LocalAccount

from ledger_service.chain.abi import contract_abi
from ledger_service.chain.errors import decode_revert, raise_for_revert
from ledger_service.chain.sender import RevertedCall, Sender


def transact(
    sender: Sender, account: LocalAccount, contract: str, address: str, function: str, *args: Any
) -> dict[str, Any]:
    """Send ``contract.function(*args)`` from ``account`` and return the receipt (raw JSON-RPC)."""
    data = contract_abi(contract).call_data(function, *args)
    try:
        signed = sender.build_and_sign(account, address, data)
    except RevertedCall as e:
        decoded = decode_revert(e.revert_data)
        if decoded is not None:
            raise decoded from None
        raise
    sender.send_raw(signed)
    receipt = sender.wait([signed.hash])[0]
    if receipt["status"] != "0x1":
        raise_for_revert(sender.replay_revert_data(signed.hash))
    return receipt


def call(sender: Sender, contract: str, address: str, function: str, *args: Any) -> tuple[Any, ...]:
    """A read-only ``eth_call``; decoded outputs."""
    abi = contract_abi(contract)
    raw = sender.w3.eth.call({"to": address, "data": abi.call_data(function, *args)})  # type: ignore[typeddict-item]
    return abi.functions[function].decode_output(bytes(raw))
