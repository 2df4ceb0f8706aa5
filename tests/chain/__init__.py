"""Tests of the chain client, against a real anvil.

Two tiny contracts, written in raw EVM bytecode so these tests need no compiler:

``ECHO_REVERT`` reverts with its calldata as the revert data, so a test chooses the exact bytes
(a custom error selector and arguments) and checks they come back unchanged::

    36        CALLDATASIZE            [size]
    6000      PUSH1 0                 [0, size]
    6000      PUSH1 0                 [0, 0, size]
    37        CALLDATACOPY            memory[0:size] = calldata
    36        CALLDATASIZE            [size]
    6000      PUSH1 0                 [0, size]
    fd        REVERT                  revert(memory[0:size])

``LOG_CALLDATA`` emits one log, topic ``0x2a``, whose data is the calldata::

    36 6000 6000 37                   memory[0:size] = calldata (as above)
    602a      PUSH1 0x2a              [topic]
    36        CALLDATASIZE            [size, topic]
    6000      PUSH1 0                 [0, size, topic]
    a1        LOG1                    log1(memory[0:size], topic)
    00        STOP
"""

from __future__ import annotations

from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address

from ledger_service.chain.sender import Sender

ECHO_REVERT = bytes.fromhex("36600060003736" + "6000fd")
LOG_CALLDATA = bytes.fromhex("3660006000" + "37" + "602a" + "36" + "6000" + "a1" + "00")
LOG_TOPIC = "0x" + "2a".rjust(64, "0")


def init_code(runtime: bytes) -> bytes:
    """Creation code that returns ``runtime`` as the contract's code.

    ::

        60 LL     PUSH1 len(runtime)      [len]
        80        DUP1                    [len, len]
        60 0b     PUSH1 11                [11, len, len]   runtime starts after these 11 bytes
        6000      PUSH1 0                 [0, 11, len, len]
        39        CODECOPY                memory[0:len] = code[11:11+len]
        6000      PUSH1 0                 [0, len]
        f3        RETURN                  return memory[0:len]
    """
    assert len(runtime) < 256
    return bytes([0x60, len(runtime), 0x80, 0x60, 0x0B, 0x60, 0x00, 0x39, 0x60, 0x00, 0xF3]) + runtime


def deploy(sender: Sender, account: LocalAccount, runtime: bytes) -> str:
    """Deploy ``runtime`` and return the contract address (mined by the sender's wait)."""
    signed = sender.send(account, None, init_code(runtime))
    [receipt] = sender.wait([signed.hash])
    assert receipt["status"] == "0x1", receipt
    return to_checksum_address(receipt["contractAddress"])
