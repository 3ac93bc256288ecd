"""Password reset by an emailed link (F6): signed, expiring after two hours, single use.

The token carries the user id and a fingerprint of the current password hash, so it stops
working the moment the password changes (by this link or any other way).
"""

from __future__ import annotations

import hashlib

from flask import current_app
from flask_babel import lazy_gettext as _l

from .base import transaction, utcnow
from .mail import (
    LinkInvalid,
    LinkUsed,
    MailError,
    absolute_url,
    make_token,
    read_token,
    render_message,
    send,
)
from .parties import User, hash_password, normalise_email, revoke_sessions

RESET_HOURS = 2
RESET_MAX_AGE = RESET_HOURS * 3600  # seconds
TOKEN_PURPOSE = "password-reset"  # noqa: S105 - a salt name, not a secret


def _fingerprint(user: User) -> str:
    # the hash of the (salted) password hash: changes with every new password, reveals nothing
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:24]


def reset_token(user: User) -> str:
    return make_token(TOKEN_PURPOSE, {"u": user.id, "f": _fingerprint(user)})


def request_password_reset(email: str, link_for=None) -> bool:
    """Email a reset link to the active account with this address, if there is one.

    The caller answers the same whatever happens (no account enumeration); the return value
    (True when an email went out) is for tests and logs only.
    """
    user = User.get_or_none(User.email == normalise_email(email), User.active == True)  # noqa: E712
    if user is None:
        return False
    link_for = link_for or (lambda token: absolute_url("auth.reset_password", token=token))
    message = render_message(
        user.email,
        "password_reset",
        user.language,
        _l("Choose a new password"),
        name=user.name,
        link=link_for(reset_token(user)),
        hours=RESET_HOURS,
    )
    try:
        send(message)
    except MailError:
        current_app.logger.exception("Password reset email to user %s failed", user.id)
        return False
    return True


def user_for_reset(token: str) -> User:
    """The user a reset link is for; LinkInvalid, LinkExpired or LinkUsed otherwise."""
    payload = read_token(TOKEN_PURPOSE, token, RESET_MAX_AGE)
    user_id = payload.get("u")
    user = User.get_or_none(User.id == user_id) if isinstance(user_id, int) else None
    if user is None or not user.active:
        raise LinkInvalid(_l("This password reset link is not valid."))
    if payload.get("f") != _fingerprint(user):
        raise LinkUsed(
            _l("This password reset link has already been used. Ask for a new one if needed.")
        )
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset link; every session of the user ends."""
    user_for_reset(token)  # refuse a bad link before spending time on hashing
    password_hash = hash_password(password)
    with transaction():
        user = user_for_reset(token)  # again, under the write lock: single use
        user.password_hash = password_hash
        if user.email_verified_at is None:  # the emailed link proves the address is theirs
            user.email_verified_at = utcnow()
        user.save(only=[User.password_hash, User.email_verified_at])
        revoke_sessions(user)
    return user
