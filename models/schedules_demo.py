"""The demo's delivery schedules (F45): two for Brouwer (NL), one for Hoffmann (DE), with the
public holidays ahead as closed dates. Made through the verbs of schedules.py."""

from __future__ import annotations

import datetime as dt

from .parties import Party, User
from .schedules import add_closed_date, add_time_frame, create_schedule


def _upcoming(today: dt.date, month: int, day: int) -> list[dt.date]:
    """This holiday in this year and the next, from today on."""
    dates = [dt.date(year, month, day) for year in (today.year, today.year + 1)]
    return [date for date in dates if date >= today]


def _kings_day(year: int) -> dt.date:
    """King's Day in the Netherlands: 27 April, or the 26th when the 27th is a Sunday."""
    day = dt.date(year, 4, 27)
    return day - dt.timedelta(days=1) if day.isoweekday() == 7 else day


def add_demo(parties: dict[str, Party], users: dict[str, User]) -> None:
    """Demo schedules: two for Brouwer (NL), one for Hoffmann (DE), with holidays ahead."""
    today = dt.date.today()
    weekdays = range(1, 6)
    brouwer, anne = parties["brouwer"], users["supplier-admin@example.com"]
    standard = create_schedule(
        anne,
        brouwer,
        name="Standard delivery",
        working_days=weekdays,
        cutoff=dt.time(14, 0),
        lead_days=1,
    )
    for start, end in ((dt.time(8), dt.time(12)), (dt.time(13), dt.time(17))):
        add_time_frame(anne, brouwer, standard.id, weekdays=weekdays, start=start, end=end)
    holidays = [
        (date, reason)
        for month, day, reason in (
            (12, 25, "Eerste Kerstdag"),
            (12, 26, "Tweede Kerstdag"),
            (1, 1, "Nieuwjaarsdag"),
        )
        for date in _upcoming(today, month, day)
    ]
    holidays += [
        (_kings_day(year), "Koningsdag")
        for year in (today.year, today.year + 1)
        if _kings_day(year) >= today
    ]
    for date, reason in sorted(holidays):
        add_closed_date(anne, brouwer, standard.id, day=date, reason=reason)
    market = create_schedule(
        anne,
        brouwer,
        name="Saturday market run",
        working_days=[6],
        cutoff=dt.time(12, 0),
        lead_days=2,
    )
    add_time_frame(anne, brouwer, market.id, weekdays=[6], start=dt.time(6), end=dt.time(9))

    hoffmann, katrin = parties["hoffmann"], users["hoffmann-admin@example.com"]
    labor = create_schedule(
        katrin,
        hoffmann,
        name="Standardlieferung",
        working_days=weekdays,
        cutoff=dt.time(12, 0),
        lead_days=2,
    )
    add_time_frame(katrin, hoffmann, labor.id, weekdays=weekdays, start=dt.time(7), end=dt.time(15))
    german = [
        (date, reason)
        for month, day, reason in (
            (10, 3, "Tag der Deutschen Einheit"),
            (12, 25, "1. Weihnachtstag"),
            (12, 26, "2. Weihnachtstag"),
            (1, 1, "Neujahr"),
            (5, 1, "Tag der Arbeit"),
        )
        for date in _upcoming(today, month, day)
    ]
    for date, reason in sorted(german):
        add_closed_date(katrin, hoffmann, labor.id, day=date, reason=reason)
