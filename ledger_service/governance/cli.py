"""`civic-ledger governance|proposal|approve|vote ...` and `policy enact`: what the community admin,
the property accountant, committee members and the owners' vote counters type.

Committee members sign with their own key: ``approve`` unlocks the member's own keystore file
here, signs the EIP-712 approval and hands only the signature to the service (or prints the
request for a wallet with ``--request`` and relays a wallet's ``--signature``). Registered on the
main CLI by one line at the bottom of ``ledger_service/cli.py``.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from ledger_service.cli import (
    AmountOpt,
    AsOpt,
    EvidenceOpt,
    HomeOpt,
    RefOpt,
    _evidence,
    _service,
    _settings,
    _write,
    app,
    command,
    console,
    format_fen,
    parse_date,
    parse_share,
    parse_yuan,
)
from ledger_service.core.errors import InvalidInput
from ledger_service.governance.rules import type_id
from ledger_service.revenue.cli import policy_app

governance_app = typer.Typer(
    help="The owners' committee: members, approvals needed, thresholds.", no_args_is_help=True
)
proposal_app = typer.Typer(
    help="Proposals: payments, policies and committee changes waiting for approval.", no_args_is_help=True
)
vote_app = typer.Typer(
    help="Owners' votes (PRC Civil Code art. 278): record the counted result.", no_args_is_help=True
)
app.add_typer(governance_app, name="governance")
app.add_typer(proposal_app, name="proposal")
app.add_typer(vote_app, name="vote")

SlugArg = Annotated[str, typer.Argument(help="The community, e.g. lotus-garden.")]
IdArg = Annotated[int, typer.Argument(help="The proposal number (#), as `proposal list` shows it.")]
MembersOpt = Annotated[
    list[str], typer.Option("--member", help="A member's own address (0x…); repeat for each member.")
]
_AREA = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.(\d{1,2}))?$")


def parse_area(text: str, what: str) -> int:
    """``"27,000.00"`` m² → 2700000 (floor area is kept in 0.01 m², as integers)."""
    m = _AREA.match(text.strip())
    if not m:
        raise InvalidInput(f"{what} '{text}' is not an area in m²; write e.g. 27000 or 27000.50")
    return int(m.group(1).replace(",", "")) * 100 + int((m.group(4) or "").ljust(2, "0"))


def _shares(shares: list[str]) -> dict[str, int]:
    buckets: dict[str, int] = {}
    for share in shares:
        name, bps = parse_share(share)
        if name in buckets:
            raise InvalidInput(f"bucket '{name}' is given twice")
        buckets[name] = bps
    return buckets


def _done(message: str) -> None:
    console.print(f"[green]✓[/green] {message}", highlight=False)


# -- committee ------------------------------------------------------------------------------------


@command(governance_app, "committee-setup")
def committee_setup(
    ctx: typer.Context,
    slug: SlugArg,
    members: MembersOpt,
    approvals: Annotated[int, typer.Option("--approvals", help="How many members must approve (M of N).")],
    threshold: Annotated[
        str, typer.Option("--threshold", help="Payments above this many yuan need the committee's approval.")
    ],
    maintenance_bucket: Annotated[
        str, typer.Option("--maintenance-bucket", help="The bucket that is the maintenance fund.")
    ] = "maintenance",
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Set the community's first committee (its admin, once). Later changes need a proposal the
    committee approves (`proposal committee`)."""
    from ledger_service.governance import commands as gov

    fen = 0 if threshold.strip() in ("0", "0.00") else parse_yuan(threshold)
    with _service(ctx, _settings(home)) as svc:
        gov.set_up_committee(
            svc, slug, members, approvals, spend_threshold=fen, maintenance_bucket=maintenance_bucket,
            signer=as_ or f"{slug}:admin",
        )  # fmt: skip
        svc.sync()
    _done(
        f"Committee of {slug}: {approvals} of {len(members)} members approve; payments above "
        f"{format_fen(fen)} yuan and every use of '{maintenance_bucket}' need approval."
    )


@command(governance_app, "member-key")
def member_key(
    keystore: Annotated[Path, typer.Argument(help="Where to write the member's own keystore file.")],
    password: Annotated[
        str,
        typer.Option(
            "--password", prompt=True, hide_input=True, confirmation_prompt=True, help="Its password."
        ),
    ],
) -> None:
    """Make a committee member's own key (for a member without a wallet). The member keeps the
    file and its password; the ledger never sees either, only the address."""
    from ledger_service.governance.commands import new_member_keystore

    address = new_member_keystore(keystore, password)
    _done(f"Member key {address} written to {keystore}. Give the committee this address, never the file.")


@command(governance_app, "committee-change")
def committee_change(
    ctx: typer.Context,
    slug: SlugArg,
    proposal_id: IdArg,
    members: MembersOpt,
    approvals: Annotated[int, typer.Option("--approvals", help="How many members must approve (M of N).")],
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Apply an approved committee change. Approvals of members who leave stop counting at once."""
    from ledger_service.governance import commands as gov

    with _service(ctx, _settings(home)) as svc:
        gov.change_committee(svc, slug, proposal_id, members, approvals, signer=as_ or f"{slug}:admin")
        svc.sync()
    _done(f"Committee of {slug} changed by proposal #{proposal_id}: {approvals} of {len(members)}.")


# -- proposals ------------------------------------------------------------------------------------

DecisionOpt = Annotated[
    str,
    typer.Option(
        "--decision",
        help="Who decides: committee (approval only), or the owners' vote type: ordinary, maintenance_use, "
        "raise_maintenance, rebuild, common_parts, or the community's own type number.",
    ),
]


def _proposed(what: str, body: dict[str, Any]) -> None:
    pid = body.get("proposal_id")
    extra = f"; it needs the owners' vote ({body['decision_type']})" if body.get("decision_type") else ""
    _done(f"{what} proposed as #{pid}{extra}. Committee members approve it with `approve`.")


@command(proposal_app, "spend")
def proposal_spend(
    ctx: typer.Context,
    slug: SlugArg,
    bucket: Annotated[str, typer.Option("--bucket", help="The fund to pay from, e.g. welfare.")],
    amount: AmountOpt,
    ref: RefOpt,
    evidence: EvidenceOpt = None,
    decision: DecisionOpt = "committee",
    notice: Annotated[
        str | None,
        typer.Option(
            "--emergency-notice",
            help="Emergency use of the maintenance fund (art. 281): the public notice (file or text).",
        ),
    ] = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Propose a payment: exactly this bucket, amount, reference and evidence may then be spent
    once approved. The proposer can never approve it."""
    from ledger_service.governance import commands as gov

    fen, proof, notice_hash = parse_yuan(amount), _evidence(evidence), _evidence(notice)
    dtype = type_id(decision)
    body = {
        "bucket": bucket,
        "amount": fen,
        "ref": ref,
        "evidence": proof,
        "decision_type": dtype,
        "notice": notice_hash,
    }
    answer = _write(
        ctx, _settings(home), slug, "accountant", as_, "proposals/spend", body,
        lambda svc, key: {
            "proposal_id": gov.propose_spend(
                svc, slug, bucket, fen, ref, evidence=proof, decision_type=dtype, notice=notice_hash,
                signer=key,
            ),
            "decision_type": dtype,
        },
    )  # fmt: skip
    _proposed(f"Payment of {format_fen(fen)} yuan from {bucket} ({ref})", answer)


@command(proposal_app, "policy")
def proposal_policy(
    ctx: typer.Context,
    slug: SlugArg,
    shares: Annotated[
        list[str], typer.Argument(help="BUCKET=SHARE for each fund, e.g. maintenance=60% welfare=30%.")
    ],
    effective: Annotated[
        str, typer.Option("--effective", help="First business date it applies to, YYYY-MM-DD.")
    ],
    document: Annotated[
        str | None, typer.Option("--document", help="The proposal document (file or text).")
    ] = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Propose a new allocation policy. It is activated (`policy enact`) only after the owners'
    vote and the committee's approval; a policy that feeds the maintenance fund needs 3/4."""
    from ledger_service.governance import commands as gov

    buckets, when, doc = _shares(shares), parse_date(effective, "effective date"), _evidence(document)
    body = {"buckets": buckets, "effective_date": when.isoformat(), "document": doc}

    def local(svc: Any, key: str) -> dict[str, Any]:
        pid, dtype = gov.propose_policy(svc, slug, buckets, when, document=doc, signer=key)
        return {"proposal_id": pid, "decision_type": dtype}

    answer = _write(ctx, _settings(home), slug, "committee", as_, "proposals/policy", body, local)
    _proposed(f"Policy {' '.join(shares)} from {when}", answer)


@command(proposal_app, "committee")
def proposal_committee(
    ctx: typer.Context,
    slug: SlugArg,
    members: MembersOpt,
    approvals: Annotated[int, typer.Option("--approvals", help="How many members must approve (M of N).")],
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Propose a new committee (members, M). Applied with `governance committee-change` once approved."""
    from ledger_service.governance import commands as gov

    body = {"members": members, "approvals": approvals}
    answer = _write(
        ctx, _settings(home), slug, "committee", as_, "proposals/committee", body,
        lambda svc, key: {"proposal_id": gov.propose_committee(svc, slug, members, approvals, signer=key)},
    )  # fmt: skip
    _proposed(f"Committee of {approvals} of {len(members)}", answer)


@command(proposal_app, "list")
def proposal_list(
    ctx: typer.Context,
    slug: SlugArg,
    home: HomeOpt = None,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Every proposal with its state, approvals and the owners' vote (failed votes too)."""
    from rich.table import Table

    from ledger_service.governance import queries

    with _service(ctx, _settings(home)) as svc:
        svc.sync()
        with svc.db.engine.connect() as conn:
            rows = queries.proposals(conn, svc.community_id(slug))
    if json_out:
        console.print_json(json.dumps(rows))
        return
    table = Table("#", "what", "decided by", "state", "approvals", "vote")
    for p in rows:
        v = p["vote"]
        vote = (
            "—"
            if v is None
            else f"{'passed' if v['passed'] else 'failed'}: turnout {v['turnout_units']} of units, "
            f"{v['turnout_area']} of area; yes {v['yes_units_share']} / {v['yes_area_share']}"
        )
        table.add_row(
            str(p["proposal_id"]),
            p["label"],
            p["decision_type"],
            p["status"],
            f"{p['approvals']}/{p['threshold']}",
            vote,
        )
    console.print(table)


# -- approvals --------------------------------------------------------------------------------------


@command(app, "approve")
def approve(
    ctx: typer.Context,
    slug: SlugArg,
    proposal_id: IdArg,
    keystore: Annotated[
        Path | None,
        typer.Option("--keystore", help="The member's own keystore file (it never leaves this machine)."),
    ] = None,
    password_file: Annotated[
        Path | None,
        typer.Option("--password-file", help="A file holding the keystore's password (else asked)."),
    ] = None,
    reject: Annotated[bool, typer.Option("--reject", help="Reject instead of approve.")] = False,
    request: Annotated[
        bool,
        typer.Option(
            "--request", help="Print the EIP-712 request for a wallet (eth_signTypedData_v4) and stop."
        ),
    ] = False,
    member: Annotated[
        str | None, typer.Option("--member", help="With --signature: the member who signed.")
    ] = None,
    signature: Annotated[
        str | None,
        typer.Option("--signature", help="A wallet's signature (0x…) of the request printed by --request."),
    ] = None,
    expiry: Annotated[
        int | None, typer.Option("--expiry", help="With --signature: the request's expiry, as printed.")
    ] = None,
    home: HomeOpt = None,
) -> None:
    """A committee member approves (or rejects) a proposal with their own signature, which the
    contract checks; the service only passes it on."""
    from ledger_service.governance import commands as gov

    with _service(ctx, _settings(home)) as svc:
        approval = gov.approval_request(svc, slug, proposal_id, approve=not reject)
        if expiry is not None:
            approval = replace(approval, expiry=expiry)
        if request:
            console.print_json(json.dumps(gov.typed_data(svc, approval)))
            return
        if keystore is not None:
            password = (
                password_file.read_text(encoding="utf-8").strip()
                if password_file is not None
                else typer.prompt("Keystore password", hide_input=True)
            )
            who, sig = gov.sign_with_keystore(keystore, password, gov.domain(svc), approval)
        elif signature is not None and member is not None:
            if expiry is None:  # a recomputed expiry would never be the one the wallet signed
                raise InvalidInput("with --signature, give --expiry as printed by --request")
            who = member
            try:
                sig = bytes.fromhex(signature.removeprefix("0x"))
            except ValueError:
                raise InvalidInput("the signature must be 0x and hex digits") from None
        else:
            raise InvalidInput("give --keystore FILE, or --member ADDRESS with --signature from a wallet")
        gov.relay_signature(svc, slug, approval, who, sig)
        svc.sync()
        state = gov.proposal(svc, slug, proposal_id)
    verb = "rejected" if reject else "approved"
    _done(
        f"{who} {verb} proposal #{proposal_id} of {slug}: {state['approvals']} approval(s), "
        f"{state['rejections']} rejection(s) by current members; status {state['status']}."
    )


# -- votes ------------------------------------------------------------------------------------------


@command(vote_app, "record")
def vote_record(
    ctx: typer.Context,
    slug: SlugArg,
    proposal_id: IdArg,
    total_area: Annotated[
        str, typer.Option("--total-area", help="All owners' floor area, m² (e.g. 27000.00).")
    ],
    participating_area: Annotated[
        str, typer.Option("--participating-area", help="Participating owners' area, m².")
    ],
    yes_area: Annotated[str, typer.Option("--yes-area", help="Area of owners voting yes, m².")],
    total_units: Annotated[int, typer.Option("--total-units", help="All units (one per unit).")],
    participating_units: Annotated[int, typer.Option("--participating-units", help="Units that voted.")],
    yes_units: Annotated[int, typer.Option("--yes-units", help="Units voting yes.")],
    ballots: Annotated[
        str, typer.Option("--ballots", help="The ballot record (file; only its hash is published).")
    ],
    paper_area: Annotated[str, typer.Option("--paper-area", help="Area voting on paper (counted in).")] = "0",
    paper_units: Annotated[
        int, typer.Option("--paper-units", help="Units voting on paper (counted in).")
    ] = 0,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Record the counted result of the owners' vote, paper ballots reconciled in. The contract
    checks it against the proposal's decision type; a failed vote is recorded and published too."""
    from ledger_service.governance import commands as gov
    from ledger_service.governance.rules import percent

    t = gov.Tally(
        parse_area(total_area, "total area"), parse_area(participating_area, "participating area"),
        parse_area(yes_area, "yes area"), total_units, participating_units, yes_units,
        parse_area(paper_area, "paper area"), paper_units,
    ).validated()  # fmt: skip
    record = _evidence(ballots)
    if record is None:
        raise InvalidInput("--ballots is required")
    body = {**vars(t), "ballot_record": record}
    answer = _write(
        ctx, _settings(home), slug, "committee", as_, f"proposals/{proposal_id}/vote", body,
        lambda svc, key: {
            k: v
            for k, v in gov.record_vote(svc, slug, proposal_id, t, record, signer=key).items()
            if k != "receipt"
        },
    )  # fmt: skip
    result = "passed" if answer["passed"] else "failed"
    console.print(
        f"Proposal #{proposal_id}: turnout {percent(t.participating_units, t.total_units)} of units and "
        f"{percent(t.participating_area, t.total_area)} of area"
        f"{'' if answer['quorum_met'] else ' (quorum not met)'}; "
        f"yes {percent(t.yes_units, t.participating_units)} of participating units and "
        f"{percent(t.yes_area, t.participating_area)} of area.",
        highlight=False,
    )
    _done(f"vote recorded: {result}.")


# -- policy enactment -------------------------------------------------------------------------------


@command(policy_app, "enact")
def policy_enact(
    ctx: typer.Context,
    slug: SlugArg,
    proposal_id: IdArg,
    shares: Annotated[list[str], typer.Argument(help="The proposed shares, exactly as proposed.")],
    effective: Annotated[str, typer.Option("--effective", help="The proposed effective date, YYYY-MM-DD.")],
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Activate a policy after its owners' vote passed and the committee approved it."""
    from ledger_service.cli import _report
    from ledger_service.governance import commands as gov

    buckets, when = _shares(shares), parse_date(effective, "effective date")
    body = {"buckets": buckets, "effective_date": when.isoformat()}
    entry = _write(
        ctx, _settings(home), slug, "committee", as_, f"proposals/{proposal_id}/enact", body,
        lambda svc, key: gov.enact_policy(svc, slug, proposal_id, buckets, when, signer=key),
    )  # fmt: skip
    _report(f"Policy of proposal #{proposal_id} for {slug} from {when}", entry)
