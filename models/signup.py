"""Self-service sign-up with a verified email address (F6).

Sign-up answers the same whether or not the address has an account, so nobody can use it to
find out who has one: a new address gets a confirmation link (the account works once it is
opened); an address with an account gets an email telling its owner, with a sign-in and a
password-reset link.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from .base import DomainError, retrying, transaction
from .guard import SIGNUP_EMAIL, may_email
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
from .parties import EmailTaken, Party, User, mark_email_verified, normalise_email, sign_up

VERIFY_DAYS = 3
VERIFY_PURPOSE = "verify-email"


class EmailNotVerified(DomainError):
    """The password was right, but the address was never confirmed."""


def verify_token(user: User) -> str:
    return make_token(VERIFY_PURPOSE, {"u": user.id, "e": user.email})


def user_for_verification(token: str) -> User:
    """The user a confirmation link is for; LinkInvalid, LinkExpired, or LinkUsed once the
    address is confirmed (the link signs in, so it works only once)."""
    payload = read_token(VERIFY_PURPOSE, token, VERIFY_DAYS * 86400)
    user_id = payload.get("u")
    user = User.get_or_none(User.id == user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or payload.get("e") != user.email:
        raise LinkInvalid(_l("This confirmation link is not valid."))
    if user.email_verified_at is not None:
        raise LinkUsed(_l("Your email address is already confirmed. Sign in with your password."))
    return user


@retrying
def confirm_email(token: str) -> User:
    """Open a confirmation link: the account's address is verified; the link is used up."""
    with transaction():
        user = user_for_verification(token)  # again, under the write lock: once only
        mark_email_verified(user)
    return user


def _send(message) -> None:
    try:
        send(message)
    except MailError:
        current_app.logger.exception("Sign-up email to %s failed", message["To"])


def send_confirmation(user: User) -> None:
    """Email the link that confirms the address (throttled per address, silently)."""
    if not may_email(SIGNUP_EMAIL, user.email):
        return
    _send(
        render_message(
            user.email,
            "verify_email",
            user.language,
            _l("Confirm your email address"),
            name=user.name,
            link=absolute_url("auth.confirm_email", token=verify_token(user)),
            days=VERIFY_DAYS,
        )
    )


def _tell_owner(email: str, language: str | None) -> None:
    """Someone signed up with an address that has an account: tell its owner, nobody else."""
    owner = User.get_or_none(User.email == email)
    if owner is None or not may_email(SIGNUP_EMAIL, email):
        return
    if owner.email_verified_at is None:  # they signed up before and lost the first email
        send_confirmation(owner)
        return
    _send(
        render_message(
            owner.email,
            "signup_exists",
            owner.language or language,
            _l("You already have an account"),
            name=owner.name,
            signin=absolute_url("auth.signin"),
            reset=absolute_url("auth.forgot_password"),
        )
    )


def register(
    *, email: str, password: str, name: str, language: str | None, company: dict
) -> tuple[User, Party] | None:
    """Sign up: (user, party) for a new address, its confirmation email sent; None when the
    address has an account (its owner is told by email). The caller answers the same."""
    email = normalise_email(email)
    try:
        user, party = sign_up(
            email=email, password=password, name=name, language=language, company=company
        )
    except EmailTaken:
        _tell_owner(email, language)
        return None
    send_confirmation(user)
    return user, party


def resend_confirmation(email: str) -> None:
    """Send the confirmation link again to an unconfirmed account (neutral for the caller)."""
    user = User.get_or_none(User.email == normalise_email(email), User.active == True)  # noqa: E712
    if user is not None and user.email_verified_at is None:
        send_confirmation(user)


def require_verified(user: User) -> None:
    """Refuse sign-in to an account whose address was never confirmed."""
    if user.email_verified_at is None:
        raise EmailNotVerified(
            _l(
                "Confirm your email address first: open the link we sent to %(email)s. "
                "No email? We can send it again."
            ),
            email=user.email,
        )
