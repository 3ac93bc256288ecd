"""The delivery-date rule (F33) as a pure function: no database, no app."""

import datetime as dt

import pytest

from models.delivery_dates import (
    Frame,
    ScheduleRules,
    Slot,
    day_codes,
    days_of_mask,
    delivery_slots,
    earliest_delivery,
    mask_of_days,
    next_deliveries,
    next_delivery_days,
    overlapping,
    zone_of_country,
)

# A week to work in: Monday 7 January 2030 … Sunday 13 January 2030.
MON, TUE, WED, THU, FRI, SAT, SUN = (dt.date(2030, 1, 7) + dt.timedelta(days=i) for i in range(7))
NEXT_MON, NEXT_TUE, NEXT_WED, NEXT_THU = (MON + dt.timedelta(days=7 + i) for i in range(4))
WEEKDAYS = frozenset(range(1, 6))
MORNING = Frame(WEEKDAYS, dt.time(8), dt.time(12))
AFTERNOON = Frame(WEEKDAYS, dt.time(13), dt.time(17))


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def standard(**overrides) -> ScheduleRules:
    """Mon–Fri 08:00–12:00 and 13:00–17:00, cut-off 14:00, lead 1 day."""
    fields = {
        "working_days": WEEKDAYS,
        "frames": (MORNING, AFTERNOON),
        "cutoff": dt.time(14),
        "lead_days": 1,
    }
    fields.update(overrides)
    return ScheduleRules(**fields)


def test_the_week_is_the_week_we_think():
    assert [d.isoweekday() for d in (MON, TUE, WED, THU, FRI, SAT, SUN)] == [1, 2, 3, 4, 5, 6, 7]


# --- cut-off -------------------------------------------------------------------------------


def test_before_cut_off_delivers_after_the_lead_time_in_the_first_frame():
    assert earliest_delivery(standard(), at(MON, 10)) == Slot(TUE, dt.time(8), dt.time(12))


def test_at_the_cut_off_counts_as_the_next_day():
    assert earliest_delivery(standard(), at(MON, 14)).date == WED
    assert earliest_delivery(standard(), at(MON, 13, 59)).date == TUE


def test_after_cut_off_counts_as_the_next_day():
    assert earliest_delivery(standard(), at(MON, 16, 30)) == Slot(WED, dt.time(8), dt.time(12))


def test_without_cut_off_the_order_day_is_the_day_of_the_order():
    assert earliest_delivery(standard(cutoff=None), at(MON, 23, 30)).date == TUE


def test_lead_time_adds_calendar_days():
    assert earliest_delivery(standard(lead_days=2), at(MON, 10)).date == WED
    assert earliest_delivery(standard(lead_days=7), at(MON, 10)).date == NEXT_MON


# --- weekends ------------------------------------------------------------------------------


def test_friday_before_cut_off_is_delivered_on_monday():
    assert earliest_delivery(standard(), at(FRI, 10)) == Slot(NEXT_MON, dt.time(8), dt.time(12))


def test_friday_after_cut_off_and_the_weekend_also_reach_monday():
    # after the cut-off Friday's order counts as Saturday's; +1 day = Sunday -> Monday
    assert earliest_delivery(standard(), at(FRI, 15)).date == NEXT_MON
    assert earliest_delivery(standard(), at(SAT, 9)).date == NEXT_MON
    assert earliest_delivery(standard(), at(SUN, 20)).date == NEXT_TUE


# --- closed dates --------------------------------------------------------------------------


def test_a_closed_date_is_skipped():
    assert earliest_delivery(standard(closed=frozenset({TUE})), at(MON, 10)).date == WED


def test_consecutive_closed_dates_are_all_skipped():
    rules = standard(closed=frozenset({TUE, WED, THU}))
    assert earliest_delivery(rules, at(MON, 10)).date == FRI


def test_closed_dates_around_a_weekend():
    rules = standard(closed=frozenset({FRI, NEXT_MON}))
    assert earliest_delivery(rules, at(THU, 10)).date == NEXT_TUE


def test_a_closed_date_on_a_non_working_day_changes_nothing():
    assert earliest_delivery(standard(closed=frozenset({SAT})), at(FRI, 10)).date == NEXT_MON


# --- time frames ---------------------------------------------------------------------------


def test_the_first_frame_of_the_day_is_the_slot_whatever_order_they_were_given_in():
    rules = standard(frames=(AFTERNOON, MORNING))
    assert earliest_delivery(rules, at(MON, 10)) == Slot(TUE, dt.time(8), dt.time(12))


def test_frames_of_other_weekdays_do_not_count():
    saturday = Frame(frozenset({6}), dt.time(6), dt.time(9))
    rules = ScheduleRules(
        working_days=frozenset({1, 2, 3, 4, 5, 6}), frames=(MORNING, saturday), lead_days=1
    )
    assert earliest_delivery(rules, at(FRI, 10)) == Slot(SAT, dt.time(6), dt.time(9))
    assert earliest_delivery(rules, at(MON, 10)) == Slot(TUE, dt.time(8), dt.time(12))


def test_a_working_day_without_frames_is_a_whole_day_slot():
    rules = ScheduleRules(working_days=WEEKDAYS, lead_days=1)
    assert earliest_delivery(rules, at(MON, 10)) == Slot(TUE, None, None)
    partly = ScheduleRules(
        working_days=frozenset({1, 2, 3, 4, 5, 6}), frames=(MORNING,), lead_days=1
    )
    assert earliest_delivery(partly, at(FRI, 10)) == Slot(SAT)


def test_a_frame_on_a_non_working_day_is_not_used():
    sunday = Frame(frozenset({7}), dt.time(8), dt.time(10))
    rules = standard(frames=(MORNING, sunday))
    assert earliest_delivery(rules, at(SAT, 9)).date == NEXT_MON


def test_same_day_only_frames_that_have_not_started_count():
    rules = standard(lead_days=0, cutoff=None)
    assert earliest_delivery(rules, at(MON, 7)) == Slot(MON, dt.time(8), dt.time(12))
    assert earliest_delivery(rules, at(MON, 9)) == Slot(MON, dt.time(13), dt.time(17))
    # a frame starting at the very moment of the order has begun: too late
    assert earliest_delivery(rules, at(MON, 13)) == Slot(TUE, dt.time(8), dt.time(12))


def test_same_day_with_no_frame_left_moves_to_the_next_allowed_day():
    rules = standard(lead_days=0, cutoff=None)
    assert earliest_delivery(rules, at(MON, 18)) == Slot(TUE, dt.time(8), dt.time(12))
    assert earliest_delivery(rules, at(FRI, 18)) == Slot(NEXT_MON, dt.time(8), dt.time(12))


def test_same_day_whole_day_slot_counts_until_the_cut_off():
    rules = ScheduleRules(working_days=WEEKDAYS, cutoff=dt.time(11), lead_days=0)
    assert earliest_delivery(rules, at(MON, 10)) == Slot(MON)
    assert earliest_delivery(rules, at(MON, 11)) == Slot(TUE)


def test_same_day_frames_after_the_cut_off_still_need_the_cut_off():
    rules = standard(lead_days=0, cutoff=dt.time(12))
    assert earliest_delivery(rules, at(MON, 10)) == Slot(MON, dt.time(13), dt.time(17))
    assert earliest_delivery(rules, at(MON, 12, 30)) == Slot(TUE, dt.time(8), dt.time(12))


# --- product availability schedule ---------------------------------------------------------

TUE_THU = ScheduleRules(working_days=frozenset({2, 4}))


def test_product_schedule_first_date_both_allow():
    assert earliest_delivery(standard(), at(MON, 10), TUE_THU) == Slot(TUE, dt.time(8), dt.time(12))
    assert earliest_delivery(standard(), at(TUE, 10), TUE_THU).date == THU
    assert earliest_delivery(standard(), at(THU, 10), TUE_THU).date == NEXT_TUE


def test_product_schedule_closed_dates_count_too():
    product = ScheduleRules(working_days=frozenset({2, 4}), closed=frozenset({THU}))
    assert earliest_delivery(standard(), at(TUE, 10), product).date == NEXT_TUE


def test_supplier_closed_date_on_a_product_day_moves_to_the_next_product_day():
    rules = standard(closed=frozenset({TUE}))
    assert earliest_delivery(rules, at(MON, 10), TUE_THU).date == THU


def test_larger_product_lead_time_wins():
    product = ScheduleRules(working_days=frozenset(range(1, 8)), lead_days=3)
    assert earliest_delivery(standard(), at(MON, 10), product).date == THU
    smaller = ScheduleRules(working_days=frozenset(range(1, 8)), lead_days=0)
    assert earliest_delivery(standard(), at(MON, 10), smaller).date == TUE


def test_product_cut_off_applies_to_the_product():
    product = ScheduleRules(working_days=frozenset(range(1, 8)), cutoff=dt.time(9), lead_days=1)
    # before the schedule's cut-off but after the product's: the product counts from Tuesday
    assert earliest_delivery(standard(), at(MON, 10), product).date == WED


def test_product_time_frames_are_not_used():
    product = ScheduleRules(
        working_days=frozenset({2}), frames=(Frame(frozenset({2}), dt.time(15), dt.time(16)),)
    )
    assert earliest_delivery(standard(), at(MON, 10), product) == Slot(TUE, dt.time(8), dt.time(12))


def test_no_day_both_allow_gives_none():
    weekend_product = ScheduleRules(working_days=frozenset({6, 7}))
    assert earliest_delivery(standard(), at(MON, 10), weekend_product) is None


# --- nothing possible ----------------------------------------------------------------------


def test_no_working_days_gives_none():
    assert earliest_delivery(ScheduleRules(working_days=frozenset()), at(MON, 10)) is None
    assert next_deliveries(ScheduleRules(working_days=frozenset()), at(MON, 10), 5) == []


def test_the_search_stops_at_the_horizon():
    mondays = ScheduleRules(working_days=frozenset({1}))
    assert list(delivery_slots(mondays, at(TUE, 10), horizon_days=6)) == []
    assert next(delivery_slots(mondays, at(TUE, 10), horizon_days=7)).date == NEXT_MON


# --- lists of slots ------------------------------------------------------------------------


def test_next_deliveries_lists_slots_in_order():
    slots = next_deliveries(standard(), at(THU, 10), 4)
    assert slots == [
        Slot(FRI, dt.time(8), dt.time(12)),
        Slot(FRI, dt.time(13), dt.time(17)),
        Slot(NEXT_MON, dt.time(8), dt.time(12)),
        Slot(NEXT_MON, dt.time(13), dt.time(17)),
    ]
    assert slots == sorted(slots)


def test_next_delivery_days_groups_slots_by_date():
    days = next_delivery_days(standard(closed=frozenset({NEXT_TUE})), at(THU, 10), 3)
    assert [day for day, _slots in days] == [FRI, NEXT_MON, NEXT_WED]
    assert [len(slots) for _day, slots in days] == [2, 2, 2]


def test_next_delivery_days_on_the_same_day_keeps_only_frames_to_come():
    days = next_delivery_days(standard(lead_days=0, cutoff=None), at(MON, 9), 2)
    assert days[0] == (MON, [Slot(MON, dt.time(13), dt.time(17))])
    assert days[1][0] == TUE


# --- the data itself -----------------------------------------------------------------------


def test_rules_refuse_nonsense():
    with pytest.raises(ValueError):
        ScheduleRules(working_days=frozenset({0}))
    with pytest.raises(ValueError):
        ScheduleRules(working_days=WEEKDAYS, lead_days=-1)
    with pytest.raises(ValueError):
        ScheduleRules(working_days=WEEKDAYS, frames=(Frame(WEEKDAYS, dt.time(17), dt.time(8)),))


def test_overlapping_frames():
    assert overlapping(MORNING, Frame(frozenset({3}), dt.time(11), dt.time(14)))
    assert overlapping(MORNING, Frame(frozenset({1}), dt.time(9), dt.time(10)))
    # touching is fine, and other weekdays never overlap
    assert not overlapping(MORNING, Frame(WEEKDAYS, dt.time(12), dt.time(13)))
    assert not overlapping(MORNING, Frame(frozenset({6}), dt.time(8), dt.time(12)))


def test_weekday_masks_and_codes():
    assert mask_of_days([1, 2, 3, 4, 5]) == 31
    assert days_of_mask(31) == WEEKDAYS
    assert days_of_mask(mask_of_days([6, 7])) == {6, 7}
    assert day_codes(WEEKDAYS) == "Mo-Fr"
    assert day_codes([1, 3, 5]) == "Mo,We,Fr"
    assert day_codes([1, 2, 3, 6]) == "Mo-We,Sa"
    assert day_codes([6, 7]) == "Sa,Su"


def test_supplier_time_zone_follows_the_country():
    assert zone_of_country("NL").key == "Europe/Amsterdam"
    assert zone_of_country("ES").key == "Europe/Madrid"
    assert zone_of_country("DE").key == "Europe/Berlin"
    assert zone_of_country("").key == "UTC"
    assert zone_of_country("ZZ").utcoffset(dt.datetime(2030, 7, 1)) == dt.timedelta(0)
