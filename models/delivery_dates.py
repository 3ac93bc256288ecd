"""The delivery-date rule (F33) as plain data and plain functions: no database, no app.

ScheduleRules, Frame and Slot describe a schedule and its result; earliest_delivery(),
next_deliveries() and delivery_slots() compute delivery dates and slots from them. The
tables and verbs that store schedules are in schedules.py, which turns a row into
ScheduleRules (rules_of) for these functions.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import TZPATH, ZoneInfo, ZoneInfoNotFoundError

from babel.core import get_global

ISO_WEEKDAYS = range(1, 8)  # 1 = Monday … 7 = Sunday
HORIZON_DAYS = 366  # how far ahead the rule looks for a possible delivery date


# --- small conversions ----------------------------------------------------------------------


def mask_of_days(days: Iterable[int]) -> int:
    """ISO weekdays (1 = Monday … 7 = Sunday) -> bit mask (bit 0 = Monday)."""
    mask = 0
    for day in days:
        mask |= 1 << (int(day) - 1)
    return mask


def days_of_mask(mask: int) -> frozenset[int]:
    """Bit mask (bit 0 = Monday) -> ISO weekdays."""
    return _DAYS_OF_MASK[mask & 0x7F]


# every mask's weekdays, once: a schedule list asks for them a few hundred times a page
_DAYS_OF_MASK = tuple(
    frozenset(day for day in ISO_WEEKDAYS if mask & (1 << (day - 1))) for mask in range(128)
)


@lru_cache(maxsize=2048)
def parse_time(text: str) -> dt.time:
    """ "08:30" -> time(8, 30) (stored times are always HH:MM; cached: pages read many)."""
    if len(text) != 5 or text[2] != ":" or not (text[:2] + text[3:]).isdigit():
        raise ValueError(f"not a HH:MM time: {text!r}")
    return dt.time(int(text[:2]), int(text[3:]))


def time_text(value: dt.time) -> str:
    return value.strftime("%H:%M")


def day_ranges(days: Iterable[int]) -> list[tuple[int, ...]]:
    """ISO weekdays grouped as a schedule writes them: runs of three or more days become
    (first, last), other days stand alone ({1, 2, 3, 4, 5, 7} -> [(1, 5), (7,)])."""
    ordered = sorted(set(days))
    parts: list[tuple[int, ...]] = []
    for _key, run in itertools.groupby(enumerate(ordered), key=lambda pair: pair[1] - pair[0]):
        run_days = [day for _i, day in run]
        if len(run_days) >= 3:
            parts.append((run_days[0], run_days[-1]))
        else:
            parts.extend((day,) for day in run_days)
    return parts


# Language-neutral day names, in the notation of OpenStreetMap's opening_hours
# ("Mo-Fr 08:00-12:00"), for text that is not shown in a reader's language (logs, exports).
_DAY_CODES = {1: "Mo", 2: "Tu", 3: "We", 4: "Th", 5: "Fr", 6: "Sa", 7: "Su"}


def day_codes(days: Iterable[int]) -> str:
    """ISO weekdays -> "Mo-Fr" / "Mo,We,Fr" (runs of three or more days become ranges)."""
    return ",".join("-".join(_DAY_CODES[day] for day in part) for part in day_ranges(days))


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
    product: ScheduleRules | Sequence[ScheduleRules] | None = None,
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
    if product is None:
        products: tuple[ScheduleRules, ...] = ()
    elif isinstance(product, ScheduleRules):
        products = (product,)
    else:  # an order's products: the first dates all of them allow
        products = tuple(product)
    first = max([rules.first_day(moment), *(p.first_day(moment) for p in products)])
    today, now = moment.date(), moment.time()
    for offset in range(horizon_days):
        day = first + dt.timedelta(days=offset)
        if not rules.allows(day) or not all(p.allows(day) for p in products):
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
