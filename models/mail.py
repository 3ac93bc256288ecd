"""Email: signed links, building messages in the recipient's language, and sending them.

Messages go out over SMTP (MAIL_* settings). Without MAIL_SERVER (development) each message
is written to MAIL_OUTBOX_DIR as an .eml file and its path is logged, so the link in it can
be opened. Callers send only after their transaction has committed: SMTP can be slow, and a
write transaction must never wait on it.
"""

from __future__ import annotations

import os
import secrets
import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .base import DomainError, db, utcnow

LANGUAGES = ("en", "nl", "de", "fr", "es")


class MailError(Exception):
    """The message could not be handed to the mail server (the text says why)."""


# --- signed links ----------------------------------------------------------------------------


class LinkInvalid(DomainError):
    """The link was altered, cut short or made up (views answer 404)."""


class LinkExpired(DomainError):
    """The link was genuine but is too old (views answer 410)."""


class LinkUsed(DomainError):
    """The link was genuine but has been used, withdrawn or replaced (views answer 410)."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    # one salt per purpose: a password-reset token can never pass as an invitation token
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"portal.{purpose}")


def make_token(purpose: str, payload: dict) -> str:
    """A signed, timestamped, URL-safe token carrying payload."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int) -> dict:
    """The payload of a token made by make_token for the same purpose, younger than max_age
    seconds; LinkInvalid or LinkExpired otherwise."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise LinkExpired(_l("This link has expired.")) from error
    except (BadSignature, UnicodeError, ValueError, TypeError) as error:
        raise LinkInvalid(_l("This link is not valid.")) from error
    if not isinstance(payload, dict):
        raise LinkInvalid(_l("This link is not valid."))
    return payload


def new_nonce() -> str:
    return secrets.token_hex(16)


def _base_url() -> str:
    """Where links point outside a request: PUBLIC_URL, else the development server."""
    return (
        current_app.config.get("PUBLIC_URL") or f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"
    )


def absolute_url(endpoint: str, **values) -> str:
    """An absolute URL for a link in an email: on PUBLIC_URL when set, else on the host the
    current request came to (outside a request, without PUBLIC_URL: the development server)."""
    public = current_app.config.get("PUBLIC_URL") or ""
    if not public and not has_request_context():  # a command (flask messages remind)
        public = _base_url()
    if public:
        parts = urlsplit(public)
        adapter = current_app.url_map.bind(
            parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
        )
        return adapter.build(endpoint, values, force_external=True)
    return url_for(endpoint, _external=True, **values)


# --- building ----------------------------------------------------------------------------------


def language_or_default(language: str | None, fallback: str = "en") -> str:
    if language in LANGUAGES:
        return language
    return fallback if fallback in LANGUAGES else "en"


def render_message(to: str, template: str, language: str, subject, **context) -> EmailMessage:
    """A message to `to` from templates email/<template>.txt and .html, rendered in the
    recipient's `language`. `subject` is a lazy string (its %(name)s params given to _l) or a
    callable returning the subject; it is turned into text in that language too."""
    language = language_or_default(language)
    if not has_request_context():  # a command: templates and links need a request's context
        with current_app.test_request_context(base_url=_base_url()):
            return render_message(to, template, language, subject, **context)
    with force_locale(language):
        subject_text = str(subject() if callable(subject) else subject)
        text = render_template(f"email/{template}.txt", language=language, **context)
        html = render_template(f"email/{template}.html", language=language, **context)
    return build_message(to, subject_text, text, html=html, language=language)


def build_message(
    to: str, subject: str, text: str, *, html: str | None = None, language: str = "en"
) -> EmailMessage:
    """A plain-text email (with an optional HTML alternative) ready to send."""
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or "no-reply@localhost"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = Address(addr_spec=to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    # 8bit, not quoted-printable: the link stays whole in an .eml opened in a text editor
    message.set_content(text, cte="8bit")
    if html:
        message.add_alternative(html, subtype="html", cte="8bit")
    message["Content-Language"] = language  # after the content: set_content clears Content-*
    return message


# --- sending -----------------------------------------------------------------------------------


def send(message: EmailMessage) -> None:
    """Hand the message to the SMTP server, or write it to the outbox when none is set.

    Raises MailError when it cannot be handed over. Never call this inside a transaction.
    """
    if db.obj is not None and db.in_transaction():
        raise RuntimeError("send email after the transaction commits, not inside it")
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        _write_to_outbox(message, Path(config["MAIL_OUTBOX_DIR"]))
        return
    try:
        _send_smtp(message, config)
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.warning(
            "Email to %s could not be sent: %s", message["To"], error or type(error).__name__
        )
        raise MailError(str(error) or type(error).__name__) from error


def _send_smtp(message: EmailMessage, config) -> None:
    host, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), config["MAIL_TIMEOUT"]
    context = ssl.create_default_context()
    if config.get("MAIL_USE_SSL"):
        connection = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        connection = smtplib.SMTP(host, port, timeout=timeout)
    with connection as smtp:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            smtp.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


def _write_to_outbox(message: EmailMessage, directory: Path) -> Path:
    """Development without a mail server: keep the message as an .eml file and say where."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%d-%H%M%S")
        path = directory / f"{stamp}-{secrets.token_hex(4)}.eml"
        path.write_bytes(bytes(message))
    except OSError as error:
        raise MailError(str(error)) from error
    current_app.logger.warning(
        "No MAIL_SERVER set: email to %s (%s) written to %s",
        message["To"],
        message["Subject"],
        path,
    )
    return path
