"""`civic-ledger audit ...` and `civic-ledger verify`: what an auditor runs.

Registered on the main CLI by one line in ``ledger_service/cli.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ledger_service.cli import (
    AsOpt,
    HomeOpt,
    _label,
    _refuse_while_running,
    _service,
    _settings,
    _signer,
    app,
    command,
    console,
)

audit_app = typer.Typer(
    help="Auditors: export a closed period, attest it, publish the trust root.", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")
PeriodOpt = Annotated[str, typer.Option("--period", help="2026Q1 (quarter), 2026-03 (month) or 2026 (year).")]


@command(audit_app, "export")
def audit_export(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="The community, e.g. lotus-garden.")],
    period: PeriodOpt,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder to write (default audit-SLUG-PERIOD).", show_default=False),
    ] = None,
    home: HomeOpt = None,
) -> None:
    """Write a folder an auditor can take away: the closed statement (JSON exactly as anchored,
    CSV), the proof bundle of all its entries, the trust root, instructions and a copy of the
    verifier. It checks offline, with no access to this service or any node."""
    from ledger_service.audit.export import export_period

    label = _label(period)
    settings = _settings(home)
    _refuse_while_running(ctx, settings, "an export")
    with _service(ctx, settings) as svc:
        done = export_period(
            svc, slug, label, out or Path(f"audit-{slug}-{label}"), validators=svc.settings.validators
        )
    console.print(
        f"[green]✓[/green] {done.entries} entries exported to {done.directory}\n"
        f"  statement SHA-256  {done.statement_hash}\n  trust root SHA-256 {done.trust_root_hash}",
        highlight=False,
    )


@command(audit_app, "attest")
def audit_attest(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="The community, e.g. lotus-garden.")],
    period: PeriodOpt,
    opinion: Annotated[
        Path, typer.Option("--opinion", help="Your written opinion (its SHA-256 is recorded).")
    ],
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Attest a closed statement on chain with the auditor's key: a second record beside the
    accountant's anchor, over the same statement hash."""
    from ledger_service.audit.export import attest_period

    label = _label(period)
    settings = _settings(home)
    _refuse_while_running(ctx, settings, "an attestation from the command line (use the API)")
    with _service(ctx, settings) as svc:
        done = attest_period(
            svc, slug, label, signer=_signer(slug, "auditor", as_), opinion=opinion.read_bytes()
        )
    console.print(f"[green]✓[/green] {slug} {label} attested: {done}", highlight=False)


@command(audit_app, "trust-root")
def audit_trust_root(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write.")] = Path("trust-root.json"),
    home: HomeOpt = None,
) -> None:
    """Write this deployment's trust root (chain id, genesis hash, contract addresses, validators,
    compiler settings) and print its SHA-256: the hash notices and the explorer show."""
    from ledger_service.chain.deploy import Deployment
    from ledger_service.proofs.trust_root import save_trust_root, trust_root, trust_root_hash

    settings = _settings(home)
    root = trust_root(Deployment.load(settings.manifest_path), settings.validators)
    save_trust_root(root, out)
    console.print(f"[green]✓[/green] {out}  SHA-256 {trust_root_hash(root)}", highlight=False)


@app.command("verify", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def verify(
    bundle: Annotated[Path, typer.Argument(help="A proof bundle (bundle.json from an audit export).")],
    trust_root_file: Annotated[Path, typer.Option("--trust-root", help="The published trust root file.")],
    expect: Annotated[
        str | None,
        typer.Option("--expect-trust-root-sha256", help="The trust root hash printed on the notice."),
    ] = None,
    statement: Annotated[
        Path | None, typer.Option("--statement", help="The statement JSON, if separate.")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", help="Show every step.")] = False,
) -> None:
    """Check a proof bundle offline, trusting neither this service nor any node: every step is
    printed with pass or fail, and a failure says exactly which step and why."""
    from ledger_service.proofs.verify import main as verify_main

    argv = [str(bundle), "--trust-root", str(trust_root_file)]
    if expect:
        argv += ["--expect-trust-root-sha256", expect]
    if statement:
        argv += ["--statement", str(statement)]
    if verbose:
        argv.append("--verbose")
    raise typer.Exit(verify_main(argv))
