"""Application settings, read from the environment and `.env`."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.delivery.limits import MAX_SEND_RATE, Limits
from bot.paths import default_database_url

if TYPE_CHECKING:
    from services.reminders import ReminderRules

SUPPORTED_LANGUAGES = ("ru", "en")


class Settings(BaseSettings):
    """Everything the bot can be configured with; see `.env.example`."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    # The folder for the bot's files (bot/paths.py has the rule when it is not set); the
    # database is a SQLite file in it unless DATABASE_URL names another.
    data_dir: Path | None = None
    database_url: str = ""
    default_language: str = "ru"
    default_timezone: str = "Europe/Moscow"
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    bot_api_base_url: str | None = None
    # Redis for conversation state shared by several processes (redis://host:6379/0).
    redis_url: str | None = None
    redis_prefix: str = "school-bot"
    # Webhook mode: the public https address Telegram posts to, the path, a secret Telegram
    # sends back in a header, and where this process listens.
    webhook_url: str | None = None
    webhook_path: str = "/telegram/webhook"
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"  # in a container, listen on every interface
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    delivery_interval_seconds: float = Field(default=1.0, gt=0)
    # Reminders and digests (local times of each organisation).
    digest_time: time = time(18, 0)
    reminder_evening_time: time = time(18, 0)
    reminder_minutes_before: int = Field(default=60, ge=5, le=24 * 60)
    consent_reminder_days: int = Field(default=2, ge=1)
    consent_expiry_days: int = Field(default=7, ge=2)
    # Delivery: messages per second per messenger, seconds between two messages to one chat,
    # and the default quiet hours (local time of the recipient's organisation).
    send_rate: int = Field(default=30, ge=1, le=1000)
    chat_interval_seconds: float = Field(default=1.0, ge=0)
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    log_level: str = "INFO"
    # MAX (max.ru): the bot's token from the MAX partner platform, admins by MAX user id, the
    # API address (for a local fake), its send rate, and its webhook path and secret.
    max_bot_token: SecretStr | None = None
    max_admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    max_api_base_url: str | None = None
    max_send_rate: int = Field(default=MAX_SEND_RATE, ge=1, le=1000)
    max_webhook_path: str = "/max/webhook"
    max_webhook_secret: SecretStr | None = None

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        digits, sep, rest = value.get_secret_value().partition(":")
        if not (digits.isdigit() and sep and rest):
            raise ValueError("must look like 123456:ABC-DEF (as given by @BotFather)")
        return value

    @field_validator("default_language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("must be an IANA time zone such as Europe/Moscow") from exc
        return value

    @field_validator("max_bot_token")
    @classmethod
    def _max_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if any(c.isspace() for c in value.get_secret_value()):
            raise ValueError("must be the token from the MAX partner platform, without spaces")
        return value

    @field_validator("admin_ids", "max_admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").split(",") if p.strip()]
            try:
                return [int(p) for p in parts]
            except ValueError as exc:
                raise ValueError("must be user ids separated by commas") from exc
        return value

    @field_validator("data_dir", mode="before")
    @classmethod
    def _data_dir(cls, value: object) -> object:
        return value or None

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if value and "://" not in value:
            raise ValueError(
                "must be a SQLAlchemy URL such as sqlite+aiosqlite:///data/bot.sqlite3"
            )
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value or None

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value and not value.startswith("https://"):
            raise ValueError("must be a public https:// address (Telegram requires TLS)")
        return value or None

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        secret = value.get_secret_value()
        if not (1 <= len(secret) <= 256) or not all(c.isalnum() or c in "_-" for c in secret):
            raise ValueError("must be 1-256 characters: letters, digits, _ and -")
        return value

    @field_validator("max_webhook_secret")
    @classmethod
    def _max_webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not 5 <= len(value.get_secret_value()) <= 256:
            raise ValueError("must be 5-256 characters (MAX's rule)")
        return value

    @field_validator("bot_api_base_url", "max_api_base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value or None

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database_url:
            self.database_url = default_database_url(self.data_dir)
        return self

    def reminder_rules(self) -> ReminderRules:
        from services.reminders import ReminderRules

        return ReminderRules(
            evening_at=self.reminder_evening_time,
            minutes_before=self.reminder_minutes_before,
            consent_remind_after=timedelta(days=self.consent_reminder_days),
            consent_expire_after=timedelta(days=self.consent_expiry_days),
        )

    @property
    def messengers(self) -> list[str]:
        """The messengers this installation serves: those with a token."""
        return [
            name
            for name, token in (("telegram", self.bot_token), ("max", self.max_bot_token))
            if token is not None
        ]

    def delivery_limits(self) -> Limits:
        return Limits(
            rate=self.send_rate,
            rates={"max": self.max_send_rate},
            chat_interval=self.chat_interval_seconds,
            quiet_start=self.quiet_start,
            quiet_end=self.quiet_end,
        )


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it in one line."""


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning pydantic's report into one clear line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"]) or "settings"
        message = first["msg"].removeprefix("Value error, ")
        raise SettingsError(f"Setting {name.upper()} is invalid: {message}") from None
