"""Budget periods (issue 11, F34), pure: week starts, month, quarter and year ends, one-off
ranges, and the timezone at the edges (local midnight, summer time)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from models.base import DomainError
from models.budget_periods import in_window, period_window

AMS = ZoneInfo("Europe/Amsterdam")
NYC = ZoneInfo("America/New_York")


def utc(*args):
    return dt.datetime(*args)


def test_a_week_runs_from_monday_midnight_local():
    # Wednesday 9 December 2026, noon UTC: the week of Monday 7 December, Amsterdam (UTC+1)
    start, end = period_window("week", utc(2026, 12, 9, 12), AMS)
    assert (start, end) == (utc(2026, 12, 6, 23), utc(2026, 12, 13, 23))


def test_late_sunday_evening_in_utc_is_already_monday_in_amsterdam():
    # Sunday 13 December 23:30 UTC is Monday 00:30 in Amsterdam: the next week
    start, _end = period_window("week", utc(2026, 12, 13, 23, 30), AMS)
    assert start == utc(2026, 12, 13, 23)


def test_a_month_across_the_change_to_summer_time_keeps_its_local_days():
    # March 2026: summer time starts on Sunday the 29th; April starts at 00:00 CEST (UTC+2)
    start, end = period_window("month", utc(2026, 3, 15), AMS)
    assert (start, end) == (utc(2026, 2, 28, 23), utc(2026, 3, 31, 22))


def test_quarters_end_with_march_june_september_and_december():
    assert period_window("quarter", utc(2026, 5, 20), AMS) == (
        utc(2026, 3, 31, 22),
        utc(2026, 6, 30, 22),
    )
    assert period_window("quarter", utc(2026, 12, 31, 12), AMS) == (
        utc(2026, 9, 30, 22),
        utc(2026, 12, 31, 23),
    )


def test_new_years_eve_after_local_midnight_is_the_next_year():
    # 31 December 23:30 UTC is 1 January 00:30 in Amsterdam; still the old year in New York
    assert period_window("year", utc(2026, 12, 31, 23, 30), AMS)[0] == utc(2026, 12, 31, 23)
    assert period_window("year", utc(2026, 12, 31, 23, 30), NYC) == (
        utc(2026, 1, 1, 5),
        utc(2027, 1, 1, 5),
    )


def test_a_one_off_period_counts_both_its_days():
    window = period_window(
        "one_off", utc(2026, 1, 1), AMS, dt.date(2026, 6, 1), dt.date(2026, 6, 30)
    )
    assert window == (utc(2026, 5, 31, 22), utc(2026, 6, 30, 22))
    assert in_window(window, utc(2026, 6, 30, 21, 59))
    assert not in_window(window, utc(2026, 6, 30, 22))
    assert not in_window(window, utc(2026, 5, 31, 21))


def test_a_one_off_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(DomainError) as refused:
        period_window("one_off", utc(2026, 1, 1), AMS, dt.date(2026, 6, 2), dt.date(2026, 6, 1))
    assert refused.value.field == "ends_on"
    with pytest.raises(DomainError):
        period_window("one_off", utc(2026, 1, 1), AMS, None, dt.date(2026, 6, 1))


def test_a_per_order_budget_has_no_window():
    assert period_window("order", utc(2026, 1, 1), AMS) is None
    assert in_window(None, utc(2026, 1, 1))
