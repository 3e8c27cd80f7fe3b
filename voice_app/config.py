"""Settings from VOICE_APP_* environment variables, with safe defaults for the demo."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

# The demo secret is public (it is in this file); production refuses to start with it.
DEMO_SECRET_KEY = "voice-app-demo-secret-not-for-production"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "instance" / "voice-app.db"


class ConfigError(RuntimeError):
    """Raised when the settings would make the app unsafe or unusable."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class Settings:
    """Everything the app reads from its environment, in one typed place."""

    env: str = "demo"
    secret_key: str = DEMO_SECRET_KEY
    database_url: str = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    service_name: str = "voice-app"
    secure_cookies: bool = True
    session_hours: int = 8  # a staff session's absolute lifetime
    session_idle_minutes: int = 60  # and how long it may go unused
    login_max_failures: int = 5
    login_lock_minutes: int = 15
    rate_limits_enabled: bool = True
    rate_limit_storage_uri: str = "memory://"
    handover_minutes: int = 120
    feedback_link_days: int = 28
    # Field encryption keys, "id:base64url" comma-separated, the first encrypting (docs/records.md).
    # Empty means the public demo key, which production refuses.
    encryption_keys: str = ""
    # Whose bank holidays count as non-working days in review timescales (schedule.NATIONS).
    nation: str = "england"
    # The three houses (Signs of Safety) for children in care as well as children on a plan (2021/22 §19.4).
    houses_for_cared_for: bool = True
    # Who may have a young person's conference (docs/reviews.md): from this age on the conference day
    # (0: age alone never qualifies), and/or any child on the service's young people's pathway.
    young_persons_from_age: int = 13
    young_persons_pathway: bool = True
    # The address of the reverse proxy that terminates HTTPS (for example 127.0.0.1), whose
    # X-Forwarded-Proto and X-Forwarded-For Waitress then believes. Without it every request looks
    # like plain http from the proxy: no HSTS, and every visitor shares one rate limit.
    trusted_proxy: str = ""
    # Email (voice_app/mail): off unless VOICE_APP_SMTP_HOST is set; the in-app alerts never depend on it.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_security: str = "starttls"  # starttls, ssl, or none (none only to a server on this machine)
    smtp_timeout_seconds: int = 10
    mail_from: str = ""
    mail_max_attempts: int = 10
    # The child's own phone (voice_app/phone; docs/phone.md).
    phone_join_minutes: int = 10  # how long a joining code shown on the tablet works
    phone_unlock_minutes: int = 10  # an unlocked phone locks again after this long unused
    phone_unused_days: int = 90  # a phone not used for this long ends by itself
    # Several processes (docs/deploying.md): worker processes of this instance (`serve --workers`; 0 means
    # one per core) and how many instances share the database. Above one, rate limits need a shared store.
    workers: int = 1
    instances: int = 1
    log_format: str = "text"  # or json: one JSON object per line for a log collector
    duty_email: str = ""  # the duty manager's inbox: safety alerts go here when the child's IRO is away
    quick_exit_url: str = "https://www.bbc.co.uk/weather"
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Read VOICE_APP_* variables; anything unset keeps its demo default."""
        env = os.environ if environ is None else environ
        get = lambda name: env.get(f"VOICE_APP_{name}")  # noqa: E731
        settings = cls()
        settings.env = (get("ENV") or settings.env).strip().lower()
        settings.secret_key = get("SECRET_KEY") or settings.secret_key
        settings.database_url = get("DATABASE_URL") or settings.database_url
        settings.service_name = get("SERVICE_NAME") or settings.service_name
        settings.secure_cookies = _flag(get("SECURE_COOKIES"), settings.secure_cookies)
        settings.rate_limits_enabled = _flag(get("RATE_LIMITS"), settings.rate_limits_enabled)
        settings.rate_limit_storage_uri = get("RATE_LIMIT_STORAGE_URI") or settings.rate_limit_storage_uri
        settings.encryption_keys = (get("ENCRYPTION_KEYS") or "").strip()
        settings.nation = (get("NATION") or settings.nation).strip().lower().replace(" ", "_")
        settings.houses_for_cared_for = _flag(get("THREE_HOUSES_FOR_CARED_FOR"), settings.houses_for_cared_for)
        settings.young_persons_pathway = _flag(get("YOUNG_PERSONS_PATHWAY"), settings.young_persons_pathway)
        settings.trusted_proxy = (get("TRUSTED_PROXY") or "").strip()
        settings.smtp_host = (get("SMTP_HOST") or "").strip()
        settings.smtp_username = get("SMTP_USERNAME") or ""
        settings.smtp_password = get("SMTP_PASSWORD") or ""
        settings.smtp_security = (get("SMTP_SECURITY") or settings.smtp_security).strip().lower()
        settings.mail_from = (get("MAIL_FROM") or "").strip()
        settings.duty_email = (get("DUTY_EMAIL") or "").strip()
        settings.quick_exit_url = (get("QUICK_EXIT_URL") or settings.quick_exit_url).strip()
        settings.log_format = (get("LOG_FORMAT") or settings.log_format).strip().lower()
        for name in (
            "session_hours", "session_idle_minutes", "login_max_failures", "login_lock_minutes", "handover_minutes",
            "feedback_link_days", "smtp_port", "smtp_timeout_seconds", "mail_max_attempts",
            "phone_join_minutes", "phone_unlock_minutes", "phone_unused_days", "workers", "instances",
            "young_persons_from_age",
        ):
            raw = get(name.upper())
            if raw:
                try:
                    setattr(settings, name, int(raw))
                except ValueError as exc:
                    raise ConfigError(f"VOICE_APP_{name.upper()} must be a whole number, not {raw!r}.") from exc
        return settings

    def check(self) -> None:
        """Refuse settings that are unsafe for the chosen environment."""
        if self.env not in {"demo", "development", "test", "production"}:
            raise ConfigError(
                f"VOICE_APP_ENV is {self.env!r}; use demo, development, test or production."
            )
        if self.env == "production":
            if self.secret_key == DEMO_SECRET_KEY or len(self.secret_key) < 32:
                raise ConfigError(
                    "Refusing to start in production with the demo secret key or a short one. "
                    "Set VOICE_APP_SECRET_KEY to at least 32 random characters, for example: "
                    "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
                )
            if not self.secure_cookies:
                raise ConfigError("Production needs secure cookies; unset VOICE_APP_SECURE_COOKIES.")
        self.check_encryption()
        self.check_mail()
        self.check_shared_state()
        if self.log_format not in {"text", "json"}:
            raise ConfigError(f"VOICE_APP_LOG_FORMAT is {self.log_format!r}; use text or json.")
        if not self.quick_exit_url.startswith("https://"):
            raise ConfigError("VOICE_APP_QUICK_EXIT_URL must be an https:// address of a neutral site.")
        if min(self.phone_join_minutes, self.phone_unlock_minutes, self.phone_unused_days) < 1:
            raise ConfigError("VOICE_APP_PHONE_JOIN_MINUTES, _UNLOCK_MINUTES and _UNUSED_DAYS must be at least 1.")
        if not 0 <= self.young_persons_from_age <= 18:
            raise ConfigError("VOICE_APP_YOUNG_PERSONS_FROM_AGE must be between 0 (age alone never qualifies) and 18.")
        if not 1 <= self.feedback_link_days <= 366:
            raise ConfigError("VOICE_APP_FEEDBACK_LINK_DAYS must be between 1 and 366.")
        from voice_app.schedule import NATIONS

        if self.nation not in NATIONS:
            raise ConfigError(f"VOICE_APP_NATION is {self.nation!r}; use {', '.join(NATIONS)}.")
        if not self.database_url.startswith(("sqlite:", "postgresql")):
            raise ConfigError("VOICE_APP_DATABASE_URL must be a sqlite:/// or postgresql+psycopg:// URL.")
        _check_terms()

    @classmethod
    def for_command(cls, database_url: str | None = None) -> Settings:
        """The settings a `voice-app` command runs with: VOICE_APP_* and its --database-url over them, checked."""
        settings = cls.from_env()
        if database_url:
            settings.database_url = database_url
        settings.check()
        return settings

    def check_encryption(self) -> None:
        """Refuse malformed keys anywhere, and the public demo key (or none) in production."""
        from voice_app.crypto import EncryptionKeyError, service_keys

        try:
            service_keys(self.encryption_keys, production=self.env == "production")
        except EncryptionKeyError as exc:
            raise ConfigError(str(exc)) from exc

    def check_mail(self) -> None:
        """SMTP is optional; when it is set, it must be complete, and plain text only to this machine."""
        if not self.smtp_host:
            return
        if self.smtp_security not in {"starttls", "ssl", "none"}:
            raise ConfigError(f"VOICE_APP_SMTP_SECURITY is {self.smtp_security!r}; use starttls, ssl or none.")
        if self.smtp_security == "none" and self.env == "production" and self.smtp_host not in {"localhost", "127.0.0.1", "::1"}:
            raise ConfigError("Production sends email to another machine only over TLS: set VOICE_APP_SMTP_SECURITY to starttls or ssl.")
        if "@" not in self.mail_from:
            raise ConfigError("VOICE_APP_SMTP_HOST is set, so VOICE_APP_MAIL_FROM must be the address email comes from.")
        if not 1 <= self.smtp_port <= 65535 or self.smtp_timeout_seconds < 1 or self.mail_max_attempts < 1:
            raise ConfigError("VOICE_APP_SMTP_PORT, VOICE_APP_SMTP_TIMEOUT_SECONDS and VOICE_APP_MAIL_MAX_ATTEMPTS must be positive.")

    @property
    def processes(self) -> int:
        """How many processes serve this service at once (0 workers means one per core)."""
        workers = self.workers if self.workers > 0 else (os.cpu_count() or 1)
        return workers * max(self.instances, 1)

    def check_shared_state(self) -> None:
        """Rate limits kept in each process's memory are wrong with several processes: production refuses."""
        if self.workers < 0 or self.instances < 1:
            raise ConfigError("VOICE_APP_WORKERS must be 0 (one per core) or more, and VOICE_APP_INSTANCES at least 1.")
        shared = not self.rate_limit_storage_uri.startswith("memory://")
        if self.env == "production" and self.rate_limits_enabled and not shared and self.processes > 1:
            raise ConfigError(
                f"Refusing to start in production with {self.processes} processes ({self.workers or 'one per core'} "
                f"worker(s) x {self.instances} instance(s)) and rate limits kept in each process's memory "
                "(VOICE_APP_RATE_LIMIT_STORAGE_URI=memory://): each process would count sign-in tries on its own, "
                "so every limit would multiply. Set VOICE_APP_RATE_LIMIT_STORAGE_URI to a shared Redis, for example "
                "redis://127.0.0.1:6379/0 (docs/deploying.md), or serve one process: --workers 1 and VOICE_APP_INSTANCES=1."
            )

    @property
    def mail_enabled(self) -> bool:
        return bool(self.smtp_host)

    def keyring(self):
        """The field encryption keys these settings name (the public demo key when none are set)."""
        from voice_app.crypto import DEV_ENCRYPTION_KEYS, Keyring

        return Keyring.parse(self.encryption_keys or DEV_ENCRYPTION_KEYS)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _check_terms() -> None:
    """Read the service's terminology file now, so a mistake in it stops the start, not a child's conversation."""
    import tomllib

    from voice_app.i18n.terms import TermsError, current_terms

    try:
        current_terms()
    except (TermsError, OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"The terminology file (VOICE_APP_TERMS_FILE) cannot be used: {exc}") from exc
