"""TimeBank behaviour on a real anvil: attestation (signatures bound to community, chain and
contract), exactly-once records, redemption, donation, grants, proxies, rewards and deductions,
roles, pauses, the AS-10 / AS-11 stories and the minutes identity over random operations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from web3.types import RPCEndpoint

from ledger_service.core.errors import ContractRejected
from ledger_service.timebank.encoding import POOL
from ledger_service.timebank.signing import (
    Domain,
    ServiceRecord,
    donation_digest,
    record_digest,
    redemption_digest,
)
from tests.contracts.harness import ROLE_NAMES, Community, Ledger, role_id
from tests.contracts.timebank_harness import (
    NO_DEADLINE,
    TimeBankHarness,
    b16,
    deploy_timebank,
    item_id,
    person,
)

Z = b"\0" * 32
ANY = "0x" + "11" * 20
ANY2 = "0x" + "22" * 20


@pytest.fixture(scope="session")
def timebank_address(ledger: Ledger) -> str:
    """The deployment's TimeBank (wired as a revenue sink), deployed with the other contracts."""
    return ledger.address("TimeBank")


@pytest.fixture
def tb(fresh: Ledger, timebank_address: str) -> TimeBankHarness:
    return TimeBankHarness(fresh, timebank_address)


def _addr(v: str) -> str:
    return v.lower()


# -- roles ------------------------------------------------------------------------------------------

_REC = (1, ANY, ANY2, b16("repairs"), 60, 20454)
RESTRICTED: dict[str, tuple[str, Callable[[Community], tuple[Any, ...]]]] = {
    "mintAttested": ("coordinator", lambda c: (c.id, 1, _REC, b"\1" * 65)),
    "mintByCoordinator": ("coordinator", lambda c: (c.id, 1, [_REC])),
    "redeem": ("coordinator", lambda c: (c.id, 1, ANY, Z, 1, 60, 0, NO_DEADLINE, b"\1" * 65)),
    "donate": ("coordinator", lambda c: (c.id, 1, ANY, 60, 0, NO_DEADLINE, b"\1" * 65)),
    "grant": ("coordinator", lambda c: (c.id, 1, ANY, 60)),
    "reward": ("coordinator", lambda c: (c.id, 1, ANY, 60, b16("helper"))),
    "deduct": ("coordinator", lambda c: (c.id, 1, ANY, 60, b16("noise"))),
    "setCatalogItem": ("coordinator", lambda c: (c.id, 1, b"\1" * 32, b16("haircut"), 60, b"\2" * 32, True)),
    "setProxy": ("coordinator", lambda c: (c.id, 1, ANY, ANY2, True)),
    "setElderly": ("coordinator", lambda c: (c.id, 1, ANY, True)),
    "setPaused": ("admin", lambda c: (c.id, True)),
}


@pytest.mark.parametrize("fn", sorted(RESTRICTED))
def test_restrictedFunction_refusesOtherRolesAndOtherCommunities(
    tb: TimeBankHarness, lotus: Community, bamboo: Community, fn: str
) -> None:
    needed, args = RESTRICTED[fn]
    callers = {f"{role} of lotus-garden": lotus.people[role] for role in ROLE_NAMES if role != needed}
    callers[f"{needed} of bamboo-court"] = bamboo.people[needed]
    callers["outsider"] = tb.ledger.outsider
    for who, account in callers.items():
        err = tb.rejects("AccessMissingRole", account, fn, *args(lotus))
        assert err["community"] == "0x" + lotus.id.hex(), who
        assert err["role"] == "0x" + role_id(needed).hex(), who
        assert err["account"] == account.address, who


def test_everyWrite_takesTheNextSequenceNumber_andBatchesConsumeOnePerRecord(
    tb: TimeBankHarness, lotus: Community, bamboo: Community
) -> None:
    v, b = person("v"), person("b")
    assert tb.seq(lotus) == 1
    err = tb.rejects(
        "TimeBankWrongSequence", tb.coordinator(lotus), "reward", lotus.id, 2, v.address, 60, b16("x")
    )
    assert (err["expected"], err["given"]) == (1, 2)
    tb.mint(lotus, [tb.record(i, v.address, b.address) for i in range(1, 6)])
    assert tb.seq(lotus) == 6 and tb.seq(bamboo) == 1
    # a re-sent write (same seq) is refused without any per-entry storage
    tb.rejects("TimeBankWrongSequence", tb.coordinator(lotus), "reward", lotus.id, 5, v.address, 60, b16("x"))
    tb.coord(lotus, "reward", v.address, 60, b16("helper"))
    assert tb.seq(lotus) == 7


# -- attestation ------------------------------------------------------------------------------------


def test_mintAttested_byBeneficiarySignature_mintsOnce(tb: TimeBankHarness, lotus: Community) -> None:
    v, b = person("vol"), person("ben")
    r = tb.record(41, v.address, b.address, 90, "repairs")
    receipt = tb.mint_signed(lotus, r, b)
    [ev] = tb.logs(receipt, "ServiceMinted")
    assert ev["recordRef"] == 41 and ev["amount"] == 90 and ev["bySignature"] is True
    assert _addr(ev["volunteer"]) == _addr(v.address) and _addr(ev["beneficiary"]) == _addr(b.address)
    assert _addr(ev["attester"]) == _addr(b.address) and ev["serviceType"] == b16("repairs")
    assert ev["serviceDate"] == ev["businessDate"] == tb.today()
    assert tb.balance(lotus, v.address) == 90
    assert tb.call("isRecordUsed", lotus.id, 41) == (True,) and tb.call("isRecordUsed", lotus.id, 42) == (
        False,
    )
    # the very same signed record, relayed again under the next sequence number
    sig = tb.sign_record(b, lotus, r)
    err = tb.rejects(
        "TimeBankRecordUsed", tb.coordinator(lotus), "mintAttested", lotus.id, tb.seq(lotus), r.as_abi(), sig
    )
    assert err["recordRef"] == 41
    # and by a coordinator
    tb.rejects(
        "TimeBankRecordUsed",
        tb.coordinator(lotus),
        "mintByCoordinator",
        lotus.id,
        tb.seq(lotus),
        [r.as_abi()],
    )
    assert tb.balance(lotus, v.address) == 90


def test_digests_matchTheContract(tb: TimeBankHarness, lotus: Community) -> None:
    r = tb.record(7, ANY, ANY2, 30)
    assert tb.call("hashServiceRecord", lotus.id, r.as_abi())[0] == record_digest(tb.domain, lotus.id, r)
    assert tb.call("hashRedemption", lotus.id, ANY, b"\3" * 32, 2, 60, 5, 99)[0] == redemption_digest(
        tb.domain, lotus.id, ANY, b"\3" * 32, 2, 60, 5, 99
    )
    assert tb.call("hashDonation", lotus.id, ANY, 60, 5, 99)[0] == donation_digest(
        tb.domain, lotus.id, ANY, 60, 5, 99
    )
    assert _addr(tb.call("POOL")[0]) == _addr(POOL)


def _refused_signature(tb: TimeBankHarness, c: Community, r: ServiceRecord, sig: bytes) -> dict[str, Any]:
    return tb.rejects(
        "TimeBankUnauthorizedSigner", tb.coordinator(c), "mintAttested", c.id, tb.seq(c), r.as_abi(), sig
    )


def test_mintAttested_refusesForgedSignature(tb: TimeBankHarness, lotus: Community) -> None:
    v, b, mallory = person("v"), person("b"), person("mallory")
    r = tb.record(1, v.address, b.address)
    err = _refused_signature(tb, lotus, r, tb.sign_record(mallory, lotus, r))
    assert err["holder"] == b.address and err["signer"] == mallory.address
    # garbage that does not recover at all
    assert _refused_signature(tb, lotus, r, b"\1" * 65)["signer"] == "0x" + "00" * 20
    # a genuine signature over a different record (minutes raised after signing)
    sig = tb.sign_record(b, lotus, r)
    inflated = ServiceRecord(r.record_ref, r.volunteer, r.beneficiary, r.service_type, 90, r.service_date)
    assert _refused_signature(tb, lotus, inflated, sig)["signer"] != b.address
    assert tb.balance(lotus, v.address) == 0


def test_mintAttested_refusesSelfReportedHours(tb: TimeBankHarness, lotus: Community) -> None:
    """AS-10: unattested hours mint nothing: a volunteer's own signature is no attestation."""
    v, b = person("v"), person("b")
    r = tb.record(1, v.address, b.address)
    assert _refused_signature(tb, lotus, r, tb.sign_record(v, lotus, r))["signer"] == v.address
    # volunteer == beneficiary, signed by that person
    me = tb.record(2, v.address, v.address)
    sig = tb.sign_record(v, lotus, me)
    err = tb.rejects(
        "TimeBankSelfAttestation",
        tb.coordinator(lotus),
        "mintAttested",
        lotus.id,
        tb.seq(lotus),
        me.as_abi(),
        sig,
    )
    assert err["volunteer"] == v.address
    # a coordinator cannot attest their own service, nor anyone a self-service
    coord = tb.coordinator(lotus)
    tb.rejects(
        "TimeBankSelfAttestation",
        coord,
        "mintByCoordinator",
        lotus.id,
        1,
        [tb.record(3, coord.address, b.address).as_abi()],
    )
    tb.rejects("TimeBankSelfAttestation", coord, "mintByCoordinator", lotus.id, 1, [me.as_abi()])
    # the beneficiary's proxy cannot attest for the beneficiary if the proxy is the volunteer
    tb.coord(lotus, "setProxy", b.address, v.address, True)
    r3 = tb.record(4, v.address, b.address)
    sig = tb.sign_record(v, lotus, r3)
    tb.rejects("TimeBankSelfAttestation", coord, "mintAttested", lotus.id, tb.seq(lotus), r3.as_abi(), sig)
    assert tb.totals(lotus)["minted"] == 0


def test_mintAttested_refusesOtherCommunitySignature(
    tb: TimeBankHarness, lotus: Community, bamboo: Community
) -> None:
    v, b = person("v"), person("b")
    r = tb.record(1, v.address, b.address)
    sig_for_bamboo = tb.sign_record(b, bamboo, r)
    _refused_signature(tb, lotus, r, sig_for_bamboo)
    tb.send(tb.coordinator(bamboo), "mintAttested", bamboo.id, tb.seq(bamboo), r.as_abi(), sig_for_bamboo)
    assert tb.balance(bamboo, v.address) == 60 and tb.balance(lotus, v.address) == 0
    # record numbers are per community: lotus's #1 is still free
    assert tb.call("isRecordUsed", lotus.id, 1) == (False,)


def test_mintAttested_refusesOtherChainOrContractSignature(tb: TimeBankHarness, lotus: Community) -> None:
    v, b = person("v"), person("b")
    r = tb.record(1, v.address, b.address)
    other_chain = Domain(tb.domain.chain_id + 1, tb.address)
    _refused_signature(tb, lotus, r, tb.sign_record(b, lotus, r, other_chain))
    other_contract = Domain(tb.domain.chain_id, "0x" + "ab" * 20)
    _refused_signature(tb, lotus, r, tb.sign_record(b, lotus, r, other_contract))
    # a second, real TimeBank on the same chain: what it accepts, this one refuses
    second = TimeBankHarness(tb.ledger, deploy_timebank(tb.ledger))
    signed_there = second.sign_record(b, lotus, r)
    second.send(tb.coordinator(lotus), "mintAttested", lotus.id, second.seq(lotus), r.as_abi(), signed_there)
    _refused_signature(tb, lotus, r, signed_there)
    tb.mint_signed(lotus, r, b)  # the right domain is accepted


def test_mint_refusesBadRecords(tb: TimeBankHarness, lotus: Community) -> None:
    v, b = person("v"), person("b")
    coord = tb.coordinator(lotus)

    def bad(error: str, *records: ServiceRecord) -> dict[str, Any]:
        return tb.rejects(
            error, coord, "mintByCoordinator", lotus.id, tb.seq(lotus), [r.as_abi() for r in records]
        )

    assert bad("TimeBankAmountOutOfRange", tb.record(1, v.address, b.address, 0))["max"] == 1440
    bad("TimeBankAmountOutOfRange", tb.record(1, v.address, b.address, 1441))
    err = bad("TimeBankFutureDate", tb.record(1, v.address, b.address, 60, day=tb.today() + 1))
    assert err["today"] == tb.today()
    bad("TimeBankMissingCode", ServiceRecord(1, v.address, b.address, b"\0" * 16, 60, tb.today()))
    bad("TimeBankInvalidHolder", tb.record(1, POOL, b.address))
    bad("TimeBankInvalidHolder", tb.record(1, "0x" + "00" * 20, b.address))
    # the same number twice in one batch
    bad("TimeBankRecordUsed", tb.record(9, v.address, b.address), tb.record(9, v.address, b.address))
    # record numbers stay below 2^53 (statements are JSON); the largest one is taken
    assert bad("TimeBankRecordRefOutOfRange", tb.record(2**53, v.address, b.address))["recordRef"] == 2**53
    tb.mint(lotus, [tb.record(2**53 - 1, v.address, b.address)])
    tb.rejects("TimeBankMalformedBatch", coord, "mintByCoordinator", lotus.id, 1, [])
    big = [tb.record(i, v.address, b.address).as_abi() for i in range(1025)]
    tb.rejects("TimeBankMalformedBatch", coord, "mintByCoordinator", lotus.id, 1, big)
    # a record dated in the past keeps its service date and is recorded today
    past = tb.record(300, v.address, b.address, 60, day=tb.today() - 30)
    [ev] = tb.logs(tb.mint(lotus, [past]), "ServiceMinted")
    assert ev["serviceDate"] == tb.today() - 30 and ev["businessDate"] == tb.today()


# -- redemption, donation, grants, proxies ------------------------------------------------------------


def _funded(tb: TimeBankHarness, c: Community, holder: str, minutes: int, first_ref: int = 1) -> None:
    helped = person("someone-helped")
    records, ref = [], first_ref
    while minutes > 0:
        m = min(minutes, 1440)
        records.append(tb.record(ref, holder, helped.address, m))
        minutes -= m
        ref += 1
    tb.mint(c, records)


def test_redeem_burnsAgainstCatalog_andRefusesOverRedemption(tb: TimeBankHarness, lotus: Community) -> None:
    v = person("v")
    _funded(tb, lotus, v.address, 200)
    haircut = item_id("haircut")
    tb.set_item(lotus, haircut, "haircut", 60, "lotus-barber")
    receipt = tb.redeem(lotus, v.address, v, haircut, 3, 180)
    [ev] = tb.logs(receipt, "Redeemed")
    assert ev["amount"] == 180 and ev["quantity"] == 3 and ev["category"] == b16("haircut")
    assert ev["provider"] == b"lotus-barber".ljust(32, b"\0") and ev["proxy"] == "0x" + "00" * 20
    assert tb.balance(lotus, v.address) == 20 and tb.nonce(lotus, v.address) == 1
    # over-redemption
    nonce = tb.nonce(lotus, v.address)
    sig = tb.sign_redemption(v, lotus, v.address, haircut, 1, 60, nonce)
    err = tb.rejects(
        "TimeBankInsufficientBalance",
        tb.coordinator(lotus),
        "redeem",
        lotus.id,
        tb.seq(lotus),
        v.address,
        haircut,
        1,
        60,
        nonce,
        NO_DEADLINE,
        sig,
    )
    assert (err["balance"], err["amount"]) == (20, 60)
    assert tb.totals(lotus) == {"minted": 200, "rewarded": 0, "redeemed": 180, "deducted": 0}


def test_redeem_refusesReplayPriceChangesExpiryAndUnknownItems(
    tb: TimeBankHarness, lotus: Community, bamboo: Community
) -> None:
    v = person("v")
    _funded(tb, lotus, v.address, 600)
    coord = tb.coordinator(lotus)
    haircut = item_id("haircut")
    tb.set_item(lotus, haircut, "haircut", 60)
    sig = tb.sign_redemption(v, lotus, v.address, haircut, 1, 60, 0)
    args = (v.address, haircut, 1, 60, 0, NO_DEADLINE, sig)
    tb.send(coord, "redeem", lotus.id, tb.seq(lotus), *args)
    # replay of the same signed redemption
    err = tb.rejects("TimeBankWrongNonce", coord, "redeem", lotus.id, tb.seq(lotus), *args)
    assert (err["expected"], err["given"]) == (1, 0)
    # the price went up after the holder signed
    sig = tb.sign_redemption(v, lotus, v.address, haircut, 1, 60, 1)
    tb.set_item(lotus, haircut, "haircut", 90)
    err = tb.rejects(
        "TimeBankPriceMismatch",
        coord,
        "redeem",
        lotus.id,
        tb.seq(lotus),
        v.address,
        haircut,
        1,
        60,
        1,
        NO_DEADLINE,
        sig,
    )
    assert (err["expected"], err["given"]) == (90, 60)
    # expired
    past = tb.w3.eth.get_block("latest")["timestamp"] - 1
    sig = tb.sign_redemption(v, lotus, v.address, haircut, 1, 90, 1, deadline=past)
    tb.rejects(
        "TimeBankSignatureExpired",
        coord,
        "redeem",
        lotus.id,
        tb.seq(lotus),
        v.address,
        haircut,
        1,
        90,
        1,
        past,
        sig,
    )
    # unknown and withdrawn items
    sig = tb.sign_redemption(v, lotus, v.address, item_id("nope"), 1, 90, 1)
    tb.rejects(
        "TimeBankUnknownItem",
        coord,
        "redeem",
        lotus.id,
        tb.seq(lotus),
        v.address,
        item_id("nope"),
        1,
        90,
        1,
        NO_DEADLINE,
        sig,
    )
    tb.send(coord, "setCatalogItem", lotus.id, tb.seq(lotus), haircut, b16("haircut"), 90, b"\2" * 32, False)
    sig = tb.sign_redemption(v, lotus, v.address, haircut, 1, 90, 1)
    tb.rejects(
        "TimeBankUnknownItem",
        coord,
        "redeem",
        lotus.id,
        tb.seq(lotus),
        v.address,
        haircut,
        1,
        90,
        1,
        NO_DEADLINE,
        sig,
    )
    # a redemption signed for another community
    tb.send(coord, "setCatalogItem", lotus.id, tb.seq(lotus), haircut, b16("haircut"), 90, b"\2" * 32, True)
    sig = tb.sign_redemption(v, bamboo, v.address, haircut, 1, 90, 1)
    tb.rejects(
        "TimeBankUnauthorizedSigner",
        coord,
        "redeem",
        lotus.id,
        tb.seq(lotus),
        v.address,
        haircut,
        1,
        90,
        1,
        NO_DEADLINE,
        sig,
    )
    assert tb.balance(lotus, v.address) == 540


def test_catalog_refusesIncompleteItems_andHealthCheckShowsOnlyItsCategory(
    tb: TimeBankHarness, lotus: Community
) -> None:
    coord = tb.coordinator(lotus)
    for item, cat, price, prov in (
        (Z, b16("haircut"), 60, b"\1" * 32),
        (b"\1" * 32, b"\0" * 16, 60, b"\1" * 32),
        (b"\1" * 32, b16("haircut"), 0, b"\1" * 32),
        (b"\1" * 32, b16("haircut"), 60, Z),
    ):
        tb.rejects("TimeBankInvalidItem", coord, "setCatalogItem", lotus.id, 1, item, cat, price, prov, True)
    v = person("v")
    _funded(tb, lotus, v.address, 120)
    check = item_id("opaque-7f3a")  # an opaque id: nothing about the check-up itself
    tb.set_item(lotus, check, "health_check", 120, "street-clinic")
    [ev] = tb.logs(tb.redeem(lotus, v.address, v, check, 1, 120), "Redeemed")
    assert ev["category"] == b16("health_check") and ev["item"] == check
    assert tb.call("catalogItem", lotus.id, check) == (
        b16("health_check"),
        120,
        b"street-clinic".ljust(32, b"\0"),
        True,
    )


def test_deduct_neverBelowZero_andNeedsAReason(tb: TimeBankHarness, lotus: Community) -> None:
    v = person("v")
    coord = tb.coordinator(lotus)
    _funded(tb, lotus, v.address, 100)
    err = tb.rejects(
        "TimeBankInsufficientBalance",
        coord,
        "deduct",
        lotus.id,
        tb.seq(lotus),
        v.address,
        101,
        b16("noise_violation"),
    )
    assert (err["balance"], err["amount"]) == (100, 101)
    tb.rejects("TimeBankMissingCode", coord, "deduct", lotus.id, tb.seq(lotus), v.address, 10, b"\0" * 16)
    tb.rejects("TimeBankMissingCode", coord, "reward", lotus.id, tb.seq(lotus), v.address, 10, b"\0" * 16)
    tb.rejects("TimeBankInvalidHolder", coord, "deduct", lotus.id, tb.seq(lotus), POOL, 10, b16("x"))
    tb.rejects("TimeBankInvalidHolder", coord, "reward", lotus.id, tb.seq(lotus), POOL, 10, b16("x"))
    tb.rejects(
        "TimeBankAmountOutOfRange", coord, "reward", lotus.id, tb.seq(lotus), v.address, 2**53, b16("x")
    )
    [ev] = tb.logs(tb.coord(lotus, "deduct", v.address, 100, b16("noise_violation")), "Deducted")
    assert (
        ev["reason"] == b16("noise_violation")
        and ev["amount"] == 100
        and _addr(ev["by"]) == _addr(coord.address)
    )
    assert tb.balance(lotus, v.address) == 0


def test_proxy_mustBeRegistered_andBothPseudonymsAreRecorded(tb: TimeBankHarness, lotus: Community) -> None:
    principal, proxy = person("principal"), person("proxy")
    _funded(tb, lotus, principal.address, 120)
    tb.set_item(lotus, item_id("repair"), "repairs", 60)
    coord = tb.coordinator(lotus)
    sig = tb.sign_redemption(proxy, lotus, principal.address, item_id("repair"), 1, 60, 0)
    args = (principal.address, item_id("repair"), 1, 60, 0, NO_DEADLINE, sig)
    err = tb.rejects("TimeBankUnauthorizedSigner", coord, "redeem", lotus.id, tb.seq(lotus), *args)
    assert err["signer"] == proxy.address and err["holder"] == principal.address
    dsig = tb.sign_donation(proxy, lotus, principal.address, 60, 0)
    tb.rejects(
        "TimeBankUnauthorizedSigner",
        coord,
        "donate",
        lotus.id,
        tb.seq(lotus),
        principal.address,
        60,
        0,
        NO_DEADLINE,
        dsig,
    )
    [reg] = tb.logs(tb.coord(lotus, "setProxy", principal.address, proxy.address, True), "ProxySet")
    assert _addr(reg["principal"]) == _addr(principal.address) and _addr(reg["proxy"]) == _addr(proxy.address)
    [ev] = tb.logs(tb.send(coord, "redeem", lotus.id, tb.seq(lotus), *args), "Redeemed")
    assert _addr(ev["holder"]) == _addr(principal.address) and _addr(ev["proxy"]) == _addr(proxy.address)
    # removed: refused again
    tb.coord(lotus, "setProxy", principal.address, proxy.address, False)
    sig = tb.sign_redemption(proxy, lotus, principal.address, item_id("repair"), 1, 60, 1)
    tb.rejects(
        "TimeBankUnauthorizedSigner",
        coord,
        "redeem",
        lotus.id,
        tb.seq(lotus),
        principal.address,
        item_id("repair"),
        1,
        60,
        1,
        NO_DEADLINE,
        sig,
    )
    tb.rejects(
        "TimeBankInvalidHolder",
        coord,
        "setProxy",
        lotus.id,
        tb.seq(lotus),
        principal.address,
        principal.address,
        True,
    )


def test_grant_onlyToRegisteredElderly_andNeverBeyondThePool(tb: TimeBankHarness, lotus: Community) -> None:
    v, elder = person("v"), person("elder")
    _funded(tb, lotus, v.address, 300)
    [don] = tb.logs(tb.donate(lotus, v, 200), "Donated")
    assert don["amount"] == 200 and tb.pool(lotus) == 200 and tb.balance(lotus, v.address) == 100
    err = tb.rejects(
        "TimeBankNotElderly", tb.coordinator(lotus), "grant", lotus.id, tb.seq(lotus), elder.address, 60
    )
    assert err["resident"] == elder.address
    tb.rejects("TimeBankNotElderly", tb.coordinator(lotus), "grant", lotus.id, tb.seq(lotus), v.address, 60)
    tb.coord(lotus, "setElderly", elder.address, True)
    assert tb.call("isElderly", lotus.id, elder.address) == (True,)
    err = tb.rejects(
        "TimeBankInsufficientBalance",
        tb.coordinator(lotus),
        "grant",
        lotus.id,
        tb.seq(lotus),
        elder.address,
        201,
    )
    assert err["holder"] == POOL
    tb.coord(lotus, "grant", elder.address, 200)
    assert tb.pool(lotus) == 0 and tb.balance(lotus, elder.address) == 200
    tb.coord(lotus, "setElderly", elder.address, False)
    tb.rejects(
        "TimeBankNotElderly", tb.coordinator(lotus), "grant", lotus.id, tb.seq(lotus), elder.address, 1
    )


def test_pause_perCommunityAndGlobal(tb: TimeBankHarness, lotus: Community, bamboo: Community) -> None:
    v = person("v")
    tb.send(lotus.people["admin"], "setPaused", lotus.id, True)
    tb.rejects("TimeBankPaused", tb.coordinator(lotus), "reward", lotus.id, 1, v.address, 1, b16("x"))
    tb.coord(bamboo, "reward", v.address, 1, b16("x"))
    tb.send(lotus.people["admin"], "setPaused", lotus.id, False)
    tb.coord(lotus, "reward", v.address, 1, b16("x"))
    tb.send(tb.ledger.operator, "pause")
    tb.rejects(
        "EnforcedPause", tb.coordinator(bamboo), "reward", bamboo.id, tb.seq(bamboo), v.address, 1, b16("x")
    )
    tb.rejects("OwnableUnauthorizedAccount", lotus.people["admin"], "unpause")


# -- acceptance stories -------------------------------------------------------------------------------


def test_AS10_150Volunteers_8000Hours_redemptionRate85_0Then84_9(
    tb: TimeBankHarness, lotus: Community
) -> None:
    """REQUIREMENTS AS-10: 480,000 minutes minted in batches, 408,000 redeemed: 85.0 %; a reward of
    600 and a deduction of 300 minutes: 6,800 / 8,010 = 84.9 %; over-redemption refused."""
    volunteers = [person(f"as10-v{i}") for i in range(150)]
    helped = [person(f"as10-b{j}").address for j in range(40)]
    # 3,000 records of 160 minutes (20 per volunteer), in three coordinator batches of 1,000
    records = [tb.record(k + 1, volunteers[k % 150].address, helped[k % 40], 160) for k in range(3000)]
    gas = []
    for start in range(0, 3000, 1000):
        receipt = tb.mint(lotus, records[start : start + 1000])
        gas.append(int(receipt["gasUsed"], 16))
        assert len(tb.logs(receipt, "ServiceMinted")) == 1000
    print(f"\nAS-10 gas per minted record in batches of 1,000: {[g // 1000 for g in gas]}")  # noqa: T201
    assert all(g // 1000 < 15_000 for g in gas)
    assert tb.totals(lotus)["minted"] == 480_000
    haircut = item_id("haircut")
    tb.set_item(lotus, haircut, "haircut", 160, "lotus-barber")
    # every volunteer redeems 17 haircuts (2,720 minutes): 408,000 minutes, signed by each holder
    seq = tb.seq(lotus)
    calls = []
    for i, v in enumerate(volunteers):
        sig = tb.sign_redemption(v, lotus, v.address, haircut, 17, 2720, 0)
        calls.append(("redeem", (lotus.id, seq + i, v.address, haircut, 17, 2720, 0, NO_DEADLINE, sig)))
    receipts = tb.send_many(tb.coordinator(lotus), calls, gas=200_000)
    assert len({r["blockNumber"] for r in receipts}) == 1
    t = tb.totals(lotus)
    assert t["redeemed"] == 408_000
    assert f"{100 * t['redeemed'] / (t['minted'] + t['rewarded']):.1f}" == "85.0"
    tb.coord(lotus, "reward", volunteers[0].address, 600, b16("event_helper"))
    tb.coord(lotus, "deduct", volunteers[1].address, 300, b16("noise_violation"))
    t = tb.totals(lotus)
    assert (t["minted"] + t["rewarded"], t["redeemed"]) == (480_600, 408_000)
    assert f"{100 * t['redeemed'] / (t['minted'] + t['rewarded']):.1f}" == "84.9"
    # over-redemption: volunteer 2 holds 480 minutes, 4 haircuts cost 640
    v2 = volunteers[2]
    sig = tb.sign_redemption(v2, lotus, v2.address, haircut, 4, 640, 1)
    err = tb.rejects(
        "TimeBankInsufficientBalance",
        tb.coordinator(lotus),
        "redeem",
        lotus.id,
        tb.seq(lotus),
        v2.address,
        haircut,
        4,
        640,
        1,
        NO_DEADLINE,
        sig,
    )
    assert (err["balance"], err["amount"]) == (480, 640)
    held = sum(tb.balance(lotus, v.address) for v in volunteers) + tb.pool(lotus)
    assert held == t["minted"] + t["rewarded"] - t["redeemed"] - t["deducted"] == 72_300


def test_AS11_poolGrantToElderlyResident_redeemedByHerProxy(tb: TimeBankHarness, lotus: Community) -> None:
    """REQUIREMENTS AS-11: volunteers donate 600 minutes; a coordinator grants them to an elderly
    resident without a smartphone (no key at all); her registered proxy redeems them for grocery
    delivery; the events carry both pseudonyms."""
    donors = [person(f"as11-v{i}") for i in range(3)]
    for i, d in enumerate(donors):
        _funded(tb, lotus, d.address, 300, first_ref=100 + i)
        tb.donate(lotus, d, 200)
    assert tb.pool(lotus) == 600
    resident = "0x" + person("as11-elder").address[2:].lower()  # only a pseudonym; nobody signs as her
    proxy = person("as11-proxy")
    tb.coord(lotus, "setElderly", resident, True)
    tb.coord(lotus, "setProxy", resident, proxy.address, True)
    [granted] = tb.logs(tb.coord(lotus, "grant", resident, 600), "Granted")
    assert _addr(granted["resident"]) == resident and granted["amount"] == 600
    grocery = item_id("grocery-delivery")
    tb.set_item(lotus, grocery, "housekeeping", 60, "neighbourhood-shop")
    [ev] = tb.logs(tb.redeem(lotus, resident, proxy, grocery, 10, 600), "Redeemed")
    assert _addr(ev["holder"]) == resident and _addr(ev["proxy"]) == _addr(proxy.address)
    assert ev["amount"] == 600 and ev["category"] == b16("housekeeping")
    assert tb.pool(lotus) == 0 and tb.balance(lotus, resident) == 0
    assert tb.totals(lotus) == {"minted": 900, "rewarded": 0, "redeemed": 600, "deducted": 0}


# -- the minutes identity, property-based -------------------------------------------------------------


def test_minutesIdentity_holdsOverRandomOperations(ledger: Ledger, timebank_address: str) -> None:
    """minted + rewarded == held (pool included) + redeemed + deducted after every operation,
    balances match a ghost model, and every refusal is the one the model predicts."""
    tb = TimeBankHarness(ledger, timebank_address)
    c = ledger.communities["lotus-garden"]
    volunteers = [person(f"prop-v{i}") for i in range(3)]
    elder, proxy, helped = person("prop-elder"), person("prop-proxy"), person("prop-b")
    holders = [*volunteers, elder]
    item = item_id("prop-item")
    price = 30

    class Books(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.snap = ledger.w3.provider.make_request(RPCEndpoint("evm_snapshot"), [])["result"]
            tb.set_item(c, item, "goods", price)
            tb.coord(c, "setElderly", elder.address, True)
            tb.coord(c, "setProxy", elder.address, proxy.address, True)
            self.bal = {h.address: 0 for h in holders}
            self.pool = 0
            self.t = {"minted": 0, "rewarded": 0, "redeemed": 0, "deducted": 0}
            self.ref = 0

        def teardown(self) -> None:
            ledger.w3.provider.make_request(RPCEndpoint("evm_revert"), [self.snap])
            for a in (tb.coordinator(c), ledger.operator):
                ledger.sender.resync(a.address)

        def _expect(self, error: str | None, fn: Callable[[], Any]) -> None:
            if error is None:
                fn()
                return
            with pytest.raises(ContractRejected) as e:
                fn()
            assert e.value.error_name == error

        @rule(v=st.integers(0, 2), minutes=st.lists(st.integers(1, 1440), min_size=1, max_size=4))
        def mint(self, v: int, minutes: list[int]) -> None:
            records = []
            for m in minutes:
                self.ref += 1
                records.append(tb.record(self.ref, volunteers[v].address, helped.address, m))
            tb.mint(c, records)
            self.bal[volunteers[v].address] += sum(minutes)
            self.t["minted"] += sum(minutes)

        @rule(h=st.integers(0, 3), amount=st.integers(1, 500))
        def reward(self, h: int, amount: int) -> None:
            tb.coord(c, "reward", holders[h].address, amount, b16("helper"))
            self.bal[holders[h].address] += amount
            self.t["rewarded"] += amount

        @rule(h=st.integers(0, 3), amount=st.integers(1, 2000))
        def deduct(self, h: int, amount: int) -> None:
            a = holders[h].address
            ok = amount <= self.bal[a]
            self._expect(
                None if ok else "TimeBankInsufficientBalance",
                lambda: tb.coord(c, "deduct", a, amount, b16("noise_violation")),
            )
            if ok:
                self.bal[a] -= amount
                self.t["deducted"] += amount

        @rule(v=st.integers(0, 2), amount=st.integers(1, 1500))
        def donate(self, v: int, amount: int) -> None:
            a = volunteers[v].address
            ok = amount <= self.bal[a]
            self._expect(
                None if ok else "TimeBankInsufficientBalance", lambda: tb.donate(c, volunteers[v], amount)
            )
            if ok:
                self.bal[a] -= amount
                self.pool += amount

        @rule(amount=st.integers(1, 1500), to_volunteer=st.booleans())
        def grant(self, amount: int, to_volunteer: bool) -> None:
            to = volunteers[0].address if to_volunteer else elder.address
            error = (
                "TimeBankNotElderly"
                if to_volunteer
                else None
                if amount <= self.pool
                else "TimeBankInsufficientBalance"
            )
            self._expect(error, lambda: tb.coord(c, "grant", to, amount))
            if error is None:
                self.pool -= amount
                self.bal[to] += amount

        @rule(h=st.integers(0, 3), quantity=st.integers(1, 40))
        def redeem(self, h: int, quantity: int) -> None:
            a = holders[h].address
            signer = proxy if holders[h] is elder else holders[h]
            ok = quantity * price <= self.bal[a]
            self._expect(
                None if ok else "TimeBankInsufficientBalance",
                lambda: tb.redeem(c, a, signer, item, quantity, quantity * price),
            )
            if ok:
                self.bal[a] -= quantity * price
                self.t["redeemed"] += quantity * price

        @invariant()
        def books_balance(self) -> None:
            on_chain = {a: tb.balance(c, a) for a in self.bal}
            assert on_chain == self.bal and tb.pool(c) == self.pool
            t = tb.totals(c)
            assert t == self.t
            assert (
                t["minted"] + t["rewarded"]
                == sum(on_chain.values()) + self.pool + t["redeemed"] + t["deducted"]
            )

    run_state_machine_as_test(
        Books,
        settings=settings(
            max_examples=12,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        ),
    )


# -- gas ------------------------------------------------------------------------------------------------

#: Upper bounds (gas, cancun, via-IR, 10,000 runs); the measured values are printed with -s.
GAS_BOUNDS = {
    "mintAttested (new volunteer, new bitmap word)": 110_000,  # two 0->n slots
    "mintAttested (known volunteer)": 75_000,
    "redeem": 75_000,
    "donate (to an empty pool)": 88_000,  # the pool's slot 0->n
    "grant": 56_000,
    "reward": 58_000,
    "deduct": 59_000,
}


def test_gas_snapshot(tb: TimeBankHarness, lotus: Community) -> None:
    v, b, elder = person("gas-v"), person("gas-b"), person("gas-elder")
    item = item_id("gas-item")
    tb.set_item(lotus, item, "haircut", 60)
    tb.coord(lotus, "setElderly", elder.address, True)
    tb.coord(lotus, "reward", person("gas-other").address, 1, b16("warm"))  # community slots non-zero
    used: dict[str, int] = {}

    def gas(name: str, receipt: dict[str, Any]) -> None:
        used[name] = int(receipt["gasUsed"], 16)

    gas(
        "mintAttested (new volunteer, new bitmap word)",
        tb.mint_signed(lotus, tb.record(1, v.address, b.address, 600), b),
    )
    gas("mintAttested (known volunteer)", tb.mint_signed(lotus, tb.record(2, v.address, b.address, 600), b))
    gas("redeem", tb.redeem(lotus, v.address, v, item, 2, 120))
    gas("donate (to an empty pool)", tb.donate(lotus, v, 300))
    gas("grant", tb.coord(lotus, "grant", elder.address, 300))
    gas("reward", tb.coord(lotus, "reward", v.address, 60, b16("event_helper")))
    gas("deduct", tb.coord(lotus, "deduct", v.address, 30, b16("noise_violation")))
    print("\nTimeBank gas:", used)  # noqa: T201
    for name, bound in GAS_BOUNDS.items():
        assert used[name] <= bound, f"{name}: {used[name]:,} gas > {bound:,}"
