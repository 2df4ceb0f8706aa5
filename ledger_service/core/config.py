"""Settings, validated once at start-up.

Read from the environment (prefix ``CIVIC_LEDGER_``) and an optional ``config.env`` in the home
directory. Secrets are ``SecretStr`` and read only here; outside development a placeholder secret
is refused at start-up rather than discovered in production.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEV_PLACEHOLDER = "civic-ledger-development-only"


def default_home() -> Path:
    return Path.cwd() / ".home"


class Settings(BaseSettings):
    """Everything the service needs to know about where it runs."""

    model_config = SettingsConfigDict(env_prefix="CIVIC_LEDGER_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    home: Path = Field(default_factory=default_home)
    #: JSON-RPC URL of an existing network; empty means "start the embedded anvil node".
    rpc_url: str = ""
    #: Port of the embedded node (only used when ``rpc_url`` is empty).
    node_port: int = 8545
    #: SQLAlchemy URL; empty means SQLite (WAL) inside ``home``.
    database_url: str = ""
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    #: Base URL printed on notices and QR codes.
    public_url: str = "http://127.0.0.1:8000"
    #: Password protecting the service-held keystores (accountants, coordinators).
    keystore_password: SecretStr = SecretStr(DEV_PLACEHOLDER)
    #: QBFT validator addresses of the production network (JSON list in the environment); empty on
    #: the dev chain. Published in the trust root; the verifier checks headers' seals against them.
    validators: list[str] = Field(default_factory=list)
    #: scrypt cost of new keystores (2^17 ≈ 0.4 s per unlock here); tests lower it.
    keystore_scrypt_n: int = 2**17
    #: Key that derives pseudonyms and encrypts personal data in SQL.
    data_key: SecretStr = SecretStr(DEV_PLACEHOLDER)
    #: Blocks per ``eth_getLogs`` request (real nodes cap ranges; Besu's default is 5,000).
    log_range: int = 2000
    #: Gas pricing: "auto" asks the node, "legacy" / "eip1559" force a type, "zero" for free-gas networks.
    gas_mode: Literal["auto", "legacy", "eip1559", "zero"] = "auto"

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> Settings:
        if self.env == "production":
            for name in ("keystore_password", "data_key"):
                if getattr(self, name).get_secret_value() == DEV_PLACEHOLDER:
                    raise ValueError(
                        f"{name} still has the development placeholder; set CIVIC_LEDGER_{name.upper()}"
                    )
        return self

    @cached_property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'ledger.sqlite3'}"

    @property
    def keystore_dir(self) -> Path:
        return self.home / "keystores"

    @property
    def chain_dir(self) -> Path:
        return self.home / "chain"

    @property
    def manifest_path(self) -> Path:
        return self.home / "deployment.json"


def load_settings(**overrides: object) -> Settings:
    """Build the settings from the environment, with explicit overrides (CLI flags) on top."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
