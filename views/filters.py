"""Template filters: dates, numbers, money and names in the user's locale (Babel)."""

from decimal import Decimal
from urllib.parse import quote

from babel.numbers import format_currency as babel_currency
from babel.numbers import get_currency_name, get_currency_precision
from flask import url_for
from flask_babel import (
    format_currency,
    format_date,
    format_datetime,
    format_decimal,
    get_locale,
)

from models.base import from_minor

from .i18n import locale_name, timezone_name


def money(amount: Decimal | None, currency: str) -> str:
    """An amount in a currency, formatted for the user's locale ("€ 1.234,50" in Dutch)."""
    if amount is None:
        return ""
    key = ("money", type(amount), amount, currency, locale_name())
    return remembered(key, lambda: format_currency(amount, currency))


def unit_money(minor, currency: str) -> str:
    """A unit price in minor units that may hold fractions of one (a hundredth: "€12.3767"),
    with as many decimals as it needs, at least the currency's."""
    if minor is None:
        return ""
    digits = get_currency_precision(currency)
    amount = (Decimal(minor) / (10**digits)).quantize(Decimal(1).scaleb(-(digits + 2)))
    key = ("unit_money", amount, currency, locale_name())
    return remembered(
        key,
        lambda: babel_currency(amount, currency, locale=locale_name(), decimal_quantization=False),
    )


def number(value) -> str:
    """A number in the user's locale ("1.234" in Dutch); Babel takes ~40 µs a number."""
    if value is None:
        return ""
    return remembered(("number", type(value), value, locale_name()), lambda: format_decimal(value))


def unit_label(product) -> str:
    """A product's unit as the reader says it ("Box of 12"), kept per unit and language: a
    catalog page names 24 units, most of them the same."""
    key = ("unit", product.unit, product.pack_size, locale_name())
    return remembered(key, lambda: str(product.unit_label()))


def country_name(code: str) -> str:
    """A country's name in the user's language, kept per language (a list of addresses names
    a country on every row)."""
    code = code or ""
    return remembered(
        ("country", code, locale_name()), lambda: get_locale().territories.get(code, code)
    )


def currency_name(code: str) -> str:
    return remembered(
        ("currency", code, locale_name()), lambda: get_currency_name(code, locale=get_locale())
    )


class PerRow:
    """A translated text with a blank that each row fills: `{% set remove = per_row(_("Remove
    %(name)s", name=blank)) %}` then `{{ remove(member.name) }}` in the loop -- one
    translation for the whole list instead of one per row. The row's value is escaped."""

    BLANK = "\x00"  # no form stores it (views/forms/base.py refuses control characters)

    def __init__(self, text):
        self.text = text

    def __call__(self, value) -> str:
        return self.text.replace(self.BLANK, value)


# Dates as text, kept per value, format, language and timezone: Babel takes ~15 µs a date, and
# lists show the same dates on every visit. Bounded: cleared when it grows past _KEPT entries.
_dates: dict[tuple, str] = {}
_KEPT = 20_000


def remembered(key: tuple, compute) -> str:
    """The text for key (which names everything the text depends on: the value, the format,
    the language, the timezone), computed once."""
    text = _dates.get(key)
    if text is None:
        if len(_dates) >= _KEPT:
            _dates.clear()
        text = _dates[key] = compute()
    return text


def _kept(function, value, fmt: str) -> str:
    if not value:
        return ""
    key = (function, value, fmt, locale_name(), timezone_name())
    return remembered(key, lambda: function(value, fmt))


def register(app) -> None:
    app.jinja_env.filters.update(
        money=money,
        minor_money=lambda minor, currency: money(from_minor(minor, currency), currency),
        minor_amount=from_minor,
        unit_money=unit_money,
        bp_percent=lambda basis_points: number(Decimal(basis_points) / 100),
        country_name=country_name,
        currency_name=currency_name,
        format_date=lambda value, fmt="medium": _kept(format_date, value, fmt),
        format_datetime=lambda value, fmt="medium": _kept(format_datetime, value, fmt),
        format_number=number,
        unit_label=unit_label,
    )
    app.jinja_env.globals.update(row_url=RowURL, per_row=PerRow, blank=PerRow.BLANK)


class RowURL:
    """The URL of one endpoint for many rows, built once: `url_for` takes ~10 µs, and a list of
    25 rows with three actions each spent most of a millisecond on it. Calling it with a row's
    id gives that row's URL, exactly as url_for(endpoint, **args, <key>=id) would. With
    `text_key`, the URL has a second part per row (a path segment, e.g. an image's content
    key): call it with the id and that text."""

    _MARK = 987_654_321_987  # an id no row has, to find where the id goes
    _TEXT_MARK = "rowurltext5b1f"

    def __init__(self, endpoint: str, key: str, text_key: str | None = None, **args):
        marks = {key: self._MARK}
        if text_key:
            marks[text_key] = self._TEXT_MARK
        built = url_for(endpoint, **args, **marks)
        self.prefix, _, self.suffix = built.partition(str(self._MARK))
        self.text_key = text_key

    def __call__(self, row_id: int, text: str | None = None) -> str:
        url = f"{self.prefix}{int(row_id)}{self.suffix}"
        if self.text_key:
            url = url.replace(self._TEXT_MARK, quote(str(text), safe="!$&'()*+,/:;=@"), 1)
        return url
