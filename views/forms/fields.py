"""Choices and fields shared by several forms."""

from __future__ import annotations

from babel import Locale
from babel.numbers import get_territory_currencies
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import ValidationError

from config import LANGUAGES

# Babel territory codes that are not countries (regions, unions, placeholders).
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"}


def country_codes() -> list[str]:
    """ISO 3166-1 alpha-2 codes Babel knows as countries."""
    names = Locale("en").territories
    return sorted(
        code
        for code in names
        if len(code) == 2 and code.isalpha() and code.isupper() and code not in _NOT_COUNTRIES
    )


COUNTRY_CODES = frozenset(country_codes())


def country_choices() -> list[tuple[str, str]]:
    """(code, name) pairs, names in the user's language, sorted as they read."""
    names = get_locale().territories
    pairs = [(code, names.get(code, code)) for code in COUNTRY_CODES]
    return sorted(pairs, key=lambda pair: pair[1].casefold())


def default_currency(country: str) -> str:
    """The currency in use in a country today (EUR for NL, SEK for SE)."""
    currencies = get_territory_currencies(country, tender=True, non_tender=False)
    return currencies[0] if currencies else "EUR"


def language_choices() -> list[tuple[str, str]]:
    return list(LANGUAGES.items())


class CountryField(SelectField):
    """A country picked from Babel's localised list."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label or _l("Country"), validators, **kwargs)

    def pre_validate(self, form):
        # choices are filled per request; check against the full list
        if self.data not in COUNTRY_CODES:
            raise ValidationError(self.gettext("Not a valid choice."))


def strip(value):
    """Field filter: surrounding spaces removed (pasted email addresses often carry them)."""
    return value.strip() if isinstance(value, str) else value
