"""Choices, fields and helpers shared by several forms."""

from __future__ import annotations

from babel.numbers import get_territory_currencies
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import ValidationError

from config import LANGUAGES
from models.base import DomainError
from models.identifiers import fold, known_countries

# ISO 3166-1 alpha-2 codes Babel knows as countries (the domain's list).
COUNTRY_CODES = known_countries()


def country_choices() -> list[tuple[str, str]]:
    """(code, name) pairs, names in the user's language, sorted as they read."""
    names = get_locale().territories
    pairs = [(code, names.get(code, code)) for code in COUNTRY_CODES]
    return sorted(pairs, key=lambda pair: reading_order(pair[1]))


def reading_order(name: str) -> str:
    """A sort key that files accented letters with their base letter ("Dänemark" among the
    D's before "Deutschland", "Côte d'Ivoire" before "Cuba")."""
    return fold(name)


def browser_country() -> str | None:
    """The country of the browser's preferred language region ("de-DE" -> "DE"), if it
    names one we know; else None (no country is preselected)."""
    from flask import request

    for value, _quality in request.accept_languages:
        parts = value.replace("_", "-").split("-")
        if len(parts) >= 2 and parts[-1].upper() in COUNTRY_CODES:
            return parts[-1].upper()
    return None


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
            raise ValidationError(_l("Choose a country from the list."))


def strip(value):
    """Field filter: surrounding spaces removed (pasted email addresses often carry them)."""
    return value.strip() if isinstance(value, str) else value


def field_error(form, error: DomainError) -> str | None:
    """Put a refusal of the domain on its form field; a refusal without a field is returned
    (the view shows it above the form)."""
    field = None
    if error.field:
        # "delivery-street": the street of the form's delivery part (a FormField)
        field = form
        for part in error.field.split("-"):
            field = getattr(getattr(field, "form", field), part, None)
            if field is None:
                break
    if field is None:
        return str(error)
    field.errors = [*field.errors, str(error)]
    return None
