"""The audit log's typed values, written for the reader: money, dates, weekdays, countries
and languages in the reader's language (Babel), entry times in the party's time zone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, get_timezone_name
from babel.numbers import get_currency_name
from flask_babel import format_date, get_locale

from models.delivery_dates import parse_time

from .filters import money, number, remembered
from .i18n import locale_name
from .schedules import clock, time_range, weekdays_text

EMPTY = "—"


def _money(value: dict) -> str:
    try:
        return money(Decimal(value["money"]), value["currency"])
    except (InvalidOperation, KeyError, TypeError, ValueError):
        return str(value.get("money", ""))


def _date(text: str) -> str:
    try:
        return format_date(dt.date.fromisoformat(text), "medium")
    except (TypeError, ValueError):
        return str(text)


def _days(value: dict) -> str:
    weekdays = [day for day in value.get("days", ()) if day in range(1, 8)]
    text = weekdays_text(weekdays)
    if value.get("from") and value.get("to"):
        try:
            frame = time_range(parse_time(value["from"]), parse_time(value["to"]))
        except ValueError:
            frame = f"{value['from']}–{value['to']}"
        text = f"{text} {frame}"
    return text


def _closed(value: dict) -> str:
    day = _date(value["closed"])
    return f"{day} ({value['reason']})" if value.get("reason") else day


def _time(text: str) -> str:
    try:
        return clock(parse_time(text))
    except ValueError:
        return str(text)


def _country(code: str) -> str:
    return get_locale().territories.get(code, code)


def _language(code: str) -> str:
    return get_locale().languages.get(code, code)


def _currency(code: str) -> str:
    name = get_currency_name(code, locale=get_locale())
    return f"{name} ({code})" if name != code else code


def _tagged(value: dict) -> str:
    if "money" in value:
        return _money(value)
    if "closed" in value:
        return _closed(value)
    if "days" in value:
        return _days(value)
    if "items" in value:
        return "; ".join(audit_value(item) for item in value["items"])
    for tag, shown in (
        ("date", _date),
        ("country", _country),
        ("language", _language),
        ("currency", _currency),
        ("time", _time),
    ):
        if tag in value:
            return shown(value[tag])
    return ", ".join(str(part) for part in value.values())  # a tag of a later version


def audit_value(value) -> str:
    """A value of the log as the reader writes it; plain strings (older entries, names, a
    masked IBAN, translated labels) as they are."""
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, int):
        return number(value)
    if isinstance(value, dict):
        return _tagged(value)
    if isinstance(value, list):
        return "; ".join(audit_value(item) for item in value)
    return str(value)


# --- entry times --------------------------------------------------------------------------


def zone_label(zone: ZoneInfo) -> str:
    """The zone's name in the reader's language with its identifier: "Mitteleuropäische Zeit
    (Europe/Amsterdam)"; plainly "UTC" for UTC."""
    key = getattr(zone, "key", str(zone))
    if key in ("UTC", "Etc/UTC", "Etc/Universal", "Universal", "Zulu"):
        return "UTC"
    try:
        name = get_timezone_name(zone, "long", locale=get_locale())
    except (LookupError, ValueError):
        return key
    return f"{name} ({key})"


def entry_time(moment: dt.datetime, zone: ZoneInfo) -> str:
    """An entry's time (stored in UTC) as local time of the zone, in the reader's format."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    key = ("entry_time", moment, getattr(zone, "key", str(zone)), locale_name())
    return remembered(
        key, lambda: format_datetime(moment, "short", tzinfo=zone, locale=get_locale())
    )
