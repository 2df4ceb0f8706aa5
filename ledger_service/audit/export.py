"""Audit exports that stand on their own (REQUIREMENTS A-4, A-6, A-7).

``export_period`` writes a folder an auditor takes away: the closed statement exactly as anchored
(JSON) and as CSV, the statement's proof bundle, the deployment's trust root, a copy of the
offline verifier's source, checksums and bilingual instructions. Everything in it can be checked
with Python and five small packages, with no network, no node and no access to this service —
the ledger outlives the chain it was written on.

``attest_period`` is the auditor's on-chain attestation of a closed statement: a second record
beside the accountant's anchor, which later bundles carry and the verifier checks.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ledger_service.proofs.bundle import bundle_bytes, statement_bundle
from ledger_service.proofs.trust_root import save_trust_root, trust_root
from ledger_service.statements.export import statement_csv
from ledger_service.statements.pdf import statement_pdf

if TYPE_CHECKING:
    from ledger_service.service import LedgerService

__all__ = ["VERIFIER_MODULES", "Exported", "attest_period", "export_period"]

_PACKAGE_ROOT = Path(__file__).resolve().parents[1]
#: The verifier and the pure modules it imports, copied into every export (paths under the
#: package). ``proofs/qbft.py`` is added when present (production networks).
VERIFIER_MODULES = (
    "__init__.py",
    "proofs/__init__.py",
    "proofs/verify.py",
    "proofs/eth.py",
    "proofs/events.py",
    "proofs/entries.py",
    "proofs/common.py",
    "proofs/timebank.py",
    "proofs/funds.py",
    "proofs/governance.py",
    "proofs/oversight.py",
    "proofs/trust_root.py",
    "statements/__init__.py",
    "statements/canonical.py",
    "statements/merkle.py",
    "statements/periods.py",
)
#: What the copied verifier needs from PyPI (the versions this project pins).
VERIFIER_REQUIREMENTS = (
    "rlp==5.0.0",
    "eth-hash[pycryptodome]",
    "eth-abi==6.0.0",
    "coincurve==21.0.0",
    "rfc8785==0.1.4",
)


@dataclass(frozen=True)
class Exported:
    directory: Path
    files: dict[str, str]  # relative path -> sha256
    statement_hash: str
    trust_root_hash: str
    entries: int


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def export_period(
    svc: LedgerService,
    slug: str,
    label: str,
    out_dir: Path,
    *,
    validators: Sequence[str] = (),
    balances: bool = True,
) -> Exported:
    """Write the audit folder for ``slug``'s closed period ``label`` into ``out_dir``.

    Files: ``statement.json`` (the anchored bytes), ``statement.csv``, ``statement.pdf`` (to print;
    a rendering that shows the anchored and trust-root hashes), ``bundle.json`` (every
    entry proved at once), ``trust-root.json``, ``verifier/`` (source and requirements),
    ``README.md`` (zh-Hans and English) and ``SHA256SUMS``. Refuses an open period.
    """
    bundle = statement_bundle(svc, slug, label, validators=validators, balances=balances)
    body = bundle["statement"].encode("utf-8")
    statement = json.loads(body)
    root = trust_root(svc.deployment, validators)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "statement.json").write_bytes(body)
    (out / "statement.csv").write_text(statement_csv(statement), encoding="utf-8", newline="")
    (out / "bundle.json").write_bytes(bundle_bytes(bundle))
    root_hash = save_trust_root(root, out / "trust-root.json")
    (out / "statement.pdf").write_bytes(statement_pdf(statement, trust_root_sha256=root_hash))
    _copy_verifier(out / "verifier")
    anchor_ref = bundle["anchor"]["receipt"]
    (out / "README.md").write_text(
        _readme(
            statement, _sha256(body), root_hash, int(anchor_ref.split("/")[0]), len(bundle["attestations"])
        ),
        encoding="utf-8",
    )
    files = {
        str(p.relative_to(out)): _sha256(p.read_bytes())
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != "SHA256SUMS" and "__pycache__" not in p.parts
    }
    (out / "SHA256SUMS").write_text("".join(f"{h}  {name}\n" for name, h in files.items()), encoding="utf-8")
    return Exported(out, files, _sha256(body), root_hash, len(statement["entries"]))


def _copy_verifier(target: Path) -> None:
    modules = list(VERIFIER_MODULES)
    if (_PACKAGE_ROOT / "proofs" / "qbft.py").exists():
        modules.append("proofs/qbft.py")
    for rel in modules:
        dest = target / "ledger_service" / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_PACKAGE_ROOT / rel, dest)
    (target / "requirements.txt").write_text("\n".join(VERIFIER_REQUIREMENTS) + "\n", encoding="utf-8")


def _readme(
    statement: dict[str, Any], statement_hash: str, root_hash: str, anchor_block: int, attested: int
) -> str:
    slug = statement["community"]
    period = statement["period"]
    chain = statement["chain"]
    n = len(statement["entries"])
    return f"""# {slug} · {period["label"]} ({period["from"]} – {period["to"]})

## 中文说明（简体）

本文件夹是 **{slug}** 小区 {period["label"]} 期间已结账（已锚定上链）的公共收益报表及其证明材料，
可以在 **没有网络、不依赖本系统和任何区块链节点** 的情况下独立核验。

| 文件 | 内容 |
|---|---|
| `statement.json` | 结账报表，即链上锚定的原始字节（RFC 8785 规范 JSON） |
| `statement.csv` | 同一报表的表格版本，可用电子表格打开（金额单位：分 / 元） |
| `statement.pdf` | 可打印张贴的报表（据 statement.json 生成，首页印有其 SHA-256 与信任根哈希） |
| `bundle.json` | 证明包：区块头、交易、收据及其默克尔证明、锚定记录、全部 {n} 条明细 |
| `trust-root.json` | 信任根：链 ID、创世区块哈希、合约地址、验证者名单、编译器设置 |
| `verifier/` | 离线核验程序的源代码及其依赖清单 |
| `SHA256SUMS` | 以上各文件的 SHA-256 校验值 |

关键数值：

- 报表 SHA-256：`{statement_hash}`（与链上锚定值一致）
- 信任根 SHA-256：`{root_hash}` —— **请与小区公告栏或浏览器页面上公布的值核对**
- 链 ID {chain["chain_id"]}，报表截至区块 {chain["to_block"]}，锚定于区块 {anchor_block}；
  审计签署 {attested} 份

核验步骤（只需 Python 3.11 及下列软件包，可提前离线安装）：

```
python -m pip install -r verifier/requirements.txt
PYTHONPATH=verifier python -m ledger_service.proofs.verify bundle.json \\
    --trust-root trust-root.json --expect-trust-root-sha256 {root_hash} \\
    --statement statement.json
sha256sum -c SHA256SUMS
```

程序逐项列出每一步检查（通过 ✓ / 失败 ✗）；全部通过时退出码为 0。若某一步失败，
输出会指明是哪一步、为什么失败。核验内容包括：信任根与证明包匹配；每个区块头的哈希；
每笔交易和收据确实包含在对应区块的 `transactionsRoot` / `receiptsRoot` 中；锚定事件来自信任根中的
AuditAnchor 合约；报表的 SHA-256 等于链上锚定值；报表的收入、分配、支出、余额等合计数
可由其明细逐条重新算出；每条明细与链上事件逐字段一致；余额与区块状态根（EIP-1186 证明）一致。
开发链上的区块头没有验证者签名，程序会注明"unsealed"；生产网络（QBFT）会检查验证者的提交签名。

## English

This folder holds the closed (anchored on chain) public-revenue statement of **{slug}** for
{period["label"]}, with everything needed to verify it **offline — without network access,
without this service and without any blockchain node**.

| File | What it is |
|---|---|
| `statement.json` | the closed statement, exactly the bytes anchored on chain (RFC 8785 JSON) |
| `statement.csv` | the same statement as a spreadsheet (amounts in fen and yuan) |
| `statement.pdf` | the statement to print (from statement.json; page 1: its SHA-256, the trust root's) |
| `bundle.json` | the proof bundle: headers, transactions, receipts, Merkle proofs, the anchor, {n} entries |
| `trust-root.json` | the trust root: chain id, genesis hash, contracts, validators, compiler settings |
| `verifier/` | the offline verifier's source and its requirements |
| `SHA256SUMS` | SHA-256 of every file above |

Key values:

- statement SHA-256: `{statement_hash}` (equal to the hash anchored on chain)
- trust root SHA-256: `{root_hash}` — **compare it with the value on the community notice or explorer**
- chain id {chain["chain_id"]}; statement as of block {chain["to_block"]}, anchored in block {anchor_block};
  {attested} auditor attestation(s)

To verify (Python 3.11 and the packages below, which can be installed ahead of time):

```
python -m pip install -r verifier/requirements.txt
PYTHONPATH=verifier python -m ledger_service.proofs.verify bundle.json \\
    --trust-root trust-root.json --expect-trust-root-sha256 {root_hash} \\
    --statement statement.json
sha256sum -c SHA256SUMS
```

The verifier prints every step with pass (✓) or fail (✗) and exits 0 only when all pass; on a
failure it names the step and the reason. It checks that the bundle was made for this trust root;
each header's hash; that every transaction and receipt is in its block's `transactionsRoot` /
`receiptsRoot`; that the anchor is a `StatementAnchored` event of the trust root's AuditAnchor;
that the statement's SHA-256 is the anchored hash; that its income, allocations, spending,
balances and other totals follow from its entries; that each entry equals its on-chain event field
by field; and that balances match the block's state root (EIP-1186). Headers on the development
chain carry no validator seals and the verifier says "unsealed"; on the production (QBFT) network
it checks the validators' commit seals.
"""


def attest_period(
    svc: LedgerService, slug: str, label: str, *, signer: str, opinion: str | bytes
) -> dict[str, Any]:
    """An auditor attests ``slug``'s closed statement for ``label`` on chain (REQUIREMENTS A-6).

    ``signer`` is the auditor's key label (e.g. ``lotus-garden:auditor``), which must hold the
    auditor role in that community; ``opinion`` is the audit opinion document (its SHA-256 is
    recorded, not the text). The contract refuses a statement hash other than the anchored one
    and a second attestation by the same auditor.
    """
    from sqlalchemy import select

    from ledger_service.audit.tables import Anchor
    from ledger_service.chain.direct import transact
    from ledger_service.statements.periods import parse_period
    from ledger_service.statements.store import get_statement

    period = parse_period(label)
    svc.sync()
    cid = svc.community_id(slug)
    with svc.db.begin() as conn:
        served = get_statement(conn, slug, period.label)
        anchor = conn.execute(
            select(Anchor.period_key).where(Anchor.community == cid, Anchor.label == period.label)
        ).first()
    if not served.closed or anchor is None:
        from ledger_service.core.errors import InvalidInput

        raise InvalidInput(f"{slug} {period.label} is not closed; only a closed statement can be attested")
    opinion_bytes = opinion.encode("utf-8") if isinstance(opinion, str) else opinion
    opinion_hash = hashlib.sha256(opinion_bytes).digest()
    receipt = transact(
        svc.sender,
        svc.account(signer),
        "AuditAnchor",
        svc.deployment.address("AuditAnchor"),
        "attest",
        bytes.fromhex(cid[2:]),
        bytes.fromhex(anchor.period_key[2:]),
        bytes.fromhex(served.hash),
        opinion_hash,
    )
    svc.sync()
    return {
        "statement_hash": served.hash,
        "opinion_hash": "0x" + opinion_hash.hex(),
        "auditor": svc.account(signer).address,
        "tx_hash": receipt["transactionHash"],
    }
