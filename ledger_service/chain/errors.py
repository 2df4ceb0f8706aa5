"""Contract custom errors decoded into typed, readable service errors.

A revert carries ``selector || abi(args)``; this module finds the error in the committed ABIs,
decodes its arguments, names communities by slug, buckets by their text and dates as ISO dates,
and raises ``ContractRejected`` with a sentence a property accountant can act on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from eth_utils import to_checksum_address

from ledger_service.chain.abi import ErrorAbi, error_table
from ledger_service.core.errors import ContractRejected, TransactionFailed

ROLE_NAMES: dict[bytes, str] = {}


def _init_roles() -> None:
    from eth_utils import keccak

    from ledger_service.core.roles import ROLES

    for role in ROLES:
        ROLE_NAMES[keccak(text=f"civic.role.{role}")] = role


_init_roles()

#: community id (keccak of slug) -> slug; filled by whoever learns slugs (deploy, indexer, CLI).
_COMMUNITY_SLUGS: dict[bytes, str] = {}


def remember_community(slug: str) -> bytes:
    """Record a slug so errors can name its community; returns the community id."""
    from eth_utils import keccak

    cid = keccak(text=slug)
    _COMMUNITY_SLUGS[cid] = slug
    return cid


def community_name(cid: bytes) -> str:
    return _COMMUNITY_SLUGS.get(cid, "0x" + cid.hex())


def text(b: bytes) -> str:
    """A short string stored left-aligned in bytesN (bucket and source slugs)."""
    return b.rstrip(b"\0").decode("utf-8", errors="replace")


def day(n: int) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=int(n))).isoformat()


def _fen(n: int) -> str:
    return f"{n / 100:,.2f}" if n < 2**53 else str(n)


_POLICY_REASONS = {
    1: "it must have 1 to 8 buckets, each with its basis points",
    2: "its basis points must add up to 10,000",
    3: "every bucket must get more than 0 basis points",
    4: "bucket names must be distinct and cannot be owners_common",
    5: "the community would have more than 16 buckets",
}

# name -> (HTTP status, message builder). Arguments arrive decoded; `c` names a community.
Message = Callable[[dict[str, Any]], str]
MESSAGES: dict[str, tuple[int, Message]] = {
    "AccessMissingRole": (
        403,
        lambda a: (
            f"{a['account']} is not {ROLE_NAMES.get(a['role'], 'holder of that role')} "
            f"of community {community_name(a['community'])}"
        ),
    ),
    "AccessUnknownCommunity": (404, lambda a: f"there is no community {community_name(a['community'])}"),
    "AccessCommunityExists": (409, lambda a: f"community {community_name(a['community'])} already exists"),
    "AccessInvalidSlug": (422, lambda a: f"'{a['slug']}' is not a valid slug (a-z, 0-9 and '-', up to 64)"),
    "AccessInvalidUtcOffset": (422, lambda a: f"UTC offset {a['utcOffsetMinutes']} minutes is not valid"),
    "AccessUnknownRole": (422, lambda a: "that role does not exist"),
    "AccessZeroAddress": (422, lambda a: "the zero address cannot hold a role"),
    "RevenueWrongSequence": (
        409,
        lambda a: (
            f"community {community_name(a['community'])} expects write #{a['expected']}, "
            f"this one is #{a['given']}"
        ),
    ),
    "RevenueAmountOutOfRange": (
        422,
        lambda a: f"amount {a['amount']} fen is out of range (more than 0 and less than 2^53 fen)",
    ),
    "RevenuePeriodClosed": (
        409,
        lambda a: (
            f"{day(a['businessDate'])} is in a closed period of community "
            f"{community_name(a['community'])} (closed through {day(a['closedThrough'])}); "
            "post a correction in an open period"
        ),
    ),
    "RevenueFutureDate": (
        422,
        lambda a: (
            f"{day(a['businessDate'])} is in the future for community "
            f"{community_name(a['community'])} (today is {day(a['today'])})"
        ),
    ),
    "RevenueUnknownBucket": (
        404,
        lambda a: f"community {community_name(a['community'])} has no bucket '{text(a['bucket'])}'",
    ),
    "RevenueInsufficientBalance": (
        409,
        lambda a: (
            f"bucket '{text(a['bucket'])}' of community {community_name(a['community'])} holds "
            f"{_fen(a['balance'])} yuan, less than {_fen(a['amount'])}"
        ),
    ),
    "RevenueOwnersCommonLocked": (
        409,
        lambda a: (
            f"nothing can be spent from the owners' common account of community "
            f"{community_name(a['community'])}: it awaits the owners' decision on a policy"
        ),
    ),
    "RevenueInvalidPolicy": (
        422,
        lambda a: f"the policy is not valid: {_POLICY_REASONS.get(a['reason'], 'unknown reason')}",
    ),
    "RevenueInvalidEffectiveDate": (
        422,
        lambda a: (
            f"a policy cannot take effect on {day(a['effectiveDate'])}; "
            f"the earliest allowed date is {day(a['earliest'])}"
        ),
    ),
    "RevenueNoPolicyInForce": (
        409,
        lambda a: f"community {community_name(a['community'])} has no policy in force today",
    ),
    "RevenueNothingHeld": (
        409,
        lambda a: f"community {community_name(a['community'])} holds nothing in the owners' common account",
    ),
    "RevenueUnknownEntry": (
        404,
        lambda a: f"community {community_name(a['community'])} has no such entry #{a['seq']}",
    ),
    "RevenueAlreadyReversed": (409, lambda a: f"entry #{a['seq']} was already reversed"),
    "RevenueCannotReverseReversal": (
        409,
        lambda a: f"entry #{a['seq']} is a reversal and cannot be reversed; post a new entry instead",
    ),
    "RevenueSpendMismatch": (409, lambda a: f"entry #{a['seq']} is not a spend of that bucket and amount"),
    "RevenueDepositInsufficient": (
        409,
        lambda a: (
            f"deposit #{a['depositSeq']} has {_fen(a['remaining'])} yuan left, less than {_fen(a['amount'])}"
        ),
    ),
    "RevenuePaused": (423, lambda a: f"the ledger of community {community_name(a['community'])} is paused"),
    "EnforcedPause": (423, lambda a: "all ledgers are paused by the operator"),
    "ExpectedPause": (409, lambda a: "the ledgers are not paused"),
    "RevenueOnlyGovernance": (403, lambda a: "policies are activated through the governance process"),
    "RevenueOnlyAnchor": (403, lambda a: "only the audit anchor closes periods"),
    "RevenueUnknownSink": (
        422, lambda a: f"{a['sink']} is not a contract this ledger may transfer money to (not registered)"
    ),
    "RevenueStaleStatement": (
        409,
        lambda a: (
            f"the statement covers writes up to #{a['statementSeq']} but community "
            f"{community_name(a['community'])} has #{a['lastSeq']}; rebuild it and close again"
        ),
    ),
    "RevenueMalformedBatch": (
        422,
        lambda a: f"a batch needs whole entries of 3 words, got {a['words']} words",
    ),
    "RevenueBalanceOverflow": (
        409,
        lambda a: (
            f"bucket '{text(a['bucket'])}' of community {community_name(a['community'])} would overflow"
        ),
    ),
    "AuditAlreadyAnchored": (
        409,
        lambda a: f"this period of community {community_name(a['community'])} is already closed",
    ),
    "AuditInvalidPeriod": (
        422,
        lambda a: (
            f"the period {day(a['fromDate'])}..{day(a['toDate'])} cannot be closed "
            f"(it must have ended before today, {day(a['today'])})"
        ),
    ),
    "AuditUnknownBlock": (
        409,
        lambda a: (
            f"block {a['asOfBlock']} is not a recent block of this chain with that hash; "
            "rebuild the statement"
        ),
    ),
    "AuditNotAnchored": (404, lambda a: "that period is not closed"),
    "AuditHashMismatch": (409, lambda a: "the statement hash differs from the anchored one"),
    "AuditAlreadyAttested": (409, lambda a: "this auditor already attested that statement"),
    "OwnableUnauthorizedAccount": (403, lambda a: f"{a['account']} is not the deployment operator"),
}


def register_messages(messages: dict[str, tuple[int, Message]]) -> None:
    """Let a bounded context add readable messages for its contract's errors."""
    MESSAGES.update(messages)


def decode_revert(data: bytes, tables: dict[bytes, ErrorAbi] | None = None) -> ContractRejected | None:
    """Decode revert data into a ``ContractRejected``; ``None`` if it is no known custom error."""
    if len(data) < 4:
        return None
    err = (tables or error_table()).get(bytes(data[:4]))
    if err is None:
        return None
    try:
        args = err.decode(bytes(data[4:]))
    except Exception:  # malformed arguments: still name the error
        args = {}
    types = dict(err.inputs)
    args = {k: (to_checksum_address(v) if types.get(k) == "address" else v) for k, v in args.items()}
    status, build = MESSAGES.get(err.name, (409, lambda a: ""))
    try:
        message = build(args) or err.name
    except KeyError:
        message = err.name
    printable = {k: ("0x" + v.hex() if isinstance(v, bytes) else v) for k, v in args.items()}
    return ContractRejected(message, err.name, printable, status=status)


def raise_for_revert(data: bytes) -> None:
    """Raise the decoded error, or a ``TransactionFailed`` naming the raw data."""
    decoded = decode_revert(data)
    if decoded is not None:
        raise decoded
    raise TransactionFailed(
        f"the transaction was reverted ({'0x' + data.hex() if data else 'no reason given'})"
    )
