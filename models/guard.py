"""Guarding sign-in, password reset and sign-up against guessing, spraying and flooding.

Failures are counted per account and per client address in the shared database
(models/throttle.py). So that an attacker cannot lock the real user out, a browser that has
signed in to an account before carries a signed *device cookie* for it (OWASP's device-cookie
scheme): with it, the per-account and per-address locks do not apply; only that device's own
failures count, and a device that fails too often is locked on its own.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

from .base import DomainError
from .mail import LinkExpired, LinkInvalid, make_token, new_nonce, read_token
from .parties import User, authenticate, normalise_email
from .throttle import Limit, count, exceeded

WINDOW = dt.timedelta(minutes=15)
SIGNIN_ACCOUNT = Limit("signin-account", 10, WINDOW)  # failures per account
SIGNIN_ADDRESS = Limit("signin-address", 30, WINDOW)  # failures per client address (spraying)
SIGNIN_DEVICE = Limit("signin-device", 10, WINDOW)  # failures per trusted device
RESET_ACCOUNT = Limit("reset-account", 3, dt.timedelta(hours=1))  # reset emails per account
RESET_ADDRESS = Limit("reset-address", 20, dt.timedelta(hours=1))  # reset requests per address
SIGNUP_ADDRESS = Limit("signup-address", 10, dt.timedelta(hours=1))  # sign-ups per address
SIGNUP_EMAIL = Limit("signup-email", 3, dt.timedelta(hours=1))  # confirmation emails per address

DEVICE_PURPOSE = "device"
DEVICE_DAYS = 365
MAX_DEVICE_TOKENS = 5  # accounts remembered per browser


def _enabled() -> bool:
    """The limits apply unless the app's THROTTLE_ENABLED setting turns them off (benchmarks)."""
    from flask import current_app

    return current_app.config.get("THROTTLE_ENABLED", True)


class TooManyAttempts(DomainError):
    """A throttle refused the request (views answer 429)."""


def _refusal(limit: Limit) -> TooManyAttempts:
    if limit in (SIGNIN_ACCOUNT, SIGNIN_DEVICE):
        return TooManyAttempts(
            _l(
                "Too many failed sign-ins for this account. Try again in %(minutes)s minutes, "
                "or reset your password."
            ),
            minutes=limit.minutes,
        )
    return TooManyAttempts(
        _l("Too many attempts from your network. Please try again in %(minutes)s minutes."),
        minutes=limit.minutes,
    )


# --- device cookies ------------------------------------------------------------------------


def device_token(user: User, nonce: str | None = None) -> str:
    """A signed token saying this browser signed in to user's account."""
    return make_token(DEVICE_PURPOSE, {"u": user.id, "n": nonce or new_nonce()})


def read_devices(cookie: str | None) -> dict[int, tuple[str, str]]:
    """user id -> (nonce, token) of the genuine device tokens in the cookie."""
    devices: dict[int, tuple[str, str]] = {}
    for token in (cookie or "").split("~")[:MAX_DEVICE_TOKENS]:
        if not token:
            continue
        try:
            payload = read_token(DEVICE_PURPOSE, token, DEVICE_DAYS * 86400)
        except (LinkInvalid, LinkExpired):
            continue
        user_id, nonce = payload.get("u"), payload.get("n")
        if isinstance(user_id, int) and isinstance(nonce, str):
            devices[user_id] = (nonce, token)
    return devices


def devices_cookie(devices: dict[int, tuple[str, str]], user: User) -> str:
    """The cookie value after user signed in: their token first (kept or new), then others."""
    nonce, token = devices.get(user.id) or (None, device_token(user))
    others = [t for uid, (_n, t) in devices.items() if uid != user.id]
    return "~".join([token, *others][:MAX_DEVICE_TOKENS])


# --- sign-in ---------------------------------------------------------------------------------


def guarded_authenticate(
    email: str, password: str, *, address: str, devices: dict[int, tuple[str, str]]
) -> User:
    """authenticate(), refused while the account, the address or this device failed too often.

    A browser with a device token for the account is trusted: only its own failures count,
    so someone guessing elsewhere cannot lock the owner out."""
    if not _enabled():
        return authenticate(email, password)
    email = normalise_email(email)[:254]
    known = User.get_or_none(User.email == email)
    trusted = devices.get(known.id) if known is not None else None
    if trusted is not None:
        nonce = trusted[0]
        if exceeded(SIGNIN_DEVICE, nonce):
            raise _refusal(SIGNIN_DEVICE)
    else:
        for limit, subject in ((SIGNIN_ACCOUNT, email), (SIGNIN_ADDRESS, address)):
            if exceeded(limit, subject):
                raise _refusal(limit)
    try:
        return authenticate(email, password)
    except DomainError:
        if trusted is not None:
            count((SIGNIN_DEVICE, trusted[0]))
        else:
            count((SIGNIN_ACCOUNT, email), (SIGNIN_ADDRESS, address))
        raise


# --- password reset and sign-up --------------------------------------------------------------


def check_address(limit: Limit, address: str) -> None:
    """Refuse (TooManyAttempts) when this client address used up the limit; else count it."""
    if not _enabled():
        return
    if exceeded(limit, address):
        raise _refusal(limit)
    count((limit, address))


def may_email(limit: Limit, email: str) -> bool:
    """True (and counted) while an address may get another email of this kind; the screen
    says the same either way, so nobody learns whether the account exists."""
    if not _enabled():
        return True
    email = normalise_email(email)[:254]
    if exceeded(limit, email):
        return False
    count((limit, email))
    return True
