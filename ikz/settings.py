"""The one settings object, read from IKZ_* environment variables once per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IKZ_", extra="ignore")

    data_dir: Path = Field(
        Path(".ikz"), description="Where the SQLite file, mail and reports live."
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default SQLite in data_dir."
    )
    language: Literal["de", "en"] = "de"
    pilot_min_days: int = Field(90, ge=0, description="Minimum pilot duration before evaluate.")
    size_ratio_warn: float = Field(3.0, gt=1, description="Population ratio shown as a warning.")
    silence_warn_days: int = Field(60, ge=1, description="Days without informal exchange.")

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'ikz.sqlite3').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
