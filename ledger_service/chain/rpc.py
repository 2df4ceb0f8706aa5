"""Raw JSON-RPC calls on a web3 provider, with the node's answers turned into typed errors.

Hot paths (sending, receipts, indexing) use this instead of web3's wrappers, which add formatting
and retries per call. ``ChainUnavailable`` when the node does not answer, ``RpcError`` when it
answers with an error object.
"""

from __future__ import annotations

from typing import Any, cast

import requests
from web3.types import RPCEndpoint

from ledger_service.core.errors import ChainUnavailable, TransactionFailed


def _hex_data(data: Any) -> bytes | None:
    """Revert bytes from the shapes nodes use: ``"0x.."``, ``{"data": "0x.."}``, ``"Reverted 0x.."``."""
    if isinstance(data, dict):
        data = data.get("data")
    if not isinstance(data, str):
        return None
    text = data.strip()
    if text.lower().startswith("reverted "):
        text = text.split(" ", 1)[1]
    if not text.startswith(("0x", "0X")):
        return None
    try:
        return bytes.fromhex(text[2:])
    except ValueError:
        return None


class RpcError(TransactionFailed):
    """The node answered a call with a JSON-RPC error that no more specific error covers.

    ``rpc_code``, ``rpc_message`` and ``rpc_data`` are the error object's fields, kept whole.
    """

    code = "rpc_error"

    def __init__(self, method: str, error: dict[str, Any]) -> None:
        self.method = method
        self.rpc_code = error.get("code")
        self.rpc_message = str(error.get("message", ""))
        self.rpc_data = error.get("data")
        super().__init__(
            f"the node refused {method}: {self.rpc_message} (code {self.rpc_code})",
            method=method,
            rpc_code=self.rpc_code,
        )

    def is_revert(self) -> bool:
        return self.rpc_code == 3 or "revert" in self.rpc_message.lower()

    def revert_bytes(self) -> bytes | None:
        return _hex_data(self.rpc_data)


class RawRpc:
    """One provider's raw calls and batches."""

    def __init__(self, provider: Any) -> None:
        self._provider = provider

    def endpoint(self) -> str:
        return str(getattr(self._provider, "endpoint_uri", self._provider))

    def call(self, method: str, params: list[Any]) -> Any:
        """One raw JSON-RPC call: the result, ``RpcError`` for an error object, ``ChainUnavailable``."""
        try:
            response = self._provider.make_request(RPCEndpoint(method), params)
        except (requests.RequestException, ConnectionError, TimeoutError) as e:
            raise ChainUnavailable(
                f"the chain node at {self.endpoint()} does not answer ({method}): {e}", method=method
            ) from e
        if "error" in response:
            raise RpcError(method, cast(dict[str, Any], response["error"]))
        return response.get("result")

    def batch(self, calls: list[tuple[str, list[Any]]]) -> list[Any]:
        """Several calls in one HTTP round-trip; results in call order, ``RpcError`` on the first error."""
        if len(calls) == 1:
            return [self.call(*calls[0])]
        batch = getattr(self._provider, "make_batch_request", None)
        if batch is None:
            return [self.call(m, p) for m, p in calls]
        try:
            responses = batch([(RPCEndpoint(m), p) for m, p in calls])
        except NotImplementedError:
            return [self.call(m, p) for m, p in calls]
        except (requests.RequestException, ConnectionError, TimeoutError) as e:
            raise ChainUnavailable(f"the chain node at {self.endpoint()} does not answer: {e}") from e
        if isinstance(responses, dict):  # the node refused the whole batch
            raise RpcError(calls[0][0], cast(dict[str, Any], responses.get("error", {})))
        results = []
        for (method, _), response in zip(calls, responses, strict=True):
            if "error" in response:
                raise RpcError(method, cast(dict[str, Any], response["error"]))
            results.append(response.get("result"))
        return results
