"""The sender against a real anvil: nonces, grouping into blocks, fee modes, reverts."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount
from eth_typing import HexStr
from eth_utils import to_checksum_address
from web3 import Web3

from ledger_service.chain.node import AnvilNode, connect, free_port
from ledger_service.chain.sender import (
    NonceTooLow,
    ReceiptTimeout,
    RevertedCall,
    Sender,
    revert_data,
)
from ledger_service.core.errors import ChainUnavailable, TransactionFailed
from tests.chain import ECHO_REVERT, deploy

RECIPIENT = to_checksum_address("0x000000000000000000000000000000000000beef")
# A custom error as a contract would raise it: selector of `Nope(uint256)`-like, one argument.
CUSTOM_ERROR = bytes.fromhex("deadbeef") + (7).to_bytes(32, "big")


@pytest.fixture
def sender(w3: Web3, chain_snapshot: str) -> Sender:
    return Sender(w3, auto_mine=True)


@pytest.fixture(scope="module")
def zero_gas_node() -> Iterator[AnvilNode]:
    """A second node priced like a permissioned network: gas price 0, base fee 0."""
    with AnvilNode(gas_price=0, base_fee=0) as node:
        yield node


def test_many_transfers_are_grouped_into_few_blocks(
    w3: Web3, sender: Sender, dev_accounts: list[LocalAccount]
) -> None:
    account = dev_accounts[1]
    start_block = w3.eth.block_number
    start_balance = w3.eth.get_balance(RECIPIENT)
    signed = [sender.build_and_sign(account, RECIPIENT, b"", value=i + 1) for i in range(50)]
    first = signed[0].nonce
    assert [s.nonce for s in signed] == list(range(first, first + 50))  # local nonces, no gaps
    for s in signed:
        sender.send_raw(s)
    receipts = sender.wait([s.hash for s in signed])
    assert all(r["status"] == "0x1" for r in receipts)
    assert [r["transactionHash"] for r in receipts] == [s.hash for s in signed]
    assert w3.eth.block_number - start_block <= 2
    assert sender.blocks_mined <= 2
    assert w3.eth.get_balance(RECIPIENT) - start_balance == sum(range(1, 51))


def test_concurrent_waiters_share_one_block(
    w3: Web3, sender: Sender, dev_accounts: list[LocalAccount]
) -> None:
    start_block = w3.eth.block_number
    sent = threading.Barrier(8)
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            account = dev_accounts[2 + i % 2]  # two keys, four threads each: shared nonce counters
            signed = sender.send(account, RECIPIENT, value=1)
            sent.wait(timeout=10)  # everyone's transaction is in the pool before anyone waits
            [receipt] = sender.wait([signed.hash])
            results[i] = receipt["blockNumber"]
        except BaseException as e:  # surfaced below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results.values())) == 1
    assert w3.eth.block_number == start_block + 1
    assert sender.blocks_mined == 1


def test_a_waiter_whose_receipt_is_there_does_not_mine(
    w3: Web3, sender: Sender, dev_accounts: list[LocalAccount]
) -> None:
    signed = sender.send(dev_accounts[1], RECIPIENT, value=1)
    sender.wait([signed.hash])
    block = w3.eth.block_number
    assert sender.wait([signed.hash])[0]["transactionHash"] == signed.hash
    assert w3.eth.block_number == block and sender.blocks_mined == 1


@pytest.mark.parametrize(("mode", "tx_type"), [("legacy", "0x0"), ("eip1559", "0x2"), ("auto", "0x2")])
def test_gas_modes(
    w3: Web3, chain_snapshot: str, dev_accounts: list[LocalAccount], mode: str, tx_type: str
) -> None:
    sender = Sender(w3, gas_mode=mode, auto_mine=True)  # type: ignore[arg-type]
    signed = sender.send(dev_accounts[1], RECIPIENT, value=1)
    [receipt] = sender.wait([signed.hash])
    assert receipt["status"] == "0x1" and receipt["type"] == tx_type
    tx = w3.eth.get_transaction(HexStr(signed.hash))
    if tx_type == "0x2":
        assert tx["maxFeePerGas"] > 0 and tx["maxPriorityFeePerGas"] > 0
    else:
        assert tx["gasPrice"] > 0


@pytest.mark.parametrize("mode", ["zero", "auto"])
def test_zero_gas_price_network(
    zero_gas_node: AnvilNode, dev_accounts: list[LocalAccount], mode: str
) -> None:
    w3 = connect(zero_gas_node.rpc_url)
    sender = Sender(w3, gas_mode=mode, auto_mine=True)  # type: ignore[arg-type]
    assert sender.fee_mode in ("zero", "legacy")  # auto picks legacy when the node's price is 0
    account = dev_accounts[4]
    before = w3.eth.get_balance(account.address)
    signed = sender.send(account, RECIPIENT, value=1000)
    [receipt] = sender.wait([signed.hash])
    assert receipt["status"] == "0x1" and receipt["type"] == "0x0"
    assert w3.eth.get_transaction(HexStr(signed.hash))["gasPrice"] == 0
    assert before - w3.eth.get_balance(account.address) == 1000  # only the value: gas was free


def test_estimate_of_a_reverting_call_carries_the_revert_data(
    sender: Sender, dev_accounts: list[LocalAccount]
) -> None:
    account = dev_accounts[1]
    reverter = deploy(sender, account, ECHO_REVERT)
    nonce = sender.next_nonce(account.address)
    with pytest.raises(RevertedCall) as info:
        sender.build_and_sign(account, reverter, CUSTOM_ERROR)
    assert info.value.revert_data == CUSTOM_ERROR
    assert revert_data(info.value) == CUSTOM_ERROR
    assert isinstance(info.value, TransactionFailed)
    assert info.value.to_dict()["data"]["revert_data"] == "0x" + CUSTOM_ERROR.hex()
    assert sender.next_nonce(account.address) == nonce  # no nonce spent on a refused estimate


def test_mined_revert_is_explained_by_replay(sender: Sender, dev_accounts: list[LocalAccount]) -> None:
    account = dev_accounts[1]
    reverter = deploy(sender, account, ECHO_REVERT)
    signed = sender.send(account, reverter, CUSTOM_ERROR, gas=60_000)  # explicit gas: no estimate
    [receipt] = sender.wait([signed.hash])
    assert receipt["status"] == "0x0"
    assert sender.replay_revert_data(signed.hash) == CUSTOM_ERROR
    bare = sender.send(account, reverter, b"", gas=60_000)  # revert() with no data
    sender.wait([bare.hash])
    assert sender.replay_revert_data(bare.hash) == b""


def test_web3_custom_error_bytes_are_extracted(
    w3: Web3, sender: Sender, dev_accounts: list[LocalAccount]
) -> None:
    reverter = deploy(sender, dev_accounts[1], ECHO_REVERT)
    with pytest.raises(Exception) as info:
        w3.eth.call({"to": reverter, "data": CUSTOM_ERROR})
    assert revert_data(info.value) == CUSTOM_ERROR


def test_resend_is_idempotent(sender: Sender, dev_accounts: list[LocalAccount]) -> None:
    signed = sender.build_and_sign(dev_accounts[1], RECIPIENT, b"", value=1)
    assert sender.send_raw(signed) == signed.hash
    assert sender.send_raw(signed) == signed.hash  # already in the pool
    sender.wait([signed.hash])
    assert sender.send_raw(signed) == signed.hash  # already mined


def test_nonce_resync_after_an_outside_transaction(
    w3: Web3, sender: Sender, dev_accounts: list[LocalAccount]
) -> None:
    account = dev_accounts[5]
    sender.wait([sender.send(account, RECIPIENT, value=1).hash])
    outside = Sender(w3, auto_mine=True)  # another process using the same key
    outside.wait([outside.send(account, RECIPIENT, value=2).hash])

    stale = sender.build_and_sign(account, RECIPIENT, b"", value=3)
    with pytest.raises(NonceTooLow):
        sender.send_raw(stale)
    assert sender.resync(account.address) == stale.nonce + 1
    fresh = sender.send(account, RECIPIENT, value=3)
    assert fresh.nonce == stale.nonce + 1
    assert sender.wait([fresh.hash])[0]["status"] == "0x1"


def test_wait_times_out_without_mining(
    w3: Web3, chain_snapshot: str, dev_accounts: list[LocalAccount]
) -> None:
    sender = Sender(w3, auto_mine=False)
    signed = sender.send(dev_accounts[1], RECIPIENT, value=1)
    with pytest.raises(ReceiptTimeout) as info:
        sender.wait([signed.hash], timeout=0.05)
    assert info.value.data["missing"] == [signed.hash]
    sender.mine()
    assert sender.wait([signed.hash], timeout=1)[0]["status"] == "0x1"


def test_node_down_is_chain_unavailable() -> None:
    sender = Sender(connect(f"http://127.0.0.1:{free_port()}", retries=1), auto_mine=True)
    with pytest.raises(ChainUnavailable):
        _ = sender.chain_id
    with pytest.raises(ChainUnavailable):
        sender.wait(["0x" + "00" * 32], timeout=1)


def test_an_unminable_transaction_makes_no_empty_blocks(
    w3: Web3, sender: Sender, dev_accounts: list[LocalAccount]
) -> None:
    account = dev_accounts[6]
    nonce = w3.eth.get_transaction_count(account.address, "pending")
    tx: dict[str, Any] = {"chainId": sender.chain_id, "nonce": nonce + 5, "to": RECIPIENT, "gas": 21_000}
    gap = account.sign_transaction(tx | sender.fee_fields())
    w3.eth.send_raw_transaction(gap.raw_transaction)  # queued behind a nonce gap: never minable
    block = w3.eth.block_number
    with pytest.raises(ReceiptTimeout):
        sender.wait([gap.hash.to_0x_hex()], timeout=0.2)
    assert w3.eth.block_number == block and sender.blocks_mined == 0
