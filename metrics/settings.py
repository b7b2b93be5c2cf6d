"""Settings, read from `VALUEWATCH_*` environment variables by the CLI and passed down."""

from pathlib import Path
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything an operator can set. Built once in the CLI, never at import."""

    model_config = SettingsConfigDict(env_prefix="VALUEWATCH_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    database_url: str = "sqlite:///./valuewatch.db"

    # Ingest limits.
    max_body_bytes: int = 5 * 1024 * 1024
    max_records_per_request: int = 5000
    max_queue_rows: int = 50_000
    max_batch_rows: int = 10_000
    max_clock_skew_s: float = 300.0
    max_record_age_days: int = 400
    label_value_limit: int = 100

    # Security and privacy.
    metrics_require_key: bool = False
    key_cache_ttl_s: float = 5.0
    user_hash_salt: SecretStr | None = None
    store_content: bool = False

    price_table: Path | None = None

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> "Settings":
        if self.environment == "production":
            salt = self.user_hash_salt
            if salt is not None and len(salt.get_secret_value()) < 16:
                raise ValueError("VALUEWATCH_USER_HASH_SALT must be at least 16 characters")
            if self.max_body_bytes > 64 * 1024 * 1024:
                raise ValueError("VALUEWATCH_MAX_BODY_BYTES above 64 MiB is unsafe in production")
        return self
