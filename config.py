"""Settings from the environment; see README.md, "Configuration"."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))

LANGUAGES = {
    "en": "English",
    "nl": "Nederlands",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
}


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one kept in instance/ so sessions survive restarts."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _mail_port(use_tls: bool, use_ssl: bool) -> int:
    if value := os.environ.get("MAIL_PORT"):
        return int(value)
    return 465 if use_ssl else 587 if use_tls else 25


def _trusted_hosts(dev: bool) -> list[str] | None:
    """TRUSTED_HOSTS (comma-separated) from the environment; else the PUBLIC_URL host; else, in
    development, this machine's loopback names."""
    if hosts := os.environ.get("TRUSTED_HOSTS"):
        return [h.strip() for h in hosts.split(",") if h.strip()]
    if public := os.environ.get("PUBLIC_URL"):
        return [urlsplit(public).hostname]
    return ["localhost", "127.0.0.1", "::1"] if dev else None


def from_environment() -> dict:
    """The app's configuration as read from environment variables."""
    dev = os.environ.get("PORTAL_ENV", "development") == "development"
    secure = _flag("SESSION_COOKIE_SECURE", not dev)
    mail_tls = _flag("MAIL_USE_TLS", False)
    mail_ssl = _flag("MAIL_USE_SSL", False)
    return {
        "SECRET_KEY": _secret_key(),
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'portal.sqlite3'}"
        ),
        "PORTAL_ENV": "development" if dev else "production",
        "SESSION_COOKIE_SECURE": secure,
        # __Host-: sent over HTTPS only, to this host only, never widened by a Domain
        "SESSION_COOKIE_NAME": "__Host-session" if secure else "session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Sign-in, reset and sign-up limits, counted in the database (models/guard.py)
        "THROTTLE_ENABLED": _flag("THROTTLE_ENABLED", True),
        # How many reverse proxies stand in front (their X-Forwarded-For is trusted); 0: none
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", "120")),
        "SESSION_LIFETIME_HOURS": int(os.environ.get("SESSION_LIFETIME_HOURS", "12")),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(BASE_DIR / "translations"),
        "LANGUAGES": LANGUAGES,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # Pages are built per request, so compressed fast: brotli quality 1 and gzip level 1
        # take 0.1-0.2 ms for a 100 KB page (quality 4 and level 6: 0.4-0.6 ms) and still
        # shrink it 10-12x; CSS and JS are long-cached, so their few bytes more are sent once.
        "COMPRESS_BR_LEVEL": 1,
        "COMPRESS_LEVEL": 1,
        "WTF_CSRF_TIME_LIMIT": None,
        "DEMO_DATA_ALLOWED": _flag("DEMO_DATA_ALLOWED", dev),
        # Email over SMTP; without MAIL_SERVER messages are written to MAIL_OUTBOX_DIR as .eml
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": _mail_port(mail_tls, mail_ssl),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": mail_tls,  # STARTTLS after connecting
        "MAIL_USE_SSL": mail_ssl,  # TLS from the first byte (port 465)
        "MAIL_TIMEOUT": float(os.environ.get("MAIL_TIMEOUT", "10")),
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "B2B Portal <no-reply@localhost>"
        ),
        "MAIL_OUTBOX_DIR": os.environ.get("MAIL_OUTBOX_DIR", str(INSTANCE_DIR / "outbox")),
        # Base of links in emails (https://portal.example.com); else the request's host
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", "").rstrip("/"),
        # Host headers the app answers (others get 400), so no link is built on a forged host.
        "TRUSTED_HOSTS": _trusted_hosts(dev),
    }
