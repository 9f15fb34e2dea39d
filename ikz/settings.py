"""The one settings object, read from IKZ_* environment variables once per process."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from states.conflict import DEFAULT_DEADLINE_DAYS
from states.errors import IkzError
from states.health import HealthRules
from states.lifecycle import State

# A day count in a setting: at least one, at most about thirty years (the dates the
# clock adds it to stay far from datetime's year 9999).
MAX_DAYS = 10_000
# Lifecycle states that are reviewed (an ended cooperation is not).
REVIEWED_STATES = frozenset(s.value for s in State if s is not State.ENDED)

# Thresholds the check shares with the advisory signals: one setting each, not two.
SHARED_WITH_SIGNALS = frozenset({"silence_warn_days", "size_ratio_warn"})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IKZ_", extra="ignore")

    data_dir: Path = Field(
        Path(".ikz"), description="Where the SQLite file, mail and reports live."
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default SQLite in data_dir."
    )
    # The local Prefect server's own database (`ikz up`): SQLite in data_dir unless set.
    # On PostgreSQL a burst of clicks never meets a busy database file.
    prefect_database_url: str | None = Field(
        None,
        description="Database of the local Prefect server (postgresql+asyncpg://...); "
        "default SQLite in data_dir/prefect.",
    )
    language: Literal["de", "en"] = "de"
    pilot_min_days: int = Field(90, ge=0, description="Minimum pilot duration before evaluate.")
    # The founding procedure (ikz founding): a directory of further rule-pack files (a
    # state added or a shipped one replaced), and the day § 2b UStG applies to every
    # public body (the end of the § 27 (22a) UStG transition; a later change of the law
    # is a change of this date).
    founding_rules_dir: Path | None = Field(
        None, description="Extra rule packs (YAML, one per state) beside the shipped ones."
    )
    # Funding (ikz funding): a directory of further programme files (a state added or a
    # shipped one replaced).
    funding_programmes_dir: Path | None = Field(
        None, description="Extra funding programmes (YAML, one per state) beside the shipped ones."
    )
    vat_cutoff: date = Field(
        date(2027, 1, 1), description="From this day § 2b UStG applies (IKZ_VAT_CUTOFF)."
    )
    # Upper bounds as in HealthRules.RANGES (the check is built from these two).
    size_ratio_warn: float = Field(
        3.0, gt=1, le=1_000_000, description="Population ratio shown as a warning."
    )
    silence_warn_days: int = Field(
        60, ge=1, le=MAX_DAYS, description="Days without informal exchange."
    )

    # Outgoing mail. The default points at the local sink (`MailSink`), never at a real relay.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(8025, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    mail_from: str = "ikz-flow <noreply@ikz-flow.invalid>"
    smtp_timeout_seconds: float = Field(10, gt=0)
    smtp_ca_file: Path | None = Field(
        None, description="CA bundle to verify a relay's certificate (e.g. a private CA)."
    )
    secret: SecretStr | None = Field(
        None,
        description="Server secret for stamps and anchors; default: data_dir/secret.key.",
    )
    ui_base_url: str = Field(
        "http://127.0.0.1:4200", description="Where links in emails point (the Prefect UI)."
    )
    # The gateway in front of the Prefect UI and API (ikz.gateway).
    session_hours: float = Field(
        12, gt=0, le=24 * 30, description="A login at the gateway lasts this long."
    )
    login_link_minutes: int = Field(
        15, ge=1, le=24 * 60, description="A login link sent by mail is valid this long."
    )
    admin_email: str | None = Field(
        None, description="The first coordinator's address, made by `ikz up` on first start."
    )
    notify_retry_base_seconds: float = Field(
        30, gt=0, description="First retry delay; doubles per attempt, with jitter."
    )
    notify_max_attempts: int = Field(8, ge=1, description="Attempts before a mail is 'failed'.")
    notify_max_age_hours: float = Field(
        72, gt=0, description="A mail refused temporarily for this long is 'failed'."
    )

    review_cadence_days: dict[str, int] = Field(
        default_factory=lambda: {
            "informal_contact": 30,
            "exploration": 21,
            "agreement": 14,
            "pilot": 30,
            "evaluation": 14,
            "permanent": 90,
            "paused": 60,
        },
        description="Days until the next review, per lifecycle state (JSON in IKZ_REVIEW_CADENCE_DAYS).",
    )
    conflict_overdue_days: int = Field(
        14, ge=1, description="An open conflict older than this is overdue."
    )
    conflict_deadline_days: dict[str, int] = Field(
        default_factory=lambda: dict(DEFAULT_DEADLINE_DAYS),
        description="Days a conflict may stay at a level before it is escalated, per level "
        "(JSON in IKZ_CONFLICT_DEADLINE_DAYS; levels left out keep their default).",
    )
    signoff_timeout_days: int = Field(14, ge=1, description="Days a sign-off request waits.")
    signoff_reminder_days: int = Field(3, ge=1, description="Remind after this many days.")
    founding_reminder_working_days: int = Field(
        5,
        ge=0,
        le=60,
        description="Remind the coordinator this many working days before a partner's "
        "submission deadline for the next council meeting (and before a deemed approval).",
    )
    funding_proof_reminder_days: int = Field(
        30,
        ge=0,
        le=365,
        description="Remind the coordinator this many days before a funding's proof of use "
        "is due (and once when it is overdue).",
    )
    portfolio_artifact_rows: int = Field(
        500,
        ge=1,
        description="Rows of the ikz-portfolio table in the Prefect UI; a bigger portfolio "
        "shows its most urgent cooperations there and is refreshed by the daily review and "
        "the hourly refresh-dashboards run, not after every change.",
    )
    sweep_workers: int = Field(
        2,
        ge=1,
        le=64,
        description="Processes for the daily review of a big portfolio (from about 20,000 active "
        "cooperations on): the flow's own and helpers, at most one per CPU; 1: no helpers.",
    )
    # Flow runs `ikz up` runs at once (the served deployments' runner). Runs mostly wait
    # for the local Prefect server and the database, not for the processor.
    runner_limit: int | None = Field(
        None,
        ge=1,
        le=64,
        description="Flow runs `ikz up` runs at once; default: see deployments.serve.",
    )
    health: HealthRules = Field(
        default_factory=HealthRules,
        description="Thresholds of the Kooperations-Check (JSON in IKZ_HEALTH, e.g. "
        '{"silence_red_days": 90}; keys left out keep their default; see README).',
    )

    @field_validator("mail_from")
    @classmethod
    def _header_safe_sender(cls, value: str) -> str:
        from email.utils import parseaddr  # only when IKZ_MAIL_FROM is set: not at start-up

        # A header value from the environment is input too: refuse CR/LF here.
        if "\r" in value or "\n" in value or "@" not in parseaddr(value)[1]:
            raise ValueError("mail_from must be one address on one line")
        return value

    @field_validator("conflict_deadline_days")
    @classmethod
    def _known_levels(cls, value: dict[str, int]) -> dict[str, int]:
        _check_days(value, set(DEFAULT_DEADLINE_DAYS), "conflict level")
        return {**DEFAULT_DEADLINE_DAYS, **value}

    @field_validator("review_cadence_days")
    @classmethod
    def _known_states(cls, value: dict[str, int]) -> dict[str, int]:
        _check_days(value, REVIEWED_STATES, "lifecycle state")
        return value

    @field_validator("health", mode="before")
    @classmethod
    def _known_health_keys(cls, value: object) -> object:
        # Pydantic ignores unknown dataclass keys; a typo must not silently keep a default.
        if isinstance(value, dict):
            known = set(HealthRules.__dataclass_fields__) - SHARED_WITH_SIGNALS
            unknown = sorted(set(value) - known)
            if unknown:
                raise ValueError(
                    f"unknown key(s) {unknown}; known: {sorted(known)} (the silence and "
                    "size-ratio thresholds are IKZ_SILENCE_WARN_DAYS and IKZ_SIZE_RATIO_WARN)"
                )
        return value

    @field_validator("prefect_database_url")
    @classmethod
    def _async_driver(cls, value: str | None) -> str | None:
        # Prefect's server talks to its database asynchronously: only these two drivers.
        if value and not value.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite:///")):
            raise ValueError("must start with postgresql+asyncpg:// or sqlite+aiosqlite:///")
        return value or None

    @field_validator("ui_base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'ikz.sqlite3').resolve()}"


def _check_days(value: dict[str, int], known: set[str] | frozenset[str], what: str) -> None:
    unknown = sorted(set(value) - known)
    if unknown:
        raise ValueError(f"unknown {what}(s) {unknown}; known: {sorted(known)}")
    bad = {k: v for k, v in value.items() if not 1 <= v <= MAX_DAYS}
    if bad:
        raise ValueError(f"days must be 1..{MAX_DAYS}: {bad}")


class BadSettingError(IkzError):
    exit_code = 1


def _one_line(text: str) -> str:
    # A value from the environment may hold line breaks or control characters: shown
    # escaped, the message stays one line.
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in " ".join(text.split()))


def bad_setting(exc: ValidationError | SettingsError) -> BadSettingError:
    """One line naming each IKZ_* variable and what is wrong with it."""
    if isinstance(exc, SettingsError):
        # pydantic-settings fails before validating when a JSON value does not parse; the
        # field is only in its message ('error parsing value for field "health" ...').
        found = re.search(r'field "([a-z_]+)"', str(exc))
        name = f"IKZ_{found.group(1).upper()}" if found else "IKZ_*"
        why = _one_line(str(exc.__cause__ or "")) or "kein gültiges JSON"
        de = f"{name}: kein gültiges JSON ({why})"
        en = f"{name}: not valid JSON ({why})"
        return BadSettingError(
            "bad_setting", f"Ungültige Einstellung: {de}", f"Invalid setting: {en}"
        )
    parts = []
    for err in exc.errors():
        head, *rest = [str(x) for x in err["loc"]] or ["?"]
        where = f"IKZ_{head.upper()}" + (f" ({'.'.join(rest)})" if rest else "")
        msg = str(err["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {_one_line(msg)}")
    text = "; ".join(parts)
    return BadSettingError(
        "bad_setting", f"Ungültige Einstellung: {text}", f"Invalid setting: {text}"
    )


def load_settings() -> Settings:
    """Settings, or a bad setting as one IkzError line (the CLI, `ikz up` and flows)."""
    try:
        return Settings()
    except (ValidationError, SettingsError) as exc:
        raise bad_setting(exc) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
