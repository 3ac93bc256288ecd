"""Budget periods (F34, issue 11 -- started): which window of time a period budget counts the
orders of. Pure functions, no database.

Written down: a period runs from local midnight to local midnight in the budget's party's
timezone (`zone`), and is returned as naive UTC datetimes [start, end) -- how orders' placed_at
is stored -- so a summer-time change inside a period moves its UTC ends, not its local days.
- week: Monday 00:00 to the next Monday 00:00 (ISO weeks);
- month: the 1st to the 1st of the next month;
- quarter: 1 January, 1 April, 1 July or 1 October to the next of them;
- year: 1 January to the next 1 January;
- one-off: its first day 00:00 to the day after its last day 00:00 (both days count);
- per order: no window (each order on its own).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from .base import DomainError

PERIODS = ("order", "week", "month", "quarter", "year", "one_off")
PERIOD_LABELS = {
    "order": _l("Per order"),
    "week": _l("Per week"),
    "month": _l("Per month"),
    "quarter": _l("Per quarter"),
    "year": _l("Per year"),
    "one_off": _l("One-off, from a day to a day"),
}
UTC = dt.UTC


def _utc(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """Local midnight at the start of `day` in `zone`, as naive UTC."""
    return dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def _first_days(period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The local first day of the period holding `today`, and of the one after it."""
    if period == "week":
        start = today - dt.timedelta(days=today.isoweekday() - 1)
        return start, start + dt.timedelta(days=7)
    if period == "month":
        start = today.replace(day=1)
    elif period == "quarter":
        start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    elif period == "year":
        start = dt.date(today.year, 1, 1)
    else:
        raise ValueError(period)
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    month = start.month - 1 + months
    return start, dt.date(start.year + month // 12, month % 12 + 1, 1)


def check_one_off(starts_on: dt.date | None, ends_on: dt.date | None) -> None:
    """A one-off period needs both days, the last not before the first."""
    if starts_on is None:
        raise DomainError(_l("Enter the first day of the period."), "starts_on")
    if ends_on is None:
        raise DomainError(_l("Enter the last day of the period."), "ends_on")
    if ends_on < starts_on:
        raise DomainError(_l("The period cannot end before it starts."), "ends_on")


def period_window(
    period: str,
    moment: dt.datetime,
    zone: ZoneInfo,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> tuple[dt.datetime, dt.datetime] | None:
    """The [start, end) window, naive UTC, of the `period` holding `moment` (naive UTC, as
    placed_at is stored) for a party in `zone`; None for a per-order budget. A one-off period
    is its own days, whatever the moment (a moment outside them is in no window: the caller
    asks `in_window`)."""
    if period == "order":
        return None
    if period == "one_off":
        check_one_off(starts_on, ends_on)
        return _utc(starts_on, zone), _utc(ends_on + dt.timedelta(days=1), zone)
    local = moment.replace(tzinfo=UTC).astimezone(zone).date()
    first, following = _first_days(period, local)
    return _utc(first, zone), _utc(following, zone)


def in_window(window: tuple[dt.datetime, dt.datetime] | None, moment: dt.datetime) -> bool:
    """Whether `moment` (naive UTC) falls in the window (a per-order budget: always)."""
    return window is None or window[0] <= moment < window[1]
