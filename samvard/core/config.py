"""One typed settings object for the whole platform (environment variables `SAMVARD_*`)."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-secret-change-me"  # noqa: S105 - the known default that production refuses


class Mode(StrEnum):
    """Where the platform runs; production forbids test logins and default secrets."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


class ProductionConfigError(ValueError):
    """The settings are unsafe for production; the app refuses to start."""


class Settings(BaseSettings):
    """All configuration, read once from the environment (prefix `SAMVARD_`)."""

    model_config = SettingsConfigDict(env_prefix="SAMVARD_", env_file=".env", extra="ignore")

    mode: Mode = Mode.DEVELOPMENT
    database_url: str = "sqlite:///var/samvard.db"
    secret_key: str = DEV_SECRET
    host: str = "127.0.0.1"
    port: int = 8000
    # Test logins let anyone pick a test person or staff member: development only, and
    # off unless asked for, so a forgotten variable can never open a real installation.
    test_logins: bool = False
    session_idle_minutes: int = Field(default=20, ge=1, le=24 * 60)
    session_max_hours: int = Field(default=12, ge=1, le=72)
    # Cookies are `Secure` unless explicitly relaxed for plain-http local development.
    cookie_secure: bool = True
    # The page language; Swedish is the source text of the gettext catalogue.
    language: str = Field(default="sv", pattern=r"^[a-z]{2}$")
    max_request_bytes: int = Field(default=1_000_000, ge=1024)
    # A region's monthly report is tens to hundreds of megabytes: the upload page alone
    # takes bodies this large, streamed to disk beside the warehouse, never into memory.
    upload_max_bytes: int = Field(default=512 * 1024 * 1024, ge=1024)

    citizen_oidc_issuer: str | None = None
    citizen_oidc_client_id: str | None = None
    citizen_oidc_client_secret: str | None = None
    citizen_oidc_pnr_claim: str = "https://id.oidc.se/claim/personalIdentityNumber"
    staff_oidc_issuer: str | None = None
    staff_oidc_client_id: str | None = None
    staff_oidc_client_secret: str | None = None
    staff_oidc_hsaid_claim: str = "https://id.oidc.se/claim/hsaid"
    public_base_url: str = "http://127.0.0.1:8000"
    # Federation: this node's id among the nodes that share coordinated documentation,
    # the registry of nodes (none: a single node that is its own index and consent
    # service) and this node's private signing key (an Ed25519 JWK).
    node_id: str = Field(default="samvard", pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    federation_file: Path | None = None
    node_key_file: Path | None = None
    # Consumer fan-out, in seconds: how long one producer may take, and the whole answer.
    # A producer that does not answer in time is shown as "timed out", never as "no data".
    federation_source_timeout: float = Field(default=2.0, gt=0, le=60)
    federation_deadline: float = Field(default=3.0, gt=0, le=120)
    # The analytics warehouse (DuckDB file) with the monthly reports and their receipts.
    analytics_path: Path = Path("var/analytics.duckdb")

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.mode is Mode.PRODUCTION:
            problems = self.production_problems()
            if problems:
                raise ProductionConfigError("; ".join(problems))
        return self

    def production_problems(self) -> list[str]:
        """Reasons these settings must not serve real patients (empty when safe)."""
        problems = []
        if self.test_logins:
            problems.append("test logins are enabled (set SAMVARD_TEST_LOGINS=false)")
        if self.secret_key == DEV_SECRET or len(self.secret_key) < 32:
            problems.append("SAMVARD_SECRET_KEY is the default or shorter than 32 characters")
        if not self.cookie_secure:
            problems.append("SAMVARD_COOKIE_SECURE must be true")
        if not self.public_base_url.startswith("https://"):
            problems.append("SAMVARD_PUBLIC_BASE_URL must be an https:// address")
        if self.database_url.startswith("sqlite"):
            problems.append("production needs PostgreSQL (SAMVARD_DATABASE_URL)")
        if self.federation_file is not None and self.node_key_file is None:
            problems.append("a federated node needs its own key (SAMVARD_NODE_KEY_FILE)")
        return problems

    @property
    def citizen_oidc_enabled(self) -> bool:
        """True when a citizen e-ID broker is configured."""
        return bool(
            self.citizen_oidc_issuer
            and self.citizen_oidc_client_id
            and self.citizen_oidc_client_secret
        )

    @property
    def staff_oidc_enabled(self) -> bool:
        """True when a staff (SITHS) broker is configured."""
        return bool(
            self.staff_oidc_issuer and self.staff_oidc_client_id and self.staff_oidc_client_secret
        )


@cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
