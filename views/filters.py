"""Template filters: dates, numbers, money and names in the user's locale (Babel)."""

from decimal import Decimal

from babel.numbers import get_currency_name
from flask_babel import format_currency, format_date, format_datetime, format_decimal, get_locale


def money(amount: Decimal | None, currency: str) -> str:
    """An amount in a currency, formatted for the user's locale ("€ 1.234,50" in Dutch)."""
    if amount is None:
        return ""
    return format_currency(amount, currency)


def country_name(code: str) -> str:
    return get_locale().territories.get(code or "", code or "")


def currency_name(code: str) -> str:
    return get_currency_name(code, locale=get_locale())


def register(app) -> None:
    app.jinja_env.filters.update(
        money=money,
        country_name=country_name,
        currency_name=currency_name,
        format_date=lambda value, fmt="medium": format_date(value, fmt) if value else "",
        format_datetime=lambda value, fmt="medium": format_datetime(value, fmt) if value else "",
        format_number=format_decimal,
    )
