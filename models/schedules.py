"""Delivery schedules (F33): working days, time frames, closed dates, cut-off and lead time,
stored per party.

- the tables (DeliverySchedule, TimeFrame, ClosedDate) and their scopes (schedules_for,
  get_schedule, rules_of: a row as the pure rule's ScheduleRules);
- the verbs (create_schedule, update_schedule, delete_schedule, add_time_frame, ...): one
  transaction each, with an audit entry (F43).

The rule that computes delivery dates from a schedule is pure and lives in delivery_dates.py;
the demo's schedules are in schedules_demo.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, fn

from . import audit
from .base import (
    BaseModel,
    DomainError,
    NotFound,
    retrying,
    transaction,
    unique_message,
    utcnow,
)
from .delivery_dates import (
    ISO_WEEKDAYS,
    Frame,
    ScheduleRules,
    days_of_mask,
    mask_of_days,
    overlapping,
    parse_time,
    time_text,
    zone_of_country,
)
from .parties import Party, User

MAX_LEAD_DAYS = 60
# Closed dates lie from a year ago to five years ahead of the supplier's today: older ones no
# longer matter, later ones are typing errors (0001-01-01, 9999-12-31).
CLOSED_YEARS_BACK = 1
CLOSED_YEARS_AHEAD = 5


class DeliverySchedule(BaseModel):
    party = ForeignKeyField(Party, backref="schedules", on_delete="CASCADE")
    name = CharField(max_length=120)
    working_days = IntegerField(default=31)  # bit 0 = Monday … bit 6 = Sunday
    cutoff_time = CharField(max_length=5, null=True)  # "HH:MM"
    lead_days = IntegerField(default=1)
    version = IntegerField(default=1)  # bumped on every edit of the basics: detects stale forms
    created_at = DateTimeField(default=utcnow)

    @property
    def weekdays(self) -> frozenset[int]:
        return days_of_mask(self.working_days)

    @property
    def cutoff(self) -> dt.time | None:
        return parse_time(self.cutoff_time) if self.cutoff_time else None


class TimeFrame(BaseModel):
    schedule = ForeignKeyField(DeliverySchedule, backref="time_frames", on_delete="CASCADE")
    weekdays = IntegerField()  # bit mask as working_days
    start = CharField(max_length=5)  # "HH:MM"
    end = CharField(max_length=5)

    @property
    def days(self) -> frozenset[int]:
        return days_of_mask(self.weekdays)

    @property
    def start_time(self) -> dt.time:
        return parse_time(self.start)

    @property
    def end_time(self) -> dt.time:
        return parse_time(self.end)

    def as_frame(self) -> Frame:
        return Frame(self.days, self.start_time, self.end_time)


class ClosedDate(BaseModel):
    schedule = ForeignKeyField(DeliverySchedule, backref="closed_dates", on_delete="CASCADE")
    day = DateField()
    reason = CharField(max_length=120, default="")

    class Meta:
        indexes = ((("schedule", "day"), True),)


# --- the supplier's local time --------------------------------------------------------------


def supplier_now(party: Party) -> dt.datetime:
    """Now, as naive local time of the party's country: the `moment` the rule expects."""
    return dt.datetime.now(zone_of_country(party.country)).replace(tzinfo=None, microsecond=0)


def _years_from(day: dt.date, years: int) -> dt.date:
    """The same calendar day some years later (or earlier); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def closed_date_window(party: Party) -> tuple[dt.date, dt.date]:
    """The first and last date a schedule of the party can be closed on."""
    today = supplier_now(party).date()
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


# --- reading schedules -----------------------------------------------------------------------


def rules_of(
    schedule: DeliverySchedule,
    frames: Iterable[TimeFrame] | None = None,
    closed_dates: Iterable[ClosedDate] | None = None,
) -> ScheduleRules:
    """The pure-data rules of a schedule row (frames and closed dates read when not given)."""
    if frames is None:
        frames = getattr(schedule, "frame_list", None)
        if frames is None:
            frames = TimeFrame.select().where(TimeFrame.schedule == schedule)
    if closed_dates is None:
        closed_dates = getattr(schedule, "closed_list", None)
        if closed_dates is None:
            closed_dates = ClosedDate.select().where(ClosedDate.schedule == schedule)
    return ScheduleRules(
        working_days=schedule.weekdays,
        frames=tuple(frame.as_frame() for frame in frames),
        closed=frozenset(closed.day for closed in closed_dates),
        cutoff=schedule.cutoff,
        lead_days=schedule.lead_days,
    )


def _attach_children(schedules: list[DeliverySchedule]) -> list[DeliverySchedule]:
    """Load every schedule's frames and closed dates in two queries (no N+1)."""
    ids = [schedule.id for schedule in schedules]
    frames: dict[int, list[TimeFrame]] = {i: [] for i in ids}
    closed: dict[int, list[ClosedDate]] = {i: [] for i in ids}
    if ids:
        for frame in TimeFrame.select().where(TimeFrame.schedule.in_(ids)):
            frames[frame.schedule_id].append(frame)
        query = ClosedDate.select().where(ClosedDate.schedule.in_(ids)).order_by(ClosedDate.day)
        for row in query:
            closed[row.schedule_id].append(row)
    for schedule in schedules:
        schedule.frame_list = sorted(
            frames[schedule.id], key=lambda f: (min(f.days, default=8), f.start, f.end, f.id)
        )
        schedule.closed_list = closed[schedule.id]
    return schedules


def schedules_for(party: Party) -> list[DeliverySchedule]:
    """The party's schedules by name, each with .frame_list and .closed_list (3 queries)."""
    query = (
        DeliverySchedule.select()
        .where(DeliverySchedule.party == party)
        .order_by(fn.LOWER(DeliverySchedule.name), DeliverySchedule.id)
    )
    return _attach_children(list(query))


def _schedule_in(party: Party, schedule_id: int) -> DeliverySchedule:
    """One schedule of the party (its row alone); NotFound otherwise."""
    schedule = DeliverySchedule.get_or_none(
        DeliverySchedule.id == schedule_id, DeliverySchedule.party == party
    )
    if schedule is None:
        raise NotFound(_l("This delivery schedule does not exist."))
    return schedule


def get_schedule(party: Party, schedule_id: int) -> DeliverySchedule:
    """One schedule of the party with its frames and closed dates; NotFound otherwise."""
    return _attach_children([_schedule_in(party, schedule_id)])[0]


# --- audit -----------------------------------------------------------------------------------

# Values in the audit log are typed (weekdays as ISO numbers, dates, times "HH:MM"): the log
# shows them in the reader's language.

audit.register_fields(
    {
        "schedule.name": _l("Name"),
        "schedule.working_days": _l("Working days"),
        "schedule.cutoff": _l("Order cut-off time"),
        "schedule.lead_days": _l("Lead time in days"),
        "schedule.time_frame": _l("Time frame"),
        "schedule.time_frames": _l("Time frames"),
        "schedule.closed_date": _l("Closed date"),
        "schedule.closed_dates": _l("Closed dates"),
        "schedule.supplier_default": _l("Default schedule for new relationships"),
    }
)


def _frame_value(frame: TimeFrame) -> dict:
    return audit.days(frame.days, frame.start, frame.end)


def _closed_value(closed: ClosedDate) -> dict:
    return audit.closed(closed.day, closed.reason)


def _snapshot(schedule: DeliverySchedule) -> dict:
    return {
        "schedule.name": schedule.name,
        "schedule.working_days": audit.days(schedule.weekdays),
        "schedule.cutoff": audit.time_of_day(schedule.cutoff_time),
        "schedule.lead_days": schedule.lead_days,
    }


# --- verbs -----------------------------------------------------------------------------------


SAME_NAME = _l("A schedule with this name already exists.")
CLOSED_ALREADY = _l("This date is already closed.")
# The database holds the rules too (migrations 0002 and 0006); their violations read the same.
unique_message("delivery_schedule_one_name", "delivery_schedule", ("party_id",), "name", SAME_NAME)
unique_message(
    "closeddate_schedule_id_day", "closed_date", ("schedule_id", "day"), "day", CLOSED_ALREADY
)


class StaleSchedule(DomainError):
    """The schedule was changed by someone else after the form was opened."""


def _stale_schedule() -> StaleSchedule:
    return StaleSchedule(
        _l(
            "Someone else changed this schedule while you were editing it. "
            "The form now shows the current values: check them and save again."
        )
    )


def _check_basics(
    party: Party, name: str, working_days: Iterable[int], lead_days: int, exclude_id=None
) -> tuple[str, int]:
    """Refuse basics that break a rule; returns the cleaned name and the weekday mask."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("Enter a name."), "name")
    if len(name) > 120:
        raise DomainError(_l("Use at most %(max)s characters."), "name", max=120)
    days = set(working_days)
    if not days:
        raise DomainError(_l("Choose at least one working day."), "working_days")
    if not days <= set(ISO_WEEKDAYS):
        raise DomainError(_l("Choose days of the week."), "working_days")
    if not isinstance(lead_days, int) or not 0 <= lead_days <= MAX_LEAD_DAYS:
        raise DomainError(
            _l("Enter a whole number of days from %(min)s to %(max)s."),
            "lead_days",
            min=0,
            max=MAX_LEAD_DAYS,
        )
    same_name = DeliverySchedule.select().where(
        DeliverySchedule.party == party, fn.LOWER(DeliverySchedule.name) == name.lower()
    )
    if exclude_id is not None:
        same_name = same_name.where(DeliverySchedule.id != exclude_id)
    if same_name.exists():
        raise DomainError(SAME_NAME, "name")
    return name, mask_of_days(days)


@retrying
def create_schedule(
    actor: User | None,
    party: Party,
    *,
    name: str,
    working_days: Iterable[int],
    cutoff: dt.time | None,
    lead_days: int,
) -> DeliverySchedule:
    """Add a delivery schedule to the party."""
    with transaction(lock=party):
        name, mask = _check_basics(party, name, working_days, lead_days)
        schedule = DeliverySchedule.create(
            party=party,
            name=name,
            working_days=mask,
            cutoff_time=time_text(cutoff) if cutoff else None,
            lead_days=lead_days,
        )
        audit.record(actor, party, "schedule", "create", name, audit.diff({}, _snapshot(schedule)))
    return schedule


@retrying
def update_schedule(
    actor: User | None,
    party: Party,
    schedule_id: int,
    *,
    version: int,
    name: str,
    working_days: Iterable[int],
    cutoff: dt.time | None,
    lead_days: int,
) -> DeliverySchedule:
    """Save a schedule's name, working days, cut-off and lead time; refuses a stale form."""
    with transaction(lock=party):
        schedule = _schedule_in(party, schedule_id)
        if schedule.version != version:
            raise _stale_schedule()
        name, mask = _check_basics(party, name, working_days, lead_days, schedule.id)
        before = _snapshot(schedule)
        schedule.name = name
        schedule.working_days = mask
        schedule.cutoff_time = time_text(cutoff) if cutoff else None
        schedule.lead_days = lead_days
        changes = audit.diff(before, _snapshot(schedule))
        if not changes:
            return schedule
        updated = (
            DeliverySchedule.update(
                name=schedule.name,
                working_days=schedule.working_days,
                cutoff_time=schedule.cutoff_time,
                lead_days=schedule.lead_days,
                version=version + 1,
            )
            .where(DeliverySchedule.id == schedule.id, DeliverySchedule.version == version)
            .execute()
        )
        if updated != 1:  # a writer that got in between (databases without BEGIN IMMEDIATE)
            raise _stale_schedule()
        schedule.version = version + 1
        audit.record(actor, party, "schedule", "update", name, changes)
    return schedule


@retrying
def delete_schedule(actor: User | None, party: Party, schedule_id: int) -> None:
    """Delete a schedule with its frames and closed dates; a party using it as its default
    schedule is left without one."""
    with transaction(lock=party):
        schedule = get_schedule(party, schedule_id)
        before = _snapshot(schedule)
        before["schedule.time_frames"] = audit.items(map(_frame_value, schedule.frame_list))
        before["schedule.closed_dates"] = audit.items(map(_closed_value, schedule.closed_list))
        # ON DELETE SET NULL, done here too so it holds on every database.
        # The party's version moves on too, so an open supplier-defaults form shows as stale.
        was_default = (
            Party.update(default_schedule=None, version=Party.version + 1)
            .where(Party.default_schedule == schedule.id)
            .execute()
        )
        if was_default:
            before["schedule.supplier_default"] = True
        TimeFrame.delete().where(TimeFrame.schedule == schedule.id).execute()
        ClosedDate.delete().where(ClosedDate.schedule == schedule.id).execute()
        DeliverySchedule.delete().where(DeliverySchedule.id == schedule.id).execute()
        after = {key: None for key in before}
        if was_default:
            after["schedule.supplier_default"] = False
        audit.record(actor, party, "schedule", "delete", schedule.name, audit.diff(before, after))


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
