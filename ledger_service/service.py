"""The service: one object wiring settings, node, keys, sender, journal, indexer and database.

Writes flow CLI/API → context commands → journal (SQL, then chain) → indexer → SQL → statements.
``LedgerService.init`` makes a new home (keys, node, deployment); ``LedgerService.open`` starts
from an existing one.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount
from sqlalchemy import select
from web3 import Web3

import ledger_service.contexts  # noqa: F401  (registers handlers and statement sections)
from ledger_service.chain.deploy import Deployment, deploy_contracts
from ledger_service.chain.errors import remember_community
from ledger_service.chain.journal import Journal
from ledger_service.chain.keys import KeyStore
from ledger_service.chain.node import AnvilNode, connect
from ledger_service.chain.sender import Sender
from ledger_service.core.config import Settings
from ledger_service.core.errors import ConfigError, NotFound
from ledger_service.db.session import Database
from ledger_service.indexer.registry import registry
from ledger_service.indexer.streamer import Indexer
from ledger_service.indexer.tables import ChainRecord

log = logging.getLogger(__name__)

OPERATOR = "operator"


@dataclass
class LedgerService:
    settings: Settings
    db: Database
    w3: Web3
    sender: Sender
    keys: KeyStore
    deployment: Deployment
    node: AnvilNode | None = None
    journal: Journal = field(init=False)
    indexer: Indexer = field(init=False)
    _sync_lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        self.journal = Journal(self.db, self.sender, self.deployment, self.account)
        self.indexer = Indexer(
            self.db, self.w3, self.deployment, registry, range_size=self.settings.log_range
        )
        for slug in self.community_slugs():
            remember_community(slug)

    # -- life cycle ---------------------------------------------------------------------------

    @staticmethod
    def _start_node(
        settings: Settings, *, timestamp: int | None = None
    ) -> tuple[AnvilNode | None, Web3, bool]:
        if settings.rpc_url:
            return None, connect(settings.rpc_url), False
        # The embedded node is a zero-gas-price network, like the permissioned Besu deployment.
        node = AnvilNode(
            settings.node_port,
            data_dir=settings.chain_dir,
            gas_price=0,
            base_fee=0,
            accounts=0,
            timestamp=timestamp,
        )
        node.start()
        return node, connect(node.rpc_url), True

    @classmethod
    def init(cls, settings: Settings, *, genesis_timestamp: int | None = None) -> LedgerService:
        """Create a new home: operator key, node (embedded unless ``rpc_url``), contracts, database."""
        if settings.manifest_path.exists():
            raise ConfigError(f"{settings.home} is already initialised; use `civic-ledger up`")
        settings.home.mkdir(parents=True, exist_ok=True)
        keys = KeyStore(
            settings.keystore_dir, settings.keystore_password, scrypt_n=settings.keystore_scrypt_n
        )
        operator = (
            keys.account(OPERATOR) if OPERATOR in keys.labels() else keys.account(keys.create(OPERATOR))
        )
        node, w3, embedded = cls._start_node(settings, timestamp=genesis_timestamp)
        sender = Sender(w3, gas_mode=settings.gas_mode, auto_mine=embedded)
        deployment = deploy_contracts(w3, sender, operator)
        deployment.save(settings.manifest_path)
        return cls._assemble(settings, node, w3, sender, keys, deployment)

    @classmethod
    def open(cls, settings: Settings) -> LedgerService:
        """Start from an initialised home: node, database migrations, journal recovery."""
        deployment = Deployment.load(settings.manifest_path)
        keys = KeyStore(
            settings.keystore_dir, settings.keystore_password, scrypt_n=settings.keystore_scrypt_n
        )
        node, w3, embedded = cls._start_node(settings)
        if w3.eth.chain_id != deployment.chain_id:
            raise ConfigError(
                f"the node is chain {w3.eth.chain_id}, the deployment is on {deployment.chain_id}"
            )
        sender = Sender(w3, gas_mode=settings.gas_mode, auto_mine=embedded)
        svc = cls._assemble(settings, node, w3, sender, keys, deployment)
        svc.journal.recover()
        return svc

    @classmethod
    def _assemble(
        cls,
        settings: Settings,
        node: AnvilNode | None,
        w3: Web3,
        sender: Sender,
        keys: KeyStore,
        deployment: Deployment,
    ) -> LedgerService:
        db = Database(settings.db_url)
        db.migrate()
        with db.session() as s:
            record = s.get(ChainRecord, deployment.chain_id)
            deployment.extra["validators"] = sorted(v.lower() for v in settings.validators)
            manifest = json.dumps(deployment.to_json(), sort_keys=True)
            if record is None:
                s.add(ChainRecord(chain_id=deployment.chain_id, manifest=manifest))
            else:
                record.manifest = manifest
        return cls(settings, db, w3, sender, keys, deployment, node)

    def close(self) -> None:
        """Stop what this service started (the embedded node writes its state on a clean stop)."""
        self.db.dispose()
        if self.node is not None:
            self.node.stop()

    # -- keys and communities ----------------------------------------------------------------------

    def account(self, who: str) -> LocalAccount:
        """A service-held key by label (e.g. ``lotus-garden:accountant``) or address."""
        return self.keys.account(who)

    @property
    def operator(self) -> LocalAccount:
        return self.keys.account(OPERATOR)

    def community_slugs(self) -> list[str]:
        from ledger_service.communities.tables import Community

        with self.db.session() as s:
            return list(s.scalars(select(Community.slug).order_by(Community.slug)))

    def community_id(self, slug: str) -> str:
        """The on-chain id of a community; the slug must be known to the index."""
        from ledger_service.communities.tables import Community

        with self.db.session() as s:
            cid = s.scalar(select(Community.id).where(Community.slug == slug))
        if cid is None:
            raise NotFound(f"there is no community '{slug}'")
        return str(cid)

    # -- reads -------------------------------------------------------------------------------------

    def sync(self) -> int:
        """Index everything the node has; returns the number of logs processed."""
        with self._sync_lock:
            return self.indexer.run_once()

    def head(self) -> tuple[int, str]:
        """The index's cursor (block number, hash): what statements are "as of"."""
        cursor = self.indexer.cursor()
        if cursor is None:
            raise NotFound("nothing is indexed yet")
        return cursor


def contract_address(svc: LedgerService, name: str) -> str:
    return svc.deployment.address(name)


def home_settings(home: Path, **overrides: Any) -> Settings:
    return Settings(home=home, **overrides)
