"""The embedded anvil: start, stop, persistence across a clean restart and a crash."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address
from web3 import Web3
from web3.types import RPCEndpoint

from ledger_service.chain import node as node_module
from ledger_service.chain.node import AnvilNode, anvil_binary, connect, free_port
from ledger_service.chain.sender import Sender
from ledger_service.core.errors import ChainUnavailable, ConfigError
from tests.chain import LOG_CALLDATA, LOG_TOPIC, deploy


def rpc(w3: Web3, method: str, *params: object) -> object:
    response = w3.provider.make_request(RPCEndpoint(method), list(params))
    assert "error" not in response, response
    return response["result"]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_binary_is_found() -> None:
    assert anvil_binary().name == "anvil"


def test_missing_binary_says_run_make_setup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(node_module, "ANVIL_RELATIVE_PATH", Path("node_modules/nowhere/anvil"))
    with pytest.raises(ConfigError, match="make setup"):
        anvil_binary()


def test_start_and_stop() -> None:
    with AnvilNode(chain_id=4242, timestamp=1_700_000_000) as node:
        assert node.running and port_open(node.port)
        w3 = connect(node.rpc_url)
        assert w3.eth.chain_id == 4242
        genesis = w3.eth.get_block(0)
        assert genesis["timestamp"] == 1_700_000_000
        # --no-mining: nothing happens on its own, and the Cancun header fields are there.
        assert w3.eth.block_number == 0
        assert "parentBeaconBlockRoot" in genesis and "requestsHash" not in genesis
        log_path = node.log_path
        assert log_path is not None and "Listening on" in log_path.read_text()
    assert not node.running and not port_open(node.port)
    assert not log_path.exists()  # a clean stop of an in-memory node removes its temporary log


def test_start_failure_shows_the_log() -> None:
    node = AnvilNode(extra_args=("--no-such-flag",))
    with pytest.raises(ChainUnavailable, match="unexpected argument '--no-such-flag'"):
        node.start()
    assert not node.running


def test_port_in_use_is_reported() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))  # bound, not listening: connections are refused at once
        port = s.getsockname()[1]
        with pytest.raises(ChainUnavailable, match="(?i)in use"):
            AnvilNode(port).start()


def test_restart_keeps_blocks_balances_and_logs(tmp_path: Path, dev_accounts: list[LocalAccount]) -> None:
    account = dev_accounts[0]
    recipient = to_checksum_address("0x000000000000000000000000000000000000beef")
    node = AnvilNode(free_port(), data_dir=tmp_path / "chain")
    with node:
        w3 = connect(node.rpc_url)
        sender = Sender(w3, auto_mine=True)
        logger = deploy(sender, account, LOG_CALLDATA)
        txs = [sender.send(account, recipient, value=12345), sender.send(account, logger, b"hello")]
        receipts = sender.wait([t.hash for t in txs])
        before = {
            "number": w3.eth.block_number,
            "hashes": [w3.eth.get_block(n)["hash"] for n in range(w3.eth.block_number + 1)],
            "balance": w3.eth.get_balance(recipient),
            "logs": w3.eth.get_logs({"fromBlock": 0, "toBlock": "latest", "topics": [LOG_TOPIC]}),
        }
        mined_at = int(receipts[0]["blockNumber"], 16)
    assert node.state_path is not None and node.state_path.exists()

    with node:  # same port, same data dir
        w3 = connect(node.rpc_url)
        assert w3.eth.block_number == before["number"]
        assert [w3.eth.get_block(n)["hash"] for n in range(before["number"] + 1)] == before["hashes"]
        assert w3.eth.get_balance(recipient) == before["balance"] == 12345
        logs = w3.eth.get_logs({"fromBlock": 0, "toBlock": "latest", "topics": [LOG_TOPIC]})
        assert logs == before["logs"] and bytes(logs[0]["data"]) == b"hello"
        # --preserve-historical-states: state at older blocks is still there after the reload.
        assert w3.eth.get_balance(recipient, block_identifier=mined_at - 1) == 0
        receipt = rpc(w3, "eth_getTransactionReceipt", txs[1].hash)
        assert isinstance(receipt, dict) and receipt["status"] == "0x1"
        # The chain goes on from where it was.
        sender = Sender(w3, auto_mine=True)
        sender.wait([sender.send(account, recipient, value=1).hash])
        assert w3.eth.get_balance(recipient) == 12346


def test_kill_then_restart_comes_back(tmp_path: Path) -> None:
    node = AnvilNode(data_dir=tmp_path / "chain", state_interval=1)
    node.start()
    w3 = connect(node.rpc_url)
    rpc(w3, "evm_mine")
    node.kill()
    assert not node.running
    # What came after the last periodic state write may be lost; the node must come back anyway.
    with node:
        w3 = connect(node.rpc_url)
        assert w3.eth.chain_id == 31337
        assert w3.eth.block_number in (0, 1)
        rpc(w3, "evm_mine")


def test_connect_adds_no_poa_middleware(anvil: AnvilNode) -> None:
    w3 = connect(anvil.rpc_url)
    names = [type(m).__name__ if not isinstance(m, type) else m.__name__ for m in w3.middleware_onion]
    assert not any("POA" in n for n in names)
    assert (
        "extraData"
        in w3.provider.make_request(RPCEndpoint("eth_getBlockByNumber"), ["latest", False])["result"]
    )


def test_restart_aSecondLater_keepsTheGenesisHash(tmp_path: Path) -> None:
    """anvil rebuilds block 0 from --timestamp when it loads state; the node passes the recorded
    genesis timestamp again so a restart does not change the chain's identity (seen in CI)."""
    import time

    hashes = []
    for _ in range(3):
        node = AnvilNode(data_dir=tmp_path, gas_price=0, base_fee=0, accounts=0)
        node.start()
        try:
            w3 = connect(node.rpc_url)
            w3.provider.make_request("evm_mine", [])
            block0, block1 = w3.eth.get_block(0), w3.eth.get_block(1)
            assert block1["parentHash"] == block0["hash"]
            hashes.append(block0["hash"])
        finally:
            node.stop()
        time.sleep(1.1)
    assert len(set(hashes)) == 1
