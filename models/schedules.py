"""Delivery schedules (F33): working days, time frames, closed dates, cut-off and lead time,
and the pure rule that computes the earliest delivery date and slot.

Three layers, top to bottom:

- the tables (DeliverySchedule, TimeFrame, ClosedDate);
- the pure rule (ScheduleRules, Slot, earliest_delivery, next_deliveries): plain data in,
  plain data out, no database, unit-tested on its own;
- the verbs (create_schedule, update_schedule, delete_schedule, add_time_frame, ...): one
  transaction each, with an audit entry (F43).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from zoneinfo import TZPATH, ZoneInfo, ZoneInfoNotFoundError

from babel.core import get_global
from flask_babel import lazy_gettext as _l
from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, fn

from . import audit
from .base import BaseModel, DomainError, NotFound, transaction, utcnow
from .parties import Party, User

ISO_WEEKDAYS = range(1, 8)  # 1 = Monday … 7 = Sunday
MAX_LEAD_DAYS = 60
HORIZON_DAYS = 366  # how far ahead the rule looks for a possible delivery date


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


# --- small conversions ----------------------------------------------------------------------


def mask_of_days(days: Iterable[int]) -> int:
    """ISO weekdays (1 = Monday … 7 = Sunday) -> bit mask (bit 0 = Monday)."""
    mask = 0
    for day in days:
        mask |= 1 << (int(day) - 1)
    return mask


def days_of_mask(mask: int) -> frozenset[int]:
    """Bit mask (bit 0 = Monday) -> ISO weekdays."""
    return frozenset(day for day in ISO_WEEKDAYS if mask & (1 << (day - 1)))


def parse_time(text: str) -> dt.time:
    return dt.datetime.strptime(text, "%H:%M").time()


def time_text(value: dt.time) -> str:
    return value.strftime("%H:%M")


# --- the pure rule ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """A delivery time frame on some weekdays, e.g. Mon–Fri 08:00–12:00."""

    weekdays: frozenset[int]
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class ScheduleRules:
    """A delivery schedule (or a product's availability schedule) as plain data.

    working_days: ISO weekdays (1 = Monday … 7 = Sunday) on which delivery is possible.
    frames: time frames; a frame counts on the working days among its weekdays.
    closed: dates on which nothing is delivered (holidays), even on a working day.
    cutoff: orders at or after this time of day count as placed the next day (None: no cut-off).
    lead_days: whole calendar days from the order day to the earliest delivery day.
    """

    working_days: frozenset[int]
    frames: tuple[Frame, ...] = ()
    closed: frozenset[dt.date] = field(default_factory=frozenset)
    cutoff: dt.time | None = None
    lead_days: int = 0

    def __post_init__(self):
        if not set(self.working_days) <= set(ISO_WEEKDAYS):
            raise ValueError(f"working days must be ISO weekdays 1-7: {self.working_days}")
        if self.lead_days < 0:
            raise ValueError("lead_days must not be negative")
        for frame in self.frames:
            if frame.start >= frame.end:
                raise ValueError(f"time frame ends before it starts: {frame}")

    def order_day(self, moment: dt.datetime) -> dt.date:
        """The day an order placed at `moment` counts as placed on (after the cut-off: next)."""
        day = moment.date()
        if self.cutoff is not None and moment.time() >= self.cutoff:
            day += dt.timedelta(days=1)
        return day

    def first_day(self, moment: dt.datetime) -> dt.date:
        """The order day plus the lead time: no delivery before this date."""
        return self.order_day(moment) + dt.timedelta(days=self.lead_days)

    def allows(self, day: dt.date) -> bool:
        """Delivery is possible on this date: a working day and not a closed date."""
        return day.isoweekday() in self.working_days and day not in self.closed

    def frames_on(self, day: dt.date) -> list[Frame]:
        """The time frames of this date, earliest first."""
        weekday = day.isoweekday()
        return sorted(
            (frame for frame in self.frames if weekday in frame.weekdays),
            key=lambda frame: (frame.start, frame.end),
        )


@dataclass(frozen=True, order=True)
class Slot:
    """A delivery date and its time frame; start and end are None for a whole-day slot
    (a delivery day without time frames)."""

    date: dt.date
    start: dt.time | None = None
    end: dt.time | None = None


def delivery_slots(
    rules: ScheduleRules,
    moment: dt.datetime,
    product: ScheduleRules | None = None,
    horizon_days: int = HORIZON_DAYS,
) -> Iterator[Slot]:
    """Every delivery slot an order placed at `moment` can get, earliest first.

    The rule (all times are the supplier's naive local time):

    1. Order day: the date of `moment`; an order at or after the cut-off time counts as placed
       the next day.
    2. First possible date: order day + lead time in whole calendar days (the working days say
       when the supplier delivers, not when it prepares orders, so the lead time counts them
       all: order Friday before the cut-off with lead 1 -> Saturday -> first working day).
    3. With a product availability schedule, the product's own cut-off and lead time give a
       second first possible date; the later of the two counts (so a larger product lead
       time wins).
    4. A delivery date is a date on or after that which is a working day of the schedule and
       not one of its closed dates, and, with a product schedule, also a working day of the
       product schedule and not one of its closed dates: the first date both allow.
    5. Slots of a date: its time frames, earliest first; a date without frames is one
       whole-day slot. Product schedules give days only: their time frames are not used.
       For a same-day delivery (lead 0, before the cut-off) only frames starting after
       `moment` count; a whole-day slot today still counts (the cut-off is what closes
       today). When no frame is left today, the next allowed date follows.
    6. The search stops `horizon_days` after the first possible date.
    """
    first = rules.first_day(moment)
    if product is not None:
        first = max(first, product.first_day(moment))
    today, now = moment.date(), moment.time()
    for offset in range(horizon_days):
        day = first + dt.timedelta(days=offset)
        if not rules.allows(day) or (product is not None and not product.allows(day)):
            continue
        frames = rules.frames_on(day)
        if not frames:
            yield Slot(day)
            continue
        for frame in frames:
            if day == today and frame.start <= now:
                continue  # this frame has begun or passed: too late for today
            yield Slot(day, frame.start, frame.end)


def earliest_delivery(
    rules: ScheduleRules, moment: dt.datetime, product: ScheduleRules | None = None
) -> Slot | None:
    """The earliest delivery date and slot for an order placed at `moment` (see
    delivery_slots for the rule), or None when the schedule allows no date in the horizon."""
    return next(delivery_slots(rules, moment, product), None)


def next_deliveries(
    rules: ScheduleRules, moment: dt.datetime, count: int, product: ScheduleRules | None = None
) -> list[Slot]:
    """The first `count` delivery slots for an order placed at `moment`, earliest first: the
    earliest one and the later ones a buyer could pick instead."""
    return list(itertools.islice(delivery_slots(rules, moment, product), count))


def next_delivery_days(
    rules: ScheduleRules, moment: dt.datetime, days: int, product: ScheduleRules | None = None
) -> list[tuple[dt.date, list[Slot]]]:
    """The next `days` delivery dates, each with its slots (the preview of a schedule)."""
    grouped = itertools.groupby(delivery_slots(rules, moment, product), key=lambda s: s.date)
    return [(day, list(slots)) for day, slots in itertools.islice(grouped, days)]


def overlapping(a: Frame, b: Frame) -> bool:
    """Two frames overlap when they share a weekday and their times intersect (a frame
    ending at 12:00 and one starting at 12:00 do not)."""
    return bool(a.weekdays & b.weekdays) and a.start < b.end and b.start < a.end


# --- the supplier's local time --------------------------------------------------------------


def _zone_table() -> dict[str, str]:
    """Country -> its principal time zone, from the tz database's zone.tab (which lists the
    most populous zone of a country first)."""
    for directory in TZPATH:
        path = Path(directory) / "zone.tab"
        if path.exists():
            table: dict[str, str] = {}
            for line in path.read_text(encoding="utf-8").splitlines():
                if line and not line.startswith("#"):
                    parts = line.split("\t")
                    if len(parts) >= 3:
                        table.setdefault(parts[0], parts[2])
            return table
    return {}


@cache
def zone_of_country(country: str) -> ZoneInfo:
    """The time zone of a country (Europe/Amsterdam for NL); UTC when unknown."""
    candidates = [_zone_table().get(country or "")]
    candidates += get_global("territory_zones").get(country or "", [])
    for name in candidates:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def supplier_now(party: Party) -> dt.datetime:
    """Now, as naive local time of the party's country: the `moment` the rule expects."""
    return dt.datetime.now(zone_of_country(party.country)).replace(tzinfo=None, microsecond=0)


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


def get_schedule(party: Party, schedule_id: int) -> DeliverySchedule:
    """One schedule of the party with its frames and closed dates; NotFound otherwise."""
    schedule = DeliverySchedule.get_or_none(
        DeliverySchedule.id == schedule_id, DeliverySchedule.party == party
    )
    if schedule is None:
        raise NotFound(_l("This delivery schedule does not exist."))
    return _attach_children([schedule])[0]


# --- audit -----------------------------------------------------------------------------------

# Values in the audit log are language-neutral, in the notation of OpenStreetMap's
# opening_hours ("Mo-Fr 08:00-12:00"), so every reader of the log can read them.
_DAY_CODES = {1: "Mo", 2: "Tu", 3: "We", 4: "Th", 5: "Fr", 6: "Sa", 7: "Su"}

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


def day_codes(days: Iterable[int]) -> str:
    """ISO weekdays -> "Mo-Fr" / "Mo,We,Fr" (runs of three or more days become ranges)."""
    ordered = sorted(set(days))
    parts = []
    for _, run in itertools.groupby(enumerate(ordered), key=lambda pair: pair[1] - pair[0]):
        run_days = [day for _, day in run]
        if len(run_days) >= 3:
            parts.append(f"{_DAY_CODES[run_days[0]]}-{_DAY_CODES[run_days[-1]]}")
        else:
            parts.extend(_DAY_CODES[day] for day in run_days)
    return ",".join(parts)


def _frame_text(frame: TimeFrame) -> str:
    return f"{day_codes(frame.days)} {frame.start}-{frame.end}"


def _closed_text(closed: ClosedDate) -> str:
    text = closed.day.isoformat()
    return f"{text} {closed.reason}" if closed.reason else text


def _snapshot(schedule: DeliverySchedule) -> dict:
    return {
        "schedule.name": schedule.name,
        "schedule.working_days": day_codes(schedule.weekdays),
        "schedule.cutoff": schedule.cutoff_time,
        "schedule.lead_days": schedule.lead_days,
    }


# --- verbs -----------------------------------------------------------------------------------


class StaleSchedule(DomainError):
    """The schedule was changed by someone else after the form was opened."""


def _schedule_in(party: Party, schedule_id: int) -> DeliverySchedule:
    schedule = DeliverySchedule.get_or_none(
        DeliverySchedule.id == schedule_id, DeliverySchedule.party == party
    )
    if schedule is None:
        raise NotFound(_l("This delivery schedule does not exist."))
    return schedule


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
        raise DomainError(_l("A schedule with this name already exists."), "name")
    return name, mask_of_days(days)


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
    with transaction():
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
    with transaction():
        schedule = _schedule_in(party, schedule_id)
        if schedule.version != version:
            raise StaleSchedule(
                _l(
                    "Someone else changed this schedule while you were editing it. "
                    "The form now shows the current values: check them and save again."
                )
            )
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
            raise StaleSchedule(
                _l(
                    "Someone else changed this schedule while you were editing it. "
                    "The form now shows the current values: check them and save again."
                )
            )
        schedule.version = version + 1
        audit.record(actor, party, "schedule", "update", name, changes)
    return schedule


def delete_schedule(actor: User | None, party: Party, schedule_id: int) -> None:
    """Delete a schedule with its frames and closed dates; a party using it as its default
    schedule is left without one."""
    with transaction():
        schedule = get_schedule(party, schedule_id)
        before = _snapshot(schedule)
        before["schedule.time_frames"] = "; ".join(_frame_text(f) for f in schedule.frame_list)
        before["schedule.closed_dates"] = "; ".join(_closed_text(c) for c in schedule.closed_list)
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
    with transaction():
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
        _record_part_change(actor, party, schedule, "schedule.time_frame", None, _frame_text(frame))
    return frame


def remove_time_frame(actor: User | None, party: Party, schedule_id: int, frame_id: int) -> None:
    """Remove one time frame of a schedule."""
    with transaction():
        schedule = _schedule_in(party, schedule_id)
        frame = TimeFrame.get_or_none(TimeFrame.id == frame_id, TimeFrame.schedule == schedule)
        if frame is None:
            raise NotFound(_l("This time frame does not exist."))
        frame.delete_instance()
        _record_part_change(actor, party, schedule, "schedule.time_frame", _frame_text(frame), None)


def add_closed_date(
    actor: User | None, party: Party, schedule_id: int, *, day: dt.date, reason: str = ""
) -> ClosedDate:
    """Close the schedule on a date (a holiday): nothing is delivered that day."""
    reason = (reason or "").strip()
    if len(reason) > 120:
        raise DomainError(_l("Use at most %(max)s characters."), "reason", max=120)
    with transaction():
        schedule = _schedule_in(party, schedule_id)
        duplicate = ClosedDate.select().where(
            ClosedDate.schedule == schedule, ClosedDate.day == day
        )
        if duplicate.exists():
            raise DomainError(_l("This date is already closed."), "day")
        closed = ClosedDate.create(schedule=schedule, day=day, reason=reason)
        _record_part_change(
            actor, party, schedule, "schedule.closed_date", None, _closed_text(closed)
        )
    return closed


def remove_closed_date(actor: User | None, party: Party, schedule_id: int, closed_id: int) -> None:
    """Open a closed date again."""
    with transaction():
        schedule = _schedule_in(party, schedule_id)
        closed = ClosedDate.get_or_none(ClosedDate.id == closed_id, ClosedDate.schedule == schedule)
        if closed is None:
            raise NotFound(_l("This closed date does not exist."))
        closed.delete_instance()
        _record_part_change(
            actor, party, schedule, "schedule.closed_date", _closed_text(closed), None
        )


# --- demo ------------------------------------------------------------------------------------


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
