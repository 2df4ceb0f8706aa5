"""Canonical JSON: the bytes every statement hash and Merkle leaf depends on."""

from __future__ import annotations

import hashlib
import json
import math
from collections import OrderedDict
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ledger_service.statements.canonical import (
    MAX_SAFE_INTEGER,
    CanonicalJSONError,
    canonical_bytes,
    sha256_hex,
    statement_hash,
)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER)
    | st.text()
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5),
    max_leaves=30,
)


def test_keys_sorted_and_no_whitespace() -> None:
    assert canonical_bytes({"b": 1, "a": [True, None, "x"], "c": {}}) == b'{"a":[true,null,"x"],"b":1,"c":{}}'


def test_keys_sorted_by_utf16_code_units_not_code_points() -> None:
    # RFC 8785 3.2.3: U+1F600 (surrogates D83D DE00) sorts before U+FB01 in UTF-16, after it in UTF-8.
    assert canonical_bytes({"\ufb01": 1, "\U0001f600": 2}) == '{"\U0001f600":2,"\ufb01":1}'.encode()


def test_non_ascii_is_written_as_utf8_not_escaped() -> None:
    assert canonical_bytes({"source": "电梯广告"}) == '{"source":"电梯广告"}'.encode()
    assert canonical_bytes("\u0007\n") == b'"\\u0007\\n"'


def test_insertion_order_does_not_matter() -> None:
    assert canonical_bytes({"a": 1, "b": 2}) == canonical_bytes(OrderedDict([("b", 2), ("a", 1)]))


def test_tuples_are_arrays() -> None:
    assert canonical_bytes({"x": (1, 2)}) == b'{"x":[1,2]}'


@pytest.mark.parametrize("value", [0.0, 1.5, 100.0, -0.0, math.inf, math.nan])
def test_floats_are_refused_with_the_path(value: float) -> None:
    with pytest.raises(ValueError, match=r"float .* not allowed.*fen.* at \$\.entries\[1\]\.amount"):
        canonical_bytes({"entries": [{"amount": 1}, {"amount": value}]})


@pytest.mark.parametrize("value", [MAX_SAFE_INTEGER + 1, -MAX_SAFE_INTEGER - 1, 2**64, -(2**255)])
def test_integers_beyond_2_53_are_refused(value: int) -> None:
    with pytest.raises(CanonicalJSONError, match=r"2\*\*53.* at \$\.total"):
        canonical_bytes({"total": value})


@pytest.mark.parametrize("value", [MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER, 0, -1])
def test_integers_inside_the_safe_range_are_kept_exactly(value: int) -> None:
    assert canonical_bytes(value) == str(value).encode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({1: "x"}, "key 1 is not a string"),
        ({"d": date(2026, 3, 1)}, "date is not a JSON value"),
        ({"d": Decimal("1")}, "Decimal is not a JSON value"),
        ({"h": b"\x00"}, "bytes is not a JSON value"),
        ({"s": {1, 2}}, "set is not a JSON value"),
    ],
)
def test_non_json_values_are_refused(value: Any, message: str) -> None:
    with pytest.raises(CanonicalJSONError, match=message):
        canonical_bytes(value)


def test_lone_surrogates_are_refused() -> None:
    with pytest.raises(ValueError):
        canonical_bytes({"s": "\ud800"})


def test_absurd_nesting_is_a_value_error_not_a_recursion_error() -> None:
    value: Any = 0
    for _ in range(10_000):
        value = [value]
    with pytest.raises(CanonicalJSONError, match="nested deeper"):
        canonical_bytes(value)


@given(json_values)
@example({"amount": MAX_SAFE_INTEGER, "corrects": None, "kind": "income"})
def test_canonical_bytes_are_json_that_round_trips(value: Any) -> None:
    raw = canonical_bytes(value)
    assert json.loads(raw) == json.loads(json.dumps(value))
    assert canonical_bytes(json.loads(raw)) == raw  # idempotent: re-canonicalising changes nothing


@given(st.dictionaries(st.text(), json_scalars, max_size=8), st.randoms())
def test_key_order_never_changes_the_bytes(value: dict[str, Any], rnd: Any) -> None:
    items = list(value.items())
    rnd.shuffle(items)
    assert canonical_bytes(dict(items)) == canonical_bytes(value)


def test_sha256_hex_is_lowercase_without_prefix() -> None:
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert sha256_hex(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_sha256_hex_refuses_text() -> None:
    with pytest.raises(TypeError, match="encode"):
        sha256_hex("abc")  # type: ignore[arg-type]


def test_statement_hash_is_sha256_of_canonical_json() -> None:
    statement = {"format": "civic-ledger/statement@1", "income": {"total": 12000000}, "currency": "CNY"}
    expected = hashlib.sha256(
        b'{"currency":"CNY","format":"civic-ledger/statement@1","income":{"total":12000000}}'
    ).hexdigest()
    assert statement_hash(statement) == expected
    assert statement_hash(dict(reversed(list(statement.items())))) == expected


def test_statement_hash_changes_with_any_amount() -> None:
    a = {"income": {"total": 12000000}}
    b = {"income": {"total": 12000001}}
    assert statement_hash(a) != statement_hash(b)


def test_statement_hash_refuses_non_objects() -> None:
    with pytest.raises(TypeError):
        statement_hash([1, 2])  # type: ignore[arg-type]
