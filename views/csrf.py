"""CSRF tokens masked afresh in every response (against BREACH).

Pages are compressed, and some echo what the visitor typed; a secret that stays the same in every
compressed response could then be guessed byte by byte from the response sizes (BREACH). So the
token is never sent as it is: each time it goes into a page it is XORed with a new random pad (the
pad travels with it), and it is unmasked before Flask-WTF checks it.
"""

from __future__ import annotations

import base64
import binascii
import secrets

from flask import g
from flask_wtf.csrf import CSRFProtect, _FlaskFormCSRF, generate_csrf


def mask(token: str) -> str:
    """The token hidden under a fresh random pad: different in every response."""
    raw = token.encode()
    pad = secrets.token_bytes(len(raw))
    masked = pad + bytes(a ^ b for a, b in zip(pad, raw, strict=True))
    return base64.urlsafe_b64encode(masked).decode().rstrip("=")


def unmask(value: str | None) -> str | None:
    """The token a masked value carries; anything else comes back unusable (and is refused)."""
    if not value:
        return value
    try:
        data = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return "invalid"
    half = len(data) // 2
    if not half or len(data) % 2:
        return "invalid"
    raw = bytes(a ^ b for a, b in zip(data[:half], data[half:], strict=True))
    return raw.decode("ascii", errors="replace")


def masked_csrf_token() -> str:
    """The CSRF token for a form field or the hx-headers attribute, masked anew for each
    response (one pad per response is what BREACH needs: the 25 forms of a list share it)."""
    return masked(generate_csrf())


def masked(token: str) -> str:
    """`token` masked, with the same pad for the rest of this response."""
    kept = g.get("_masked_csrf")
    if kept is None or kept[0] != token:
        kept = g._masked_csrf = (token, mask(token))
    return kept[1]


class MaskedCSRFProtect(CSRFProtect):
    """CSRFProtect that takes the masked token from the form or the X-CSRFToken header."""

    def _get_csrf_token(self):
        return unmask(super()._get_csrf_token())


class MaskedFormCSRF(_FlaskFormCSRF):
    """The csrf_token field of every form: masked when rendered, unmasked when checked."""

    def generate_csrf_token(self, csrf_token_field):
        return masked(super().generate_csrf_token(csrf_token_field))

    def validate_csrf_token(self, form, field):
        field.data = unmask(field.data)
        return super().validate_csrf_token(form, field)
