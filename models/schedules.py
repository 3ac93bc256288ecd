"""Delivery schedules (F33): working days, time frames, closed dates, cut-off and lead time,
stored per party.

- the tables (DeliverySchedule, TimeFrame, ClosedDate) and their scopes (schedules_for,
  get_schedule, rules_of: a row as the pure rule's ScheduleRules);
- the verbs over a whole schedule (create_schedule, update_schedule, delete_schedule): one
  transaction each, with an audit entry (F43); its parts (time frames, closed dates) have
  their verbs in schedule_parts.py, re-exported here.

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
    parse_time,
    time_text,
    zone_of_country,
)
from .parties import Party, User
from .prepared import prepared

MAX_LEAD_DAYS = 60


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


@prepared
def _frames_of(schedule_ids: list):
    return TimeFrame.select().where(TimeFrame.schedule.in_(schedule_ids))


@prepared
def _closed_of(schedule_ids: list):
    return ClosedDate.select().where(ClosedDate.schedule.in_(schedule_ids)).order_by(ClosedDate.day)


def _attach_children(schedules: list[DeliverySchedule]) -> list[DeliverySchedule]:
    """Load every schedule's frames and closed dates in two queries (no N+1)."""
    ids = [schedule.id for schedule in schedules]
    frames: dict[int, list[TimeFrame]] = {i: [] for i in ids}
    closed: dict[int, list[ClosedDate]] = {i: [] for i in ids}
    if ids:
        for frame in _frames_of.all(ids):
            frames[frame.schedule_id].append(frame)
        for row in _closed_of.all(ids):
            closed[row.schedule_id].append(row)
    for schedule in schedules:
        schedule.frame_list = sorted(
            frames[schedule.id], key=lambda f: (min(f.days, default=8), f.start, f.end, f.id)
        )
        schedule.closed_list = closed[schedule.id]
    return schedules


def schedules_for(party: Party) -> list[DeliverySchedule]:
    """The party's schedules by name, each with .frame_list and .closed_list (3 queries)."""
    return _attach_children(_schedules_of.all(party.id))


@prepared
def _schedules_of(party_id: int):
    return (
        DeliverySchedule.select()
        .where(DeliverySchedule.party == party_id)
        .order_by(fn.LOWER(DeliverySchedule.name), DeliverySchedule.id)
    )


@prepared
def _schedule_by_id(schedule_id: int, party_id: int):
    return (
        DeliverySchedule.select()
        .where(DeliverySchedule.id == schedule_id, DeliverySchedule.party == party_id)
        .limit(1)
    )


def _schedule_in(party: Party, schedule_id: int) -> DeliverySchedule:
    """One schedule of the party (its row alone); NotFound otherwise."""
    schedule = _schedule_by_id.first(int(schedule_id), party.id)
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


# The verbs over a schedule's parts live in schedule_parts.py; callers import them from here.
from .schedule_parts import (  # noqa: E402
    CLOSED_YEARS_AHEAD,
    CLOSED_YEARS_BACK,
    add_closed_date,
    add_time_frame,
    closed_date_window,
    remove_closed_date,
    remove_time_frame,
)

__all__ = [
    "CLOSED_YEARS_AHEAD",
    "CLOSED_YEARS_BACK",
    "add_closed_date",
    "add_time_frame",
    "closed_date_window",
    "remove_closed_date",
    "remove_time_frame",
]
