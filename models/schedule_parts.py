"""The parts of a delivery schedule (F33): its time frames and its closed dates, with the
verbs that add and remove them (one transaction each, serialised on the party, audited) and the
window closed dates must lie in. The schedules themselves are in schedules.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from . import audit, schedules
from .base import DomainError, NotFound, retrying, transaction
from .delivery_dates import ISO_WEEKDAYS, Frame, mask_of_days, overlapping, time_text
from .parties import Party, User
from .schedules import (
    CLOSED_ALREADY,
    ClosedDate,
    TimeFrame,
    _closed_value,
    _frame_value,
    _schedule_in,
)

# Closed dates lie from a year ago to five years ahead of the supplier's today: older ones no
# longer matter, later ones are typing errors (0001-01-01, 9999-12-31).
CLOSED_YEARS_BACK = 1
CLOSED_YEARS_AHEAD = 5


def _years_from(day: dt.date, years: int) -> dt.date:
    """The same calendar day some years later (or earlier); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def closed_date_window(party: Party) -> tuple[dt.date, dt.date]:
    """The first and last date a schedule of the party can be closed on."""
    today = schedules.supplier_now(party).date()  # looked up there: tests fix the clock
    return _years_from(today, -CLOSED_YEARS_BACK), _years_from(today, CLOSED_YEARS_AHEAD)


class _ShownDate:
    """A date in the user's language, formatted when the message is shown."""

    def __init__(self, day: dt.date):
        self.day = day

    def __str__(self) -> str:
        from flask_babel import format_date

        try:
            return format_date(self.day, "medium")
        except Exception:  # no request (command line): ISO is still a fine date
            return self.day.isoformat()


def _record_part_change(actor, party, schedule, field: str, old, new) -> None:
    """Audit one added or removed part of a schedule (a time frame, a closed date)."""
    audit.record(
        actor,
        party,
        "schedule",
        "update",
        schedule.name,
        [{"field": field, "old": old, "new": new}],
    )


_PART_VALUES = {TimeFrame: _frame_value, ClosedDate: _closed_value}


@retrying
def _remove_part(actor, party, schedule_id, model, part_id, missing, field: str) -> None:
    """Delete one part of a schedule (a time frame, a closed date) and record it; NotFound
    with the `missing` message when the schedule has no such part."""
    with transaction(lock=party):
        schedule = _schedule_in(party, schedule_id)
        part = model.get_or_none(model.id == part_id, model.schedule == schedule)
        if part is None:
            raise NotFound(missing)
        part.delete_instance()
        _record_part_change(actor, party, schedule, field, _PART_VALUES[model](part), None)


@retrying
def add_time_frame(
    actor: User | None,
    party: Party,
    schedule_id: int,
    *,
    weekdays: Iterable[int],
    start: dt.time,
    end: dt.time,
) -> TimeFrame:
    """Add a delivery time frame on some weekdays; refuses an inverted or overlapping frame."""
    days = frozenset(weekdays)
    if not days:
        raise DomainError(_l("Choose at least one day."), "weekdays")
    if not days <= set(ISO_WEEKDAYS):
        raise DomainError(_l("Choose days of the week."), "weekdays")
    start = start.replace(second=0, microsecond=0)
    end = end.replace(second=0, microsecond=0)
    if start >= end:
        raise DomainError(_l("The end must be later than the start."), "end")
    new = Frame(days, start, end)
    with transaction(lock=party):
        schedule = _schedule_in(party, schedule_id)
        for existing in TimeFrame.select().where(TimeFrame.schedule == schedule):
            if overlapping(new, existing.as_frame()):
                raise DomainError(
                    _l("This time frame overlaps %(frame)s on a shared day."),
                    "start",
                    frame=f"{existing.start}–{existing.end}",
                )
        frame = TimeFrame.create(
            schedule=schedule,
            weekdays=mask_of_days(days),
            start=time_text(start),
            end=time_text(end),
        )
        _record_part_change(
            actor, party, schedule, "schedule.time_frame", None, _frame_value(frame)
        )
    return frame


def remove_time_frame(actor: User | None, party: Party, schedule_id: int, frame_id: int) -> None:
    """Remove one time frame of a schedule."""
    missing = _l("This time frame does not exist.")
    _remove_part(actor, party, schedule_id, TimeFrame, frame_id, missing, "schedule.time_frame")


@retrying
def add_closed_date(
    actor: User | None, party: Party, schedule_id: int, *, day: dt.date, reason: str = ""
) -> ClosedDate:
    """Close the schedule on a date (a holiday): nothing is delivered that day."""
    reason = (reason or "").strip()
    if len(reason) > 120:
        raise DomainError(_l("Use at most %(max)s characters."), "reason", max=120)
    first, last = closed_date_window(party)
    if not first <= day <= last:
        raise DomainError(
            _l("Choose a date from %(first)s to %(last)s."),
            "day",
            first=_ShownDate(first),
            last=_ShownDate(last),
        )
    with transaction(lock=party):
        schedule = _schedule_in(party, schedule_id)
        duplicate = ClosedDate.select().where(
            ClosedDate.schedule == schedule, ClosedDate.day == day
        )
        if duplicate.exists():
            raise DomainError(CLOSED_ALREADY, "day")
        closed = ClosedDate.create(schedule=schedule, day=day, reason=reason)
        _record_part_change(
            actor, party, schedule, "schedule.closed_date", None, _closed_value(closed)
        )
    return closed


def remove_closed_date(actor: User | None, party: Party, schedule_id: int, closed_id: int) -> None:
    """Open a closed date again."""
    missing = _l("This closed date does not exist.")
    _remove_part(actor, party, schedule_id, ClosedDate, closed_id, missing, "schedule.closed_date")
