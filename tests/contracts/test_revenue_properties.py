"""Property-based tests of RevenueLedger against the real deployed contract on anvil.

The rounding rule through the pure ``splitAmount``, posted batches credit exactly what their
events say, a stateful machine that keeps the books (income = balances + spent) across policies,
spends, reversals, reallocations and deposits, and the 1,024-entry batch limit.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from ledger_service.revenue.encoding import SOURCES, Income, day_number, pack_batch, split, unpack_parts
from tests.contracts.harness import Community, Ledger, at, b16, b32

D = dt.date
DAY = dt.timedelta(days=1)
Z = b"\0" * 32
MAX = 2**53 - 1
OC = "owners_common"
#: Bucket slugs the generated policies draw from (8: a policy may use them all).
POOL = ("maintenance", "welfare", "operations", "culture", "mutual_aid", "greening", "security", "parks")
#: The smaller set the state machine uses, so buckets are reused across policy versions.
SLUGS = POOL[:5]


# -- strategies -------------------------------------------------------------------------------------


def bps_from_cuts(cuts: list[int]) -> list[int]:
    """Distinct cut points in 1..9,999 cut 10,000 bps into len(cuts) + 1 shares, each >= 1."""
    points = [0, *sorted(cuts), 10_000]
    return [b - a for a, b in zip(points, points[1:], strict=False)]


def bps_lists(max_buckets: int = 8) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(1, 9_999), unique=True, max_size=max_buckets - 1).map(bps_from_cuts)


@st.composite
def policies(draw: st.DrawFn, pool: tuple[str, ...]) -> tuple[list[str], list[int]]:
    bps = draw(bps_lists(len(pool)))
    slugs = list(draw(st.permutations(pool)))[: len(bps)]
    return slugs, bps


amounts = st.one_of(st.just(MAX), st.integers(1, MAX), st.integers(1, 10_000))


# -- helpers ----------------------------------------------------------------------------------------


@contextmanager
def rolled_back(ledger: Ledger) -> Iterator[None]:
    """Run a block on a chain snapshot and revert it afterwards (as conftest's ``fresh`` does)."""
    snap = ledger.w3.provider.make_request("evm_snapshot", [])["result"]
    try:
        yield
    finally:
        ledger.w3.provider.make_request("evm_revert", [snap])
        people = (p for c in ledger.communities.values() for p in c.people.values())
        for account in {ledger.operator, ledger.outsider, *people}:
            ledger.sender.resync(account.address)


def padded(parts: list[int]) -> list[int]:
    return parts + [0] * (8 - len(parts))


def policy_at(versions: list[tuple[D, list[str], list[int]]], date: D) -> tuple[int, list[str], list[int]]:
    """The latest version in force on ``date`` (0: none, everything to owners_common)."""
    for v in range(len(versions), 0, -1):
        effective, slugs, bps = versions[v - 1]
        if effective <= date:
            return v, slugs, bps
    return 0, [OC], [10_000]


# -- 1. the rounding rule -----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(amount=st.integers(1, MAX), bps=bps_lists())
@example(amount=0, bps=[10_000])
@example(amount=0, bps=[3333, 3333, 3334])
@example(amount=1, bps=[10_000])
@example(amount=1, bps=[1250] * 8)
@example(amount=2, bps=[5000, 5000])
@example(amount=3, bps=[1, 9999])
@example(amount=7, bps=[3333, 3333, 3334])
@example(amount=7, bps=[9993, 1, 1, 1, 1, 1, 1, 1])
@example(amount=MAX, bps=[10_000])
@example(amount=MAX, bps=[9993, 1, 1, 1, 1, 1, 1, 1])
@example(amount=MAX, bps=[1, 1, 1, 1, 1, 1, 1, 9993])
@example(amount=MAX, bps=[3333, 3333, 3334])
def test_splitAmount_neverLosesOrInventsAFen(ledger: Ledger, amount: int, bps: list[int]) -> None:
    (raw,) = ledger.call("RevenueLedger", "splitAmount", amount, bps)
    parts, n = list(raw), len(bps)
    assert len(parts) == 8
    assert sum(parts) == amount  # amount 0 (not checked by the pure function) splits into zeros
    floors = [amount * b // 10_000 for b in bps]
    assert parts[1:n] == floors[1:]
    assert parts[0] == floors[0] + (amount - sum(floors))
    assert 0 <= parts[0] - floors[0] < n  # the remainder is fewer fen than there are buckets
    assert parts[n:] == [0] * (8 - n)
    assert parts[:n] == split(amount, bps)


# -- 2. a posted batch credits exactly what its events say ---------------------------------------------


@pytest.mark.parametrize("two_versions", [False, True], ids=["one-version", "two-versions"])
@settings(max_examples=13, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_postedIncome_creditsExactlyTheEventSplit(
    ledger: Ledger, two_versions: bool, data: st.DataObject
) -> None:
    with rolled_back(ledger):
        c = ledger.communities["lotus-garden"]
        acct = c.people["accountant"]
        d0 = ledger.today()
        # v1 may start a few days later: income dated before it lands in owners_common (version 0)
        first = d0 + data.draw(st.integers(0, 3), label="v1 starts after today") * DAY
        versions = [(first, *data.draw(policies(POOL), label="v1"))]
        if two_versions:
            second = first + data.draw(st.integers(1, 20), label="v2 starts after v1") * DAY
            versions.append((second, *data.draw(policies(POOL), label="v2")))
        for effective, slugs, bps in versions:
            ledger.activate(c, slugs, bps, effective)
        today = versions[-1][0] + data.draw(st.integers(0, 5), label="today after last version") * DAY
        if today != d0:
            ledger.set_time(at(today))

        span = (today - (d0 - 3 * DAY)).days
        entries = data.draw(
            st.lists(
                st.tuples(amounts, st.integers(0, span), st.sampled_from(SOURCES)),
                min_size=2 if two_versions else 1,
                max_size=30,
            ),
            label="incomes (amount, days back, source)",
        )
        incomes = [
            Income(src, amount, today - back * DAY, f"R{i}") for i, (amount, back, src) in enumerate(entries)
        ]
        if two_versions:  # dated on both sides of v2's effective date, in one batch
            incomes[0] = Income(incomes[0].source, incomes[0].amount, versions[1][0] - DAY, "R0")
            incomes[-1] = Income(incomes[-1].source, incomes[-1].amount, versions[1][0], "Rlast")

        seq = ledger.next_seq(c)
        receipt = ledger.send(acct, "RevenueLedger", "postIncomes", c.id, seq, pack_batch(incomes))
        events = ledger.logs(receipt, "RevenueLedger", "IncomeRecorded")
        assert [e["seq"] for e in events] == list(range(seq, seq + len(incomes)))
        assert ledger.next_seq(c) == seq + len(incomes)

        totals: Counter[str] = Counter()
        for income, event in zip(incomes, events, strict=True):
            parts = unpack_parts(event["parts"])
            assert event["amount"] == income.amount
            assert event["businessDate"] == day_number(income.business_date)
            assert sum(parts) == event["amount"]
            version, slugs, bps = policy_at(versions, income.business_date)
            assert event["policyVersion"] == version
            assert parts == padded(split(income.amount, bps))
            for slug, part in zip(slugs, parts, strict=False):
                totals[slug] += part
        if two_versions:
            assert {e["policyVersion"] for e in events} >= {1, 2}

        for slug in {OC, *versions[0][1], *versions[-1][1]}:
            assert ledger.balance(c, slug) == totals[slug], slug
        assert sum(totals.values()) == sum(i.amount for i in incomes)


# -- 3. the books always balance ----------------------------------------------------------------------


def test_ledgerInvariant_incomeEqualsBalancesPlusSpent(ledger: Ledger) -> None:
    """A model of one community's books, checked against the chain after every step.

    Ghosts: income net of reversed incomes, spent net of reversed spends, every bucket's balance,
    deposits held, and the sequence numbers consumed. A refused write must change none of them.
    """
    led = ledger

    class Books(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.snap = led.w3.provider.make_request("evm_snapshot", [])["result"]
            self.c: Community = led.communities["lotus-garden"]
            self.today = led.today()
            assert led.next_seq(self.c) == 1
            self.consumed = 0
            self.versions: list[tuple[D, list[str], list[int]]] = []
            self.balances: dict[str, int] = {OC: 0}  # every bucket the community has
            self.incomes: dict[int, tuple[int, D]] = {}  # seq -> (amount, business date)
            self.reversed_incomes: set[int] = set()
            self.spends: dict[int, tuple[str, int]] = {}  # seq -> (bucket, amount)
            self.reversed_spends: set[int] = set()
            self.deposits: dict[int, int] = {}  # seq -> remaining
            self.income_total = 0
            self.spent_total = 0
            self.last_income_date: D | None = None  # a new policy must start after it

        def teardown(self) -> None:
            led.w3.provider.make_request("evm_revert", [self.snap])
            people = (p for c in led.communities.values() for p in c.people.values())
            for account in {led.operator, led.outsider, *people}:
                led.sender.resync(account.address)

        # -- plumbing --

        @property
        def seq(self) -> int:
            return 1 + self.consumed

        def write(
            self, expected: str | None, fn: str, *args: object, who: str = "accountant", count: int = 1
        ) -> dict:
            """Send ``fn(community, seq, *args)``; expect it refused with ``expected`` unless None."""
            account = self.c.people[who]
            # Policies reach the ledger through Governance once it is wired.
            contract = "Governance" if fn == "activatePolicy" else "RevenueLedger"
            if expected is not None:
                return led.rejects(expected, account, contract, fn, self.c.id, self.seq, *args)
            receipt = led.send(account, contract, fn, self.c.id, self.seq, *args)
            self.consumed += count
            return receipt

        def credit(self, slugs: list[str], parts: list[int]) -> None:
            for slug, part in zip(slugs, parts, strict=False):
                self.balances[slug] += part

        def chain_balances(self) -> dict[str, int]:
            return {slug: led.balance(self.c, slug) for slug in self.balances}

        def record_income(self, event: dict, amount: int, date: D) -> None:
            version, slugs, bps = policy_at(self.versions, date)
            parts = split(amount, bps)
            assert (event["amount"], event["policyVersion"]) == (amount, version)
            assert unpack_parts(event["parts"]) == padded(parts)
            self.incomes[event["seq"]] = (amount, date)
            self.income_total += amount
            if self.last_income_date is None or date > self.last_income_date:
                self.last_income_date = date
            self.credit(slugs, parts)

        def reallocated(self, receipt: dict) -> None:
            version, slugs, bps = policy_at(self.versions, self.today)
            held, parts = self.balances[OC], split(self.balances[OC], bps)
            [moved] = led.logs(receipt, "RevenueLedger", "HeldReallocated")
            assert (moved["amount"], moved["policyVersion"]) == (held, version)
            assert unpack_parts(moved["parts"]) == padded(parts)
            self.balances[OC] = 0
            self.credit(slugs, parts)

        # -- rules --

        @initialize(
            held=st.lists(st.tuples(amounts, st.integers(0, 10)), max_size=3),
            policy=st.one_of(policies(SLUGS), policies(SLUGS), policies(SLUGS), st.none()),
        )
        def start(self, held: list[tuple[int, int]], policy: tuple[list[str], list[int]] | None) -> None:
            """Some income held before any policy, then (usually) a first policy, effective today unless
            income dated today was already posted (then tomorrow)."""
            for amount, back in held:
                self._post_income(amount, back, "stall_rental")
            if policy is not None:
                self._activate(*policy, 1 if any(back == 0 for _, back in held) else 0)

        @rule(policy=policies(SLUGS), later=st.one_of(st.just(0), st.just(0), st.integers(1, 5)))
        def activate_policy(self, policy: tuple[list[str], list[int]], later: int) -> None:
            self._activate(*policy, later)

        def _activate(self, slugs: list[str], bps: list[int], later: int) -> None:
            effective = self.today + later * DAY
            earliest = max([self.today, *(v[0] for v in self.versions)])
            if self.last_income_date is not None:
                earliest = max(earliest, self.last_income_date + DAY)
            expected = "RevenueInvalidEffectiveDate" if effective < earliest else None
            receipt = self.write(
                expected,
                "activatePolicy",
                [b32(s) for s in slugs],
                bps,
                day_number(effective),
                b"\1" * 32,
                who="committee",
            )
            if expected is not None:
                return
            self.versions.append((effective, slugs, bps))
            for slug in slugs:
                self.balances.setdefault(slug, 0)
            [activated] = led.logs(receipt, "RevenueLedger", "PolicyActivated")
            assert activated["version"] == len(self.versions)
            if effective == self.today and self.balances[OC] > 0:
                self.reallocated(receipt)
            else:
                assert not led.logs(receipt, "RevenueLedger", "HeldReallocated")

        @rule(amount=amounts, back=st.integers(0, 10), source=st.sampled_from(SOURCES))
        def post_income(self, amount: int, back: int, source: str) -> None:
            self._post_income(amount, back, source)

        def _post_income(self, amount: int, back: int, source: str) -> None:
            date = self.today - back * DAY
            receipt = self.write(
                None, "postIncome", b16(source), amount, day_number(date), b32("INV"), b"\2" * 32
            )
            [event] = led.logs(receipt, "RevenueLedger", "IncomeRecorded")
            self.record_income(event, amount, date)

        @rule(entries=st.lists(st.tuples(amounts, st.integers(0, 10)), min_size=1, max_size=20))
        def post_batch(self, entries: list[tuple[int, int]]) -> None:
            incomes = [
                Income("parking", amount, self.today - back * DAY, f"B{i}")
                for i, (amount, back) in enumerate(entries)
            ]
            first = self.seq
            receipt = self.write(None, "postIncomes", pack_batch(incomes), count=len(incomes))
            events = led.logs(receipt, "RevenueLedger", "IncomeRecorded")
            assert [e["seq"] for e in events] == list(range(first, first + len(incomes)))
            for income, event in zip(incomes, events, strict=True):
                self.record_income(event, income.amount, income.business_date)

        @rule(data=st.data())
        def spend(self, data: st.DataObject) -> None:
            """Any bucket, any amount: mostly refused (locked, unknown, more than the balance)."""
            known = sorted(s for s in self.balances if s != OC)
            buckets = [st.just(OC), st.sampled_from(SLUGS)]  # locked, or maybe not a bucket yet
            if known:
                buckets = [st.sampled_from(known)] * 2 + buckets
            bucket = data.draw(st.one_of(*buckets), label="bucket")
            balance = self.balances.get(bucket, 0)
            choices = [st.integers(1, MAX)]
            if balance > 0:
                choices += [st.just(min(balance, MAX)), st.just(min(balance + 1, MAX))]
            self._spend(bucket, data.draw(st.one_of(*choices), label="amount"))

        @precondition(lambda self: any(b > 0 for s, b in self.balances.items() if s != OC))
        @rule(data=st.data())
        def spend_within_balance(self, data: st.DataObject) -> None:
            funded = sorted(s for s, b in self.balances.items() if s != OC and b > 0)
            bucket = data.draw(st.sampled_from(funded), label="bucket")
            self._spend(bucket, data.draw(st.integers(1, min(self.balances[bucket], MAX)), label="amount"))

        def _spend(self, bucket: str, amount: int) -> None:
            balance = self.balances.get(bucket, 0)
            if bucket not in self.balances:
                expected: str | None = "RevenueUnknownBucket"
            elif bucket == OC:
                expected = "RevenueOwnersCommonLocked"
            elif amount > balance:
                expected = "RevenueInsufficientBalance"
            else:
                expected = None
            today = day_number(self.today)
            result = self.write(expected, "spend", b32(bucket), amount, today, b32("PAY"), b"\3" * 32)
            if expected == "RevenueInsufficientBalance":
                assert (result["balance"], result["amount"]) == (balance, amount)
            if expected is None:
                [spent] = led.logs(result, "RevenueLedger", "Spent")
                self.spends[spent["seq"]] = (bucket, amount)
                self.balances[bucket] -= amount
                self.spent_total += amount

        @precondition(lambda self: self.incomes)
        @rule(data=st.data())
        def reverse_income(self, data: st.DataObject) -> None:
            original = data.draw(st.sampled_from(sorted(self.incomes)), label="income seq")
            amount, date = self.incomes[original]
            # The contract keeps nothing per income: it re-splits the restated amount with the policy
            # in force on the original date *now* (see test_reverseIncome_afterASameDayPolicy below).
            version, slugs, bps = policy_at(self.versions, date)
            parts = split(amount, bps)
            if original in self.reversed_incomes:
                expected: str | None = "RevenueAlreadyReversed"
            elif any(part > self.balances[slug] for slug, part in zip(slugs, parts, strict=False)):
                expected = "RevenueInsufficientBalance"  # its buckets were spent or reallocated
            else:
                expected = None
            result = self.write(
                expected,
                "reverseIncome",
                original,
                amount,
                day_number(date),
                day_number(self.today),
                b32("duplicate"),
            )
            if expected is None:
                [event] = led.logs(result, "RevenueLedger", "IncomeReversed")
                assert event["originalSeq"] == original
                assert (event["amount"], event["policyVersion"]) == (amount, version)
                assert unpack_parts(event["parts"]) == padded(parts)
                self.credit(slugs, [-p for p in parts])
                self.reversed_incomes.add(original)
                self.income_total -= amount

        @precondition(lambda self: self.spends)
        @rule(data=st.data())
        def reverse_spend(self, data: st.DataObject) -> None:
            original = data.draw(st.sampled_from(sorted(self.spends)), label="spend seq")
            bucket, amount = self.spends[original]
            expected = "RevenueAlreadyReversed" if original in self.reversed_spends else None
            self.write(
                expected, "reverseSpend", original, b32(bucket), amount, day_number(self.today), b32("undo")
            )
            if expected is None:
                self.balances[bucket] += amount
                self.reversed_spends.add(original)
                self.spent_total -= amount

        @precondition(lambda self: self.balances[OC] > 0)
        @rule()
        def reallocate_held(self) -> None:
            if policy_at(self.versions, self.today)[0] == 0:
                expected: str | None = "RevenueNoPolicyInForce"
            elif self.balances[OC] == 0:
                expected = "RevenueNothingHeld"
            else:
                expected = None
            result = self.write(expected, "reallocateHeld")
            if expected is None:
                self.reallocated(result)

        @rule(amount=amounts)
        def receive_deposit(self, amount: int) -> None:
            before = self.chain_balances()
            receipt = self.write(
                None, "receiveDeposit", amount, day_number(self.today), b32("payer"), b32("DEP"), Z
            )
            [event] = led.logs(receipt, "RevenueLedger", "DepositReceived")
            self.deposits[event["seq"]] = amount
            assert self.chain_balances() == before  # a deposit is a liability, never income

        @precondition(lambda self: self.deposits)
        @rule(data=st.data())
        def return_deposit(self, data: st.DataObject) -> None:
            deposit = data.draw(st.sampled_from(sorted(self.deposits)), label="deposit seq")
            remaining = self.deposits[deposit]
            choices = [st.just(min(remaining + 1, MAX))]
            if remaining > 0:
                choices += [st.integers(1, remaining), st.just(remaining)]
            amount = data.draw(st.one_of(*choices), label="amount")
            expected = "RevenueDepositInsufficient" if amount > remaining else None
            before = self.chain_balances()
            self.write(expected, "returnDeposit", deposit, amount, day_number(self.today), b32("RET"), Z)
            if expected is None:
                self.deposits[deposit] -= amount
            assert self.chain_balances() == before

        @rule(days=st.integers(1, 40))
        def advance_time(self, days: int) -> None:
            self.today += days * DAY
            led.set_time(at(self.today))
            assert led.today() == self.today

        # -- the invariant --

        @invariant()
        def books_balance(self) -> None:
            chain = self.chain_balances()
            assert self.income_total == sum(chain.values()) + self.spent_total
            assert chain == self.balances
            assert led.next_seq(self.c) == 1 + self.consumed
            assert led.call("RevenueLedger", "depositsHeld", self.c.id) == (sum(self.deposits.values()),)

    run_state_machine_as_test(
        Books, settings=settings(max_examples=15, stateful_step_count=20, deadline=None)
    )


# -- 4. the batch limit -------------------------------------------------------------------------------


def test_batchOf1025_isRefused_andOf1024_isAccepted(fresh: Ledger, lotus: Community) -> None:
    today = fresh.today()
    buckets, bps = ["maintenance", "welfare", "operations"], [6000, 3000, 1000]
    fresh.activate(lotus, buckets, bps, today)
    acct, seq = lotus.people["accountant"], fresh.next_seq(lotus)
    # the largest amounts: lanes accumulate 1,024 parts below 2^53 each without carrying
    incomes = [Income("parking", MAX - i, today, f"B{i}") for i in range(1025)]
    args = fresh.rejects(
        "RevenueMalformedBatch", acct, "RevenueLedger", "postIncomes", lotus.id, seq, pack_batch(incomes)
    )
    assert args["words"] == 3 * 1025
    assert fresh.next_seq(lotus) == seq

    batch = incomes[:1024]
    receipt = fresh.send(
        acct, "RevenueLedger", "postIncomes", lotus.id, seq, pack_batch(batch), gas=29_000_000
    )
    assert int(receipt["gasUsed"], 16) < 15_000_000  # about 7k gas an entry
    events = fresh.logs(receipt, "RevenueLedger", "IncomeRecorded")
    assert [e["seq"] for e in events] == list(range(seq, seq + 1024))
    assert fresh.next_seq(lotus) == seq + 1024
    totals = [sum(split(i.amount, bps)[k] for i in batch) for k in range(3)]
    assert [fresh.balance(lotus, b) for b in buckets] == totals
    assert sum(totals) == sum(i.amount for i in batch)
    assert fresh.balance(lotus, OC) == 0


# -- found while writing these: a same-day policy changes how an earlier income is reversed ----------


def test_policyCannotStartOnADayAlreadySplit_soReversalsTakeBackWhatTheIncomeGave(
    fresh: Ledger, lotus: Community
) -> None:
    """NatSpec of reverseIncome: "buckets lose exactly what that income gave them". A policy may
    not start on or before the latest business date already posted, so the policy that split an
    income stays the one in force for its date."""
    today = fresh.today()
    fresh.activate(lotus, ["maintenance"], [10_000], today)
    [income] = fresh.logs(fresh.income(lotus, 1000, today), "RevenueLedger", "IncomeRecorded")
    assert income["policyVersion"] == 1 and fresh.balance(lotus, "maintenance") == 1000
    args = fresh.rejects(
        "RevenueInvalidEffectiveDate",
        lotus.people["committee"],
        "Governance",
        "activatePolicy",
        lotus.id,
        fresh.next_seq(lotus),
        [b32("welfare")],
        [10_000],
        day_number(today),
        b"\0" * 32,
    )
    assert args["earliest"] == day_number(today) + 1
    fresh.activate(lotus, ["welfare"], [10_000], today + dt.timedelta(days=1))
    day = day_number(today)
    receipt = fresh.send(
        lotus.people["accountant"],
        "RevenueLedger",
        "reverseIncome",
        lotus.id,
        fresh.next_seq(lotus),
        income["seq"],
        1000,
        day,
        day,
        b32("duplicate"),
    )
    [reversal] = fresh.logs(receipt, "RevenueLedger", "IncomeReversed")
    assert reversal["policyVersion"] == income["policyVersion"]
    assert fresh.balance(lotus, "maintenance") == 0
