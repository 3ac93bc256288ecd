"""Delivery schedules over HTTP and through their verbs (F33, F43, F42, section 7)."""

import datetime as dt
import json

import pytest
from playhouse.test_utils import assert_query_count

from models.audit import FIELD_LABELS, AuditEntry
from models.parties import Party
from models.schedules import (
    ClosedDate,
    DeliverySchedule,
    TimeFrame,
    add_closed_date,
    add_time_frame,
    create_schedule,
    delete_schedule,
    schedules_for,
)
from tests.conftest import text_of

HX = {"HX-Request": "true"}
# Monday 7 January 2030, 10:00 in the supplier's local time: the preview's "now" in these tests.
NOW = dt.datetime(2030, 1, 7, 10, 0)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr("views.schedules.supplier_now", lambda party: NOW)
    monkeypatch.setattr("models.schedules.supplier_now", lambda party: NOW)  # closed-date window


@pytest.fixture
def setup(app, make_party, make_member):
    """A party with an admin, an employee and a schedule: Mon–Fri 08–12 and 13–17,
    cut-off 14:00, lead 1 day, closed on Wednesday 9 January 2030."""
    party = make_party(display_name="Brouwer Test")
    admin = make_member(party, "admin", name="Alma Admin")
    employee = make_member(party, "employee", name="Eddy Employee")
    with app.test_request_context():
        schedule = create_schedule(
            admin,
            party,
            name="Standard delivery",
            working_days=[1, 2, 3, 4, 5],
            cutoff=dt.time(14),
            lead_days=1,
        )
        for start, end in ((dt.time(8), dt.time(12)), (dt.time(13), dt.time(17))):
            add_time_frame(
                admin, party, schedule.id, weekdays=[1, 2, 3, 4, 5], start=start, end=end
            )
        add_closed_date(admin, party, schedule.id, day=dt.date(2030, 1, 9), reason="Stocktake")
    return party, admin, employee, DeliverySchedule.get_by_id(schedule.id)


def url(party, schedule=None, tail=""):
    base = f"/p/{party.id}/schedules/"
    return f"{base}{schedule.id}/{tail}" if schedule else base + tail


def counts():
    return (
        DeliverySchedule.select().count(),
        TimeFrame.select().count(),
        ClosedDate.select().count(),
        AuditEntry.select().count(),
    )


def basics(schedule, **overrides):
    data = {
        "name": schedule.name,
        "working_days": ["1", "2", "3", "4", "5"],
        "cutoff": "14:00",
        "lead_days": "1",
        "version": str(schedule.version),
    }
    data.update(overrides)
    return data


def last_entry():
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    return entry, json.loads(entry.changes)


# --- list ------------------------------------------------------------------------------------


def test_list_shows_days_frames_cut_off_lead_time_and_next_delivery(client, login, setup):
    party, admin, _employee, _schedule = setup
    login(admin)
    response = client.get(url(party))
    assert response.status_code == 200 and "<html" in response.get_data(as_text=True)
    page = text_of(response)
    assert "Standard delivery" in page
    assert "Mon–Fri 8:00 AM – 12:00 PM, 1:00 – 5:00 PM" in page
    assert "2:00 PM" in page and "1 day" in page
    assert "Tue, Jan 8, 2030" in page  # Monday 10:00, before the cut-off, lead 1
    assert "New schedule" in page


def test_list_fragment_for_htmx(client, login, setup):
    party, admin, _employee, _schedule = setup
    login(admin)
    response = client.get(url(party), headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'id="schedule-list"' in html and "Standard delivery" in html
    assert "HX-Request" in response.headers["Vary"]


def test_employee_reads_without_forms(client, login, setup):
    party, _admin, employee, schedule = setup
    login(employee)
    page = text_of(client.get(url(party)))
    assert "Standard delivery" in page and "New schedule" not in page
    page = text_of(client.get(url(party, schedule)))
    assert "Next delivery dates" in page
    assert "Save schedule" not in page and "Add time frame" not in page
    assert "Delete schedule" not in page and "Remove" not in page


def test_schedules_list_scope_takes_three_queries(app, setup):
    party, admin, _employee, _schedule = setup
    with app.test_request_context():
        for n in range(3):
            extra = create_schedule(
                admin, party, name=f"Extra {n}", working_days=[6], cutoff=None, lead_days=0
            )
            add_time_frame(admin, party, extra.id, weekdays=[6], start=dt.time(6), end=dt.time(9))
    with assert_query_count(3):
        schedules = schedules_for(party)
        assert [len(s.frame_list) for s in schedules] == [1, 1, 1, 2]
        assert [len(s.closed_list) for s in schedules] == [0, 0, 0, 1]


# --- create ----------------------------------------------------------------------------------


def test_admin_creates_a_schedule(client, login, setup):
    party, admin, _employee, _schedule = setup
    login(admin)
    data = {"name": " Saturday run ", "working_days": ["6"], "cutoff": "12:00", "lead_days": "2"}
    response = client.post(url(party), data=data)
    assert response.status_code == 303
    created = DeliverySchedule.get(DeliverySchedule.name == "Saturday run")
    assert response.headers["Location"].endswith(url(party, created))
    assert (created.working_days, created.cutoff_time, created.lead_days) == (32, "12:00", 2)
    entry, changes = last_entry()
    assert (entry.area, entry.action, entry.subject, entry.actor_id) == (
        "schedule",
        "create",
        "Saturday run",
        admin.id,
    )
    assert {"field": "schedule.working_days", "old": None, "new": {"days": [6]}} in changes
    page = text_of(client.get(response.headers["Location"]))
    assert "Schedule “Saturday run” is added." in page


def test_create_over_htmx_redirects_with_hx_redirect(client, login, setup):
    party, admin, _employee, _schedule = setup
    login(admin)
    data = {"name": "Evening", "working_days": ["1"], "cutoff": "", "lead_days": "0"}
    response = client.post(url(party), data=data, headers=HX)
    assert response.status_code == 204
    created = DeliverySchedule.get(DeliverySchedule.name == "Evening")
    assert response.headers["HX-Redirect"] == url(party, created)
    assert created.cutoff_time is None


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"name": ""}, "name", "This field is required."),
        ({"lead_days": "-1"}, "lead_days", "Enter a whole number of days from 0 to 60."),
        ({"lead_days": "61"}, "lead_days", "Enter a whole number of days from 0 to 60."),
        ({"lead_days": "one"}, "lead_days", "Not a valid integer value."),
        ({"working_days": []}, "working_days", "Choose at least one working day."),
        ({"working_days": ["8"]}, "working_days", "Choose days of the week."),
        ({"cutoff": "25:99"}, "cutoff", "Enter a time as hours and minutes, for example 08:30."),
        ({"name": "standard DELIVERY"}, "name", "A schedule with this name already exists."),
    ],
)
def test_create_refuses_bad_input(client, login, setup, overrides, field, message):
    party, admin, _employee, _schedule = setup
    login(admin)
    before = counts()
    data = {"name": "New one", "working_days": ["1", "2"], "cutoff": "", "lead_days": "1"}
    data.update(overrides)
    for headers in ({}, HX):
        response = client.post(url(party), data=data, headers=headers)
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert f'id="{field}-error"' in html and message in text_of(response)
        assert ("<html" in html) == (not headers)
    assert counts() == before


def test_employee_cannot_create(client, login, setup):
    party, _admin, employee, _schedule = setup
    login(employee)
    before = counts()
    data = {"name": "Mine", "working_days": ["1"], "cutoff": "", "lead_days": "1"}
    assert client.post(url(party), data=data).status_code == 403
    assert counts() == before


# --- show and preview ------------------------------------------------------------------------


def test_show_has_forms_preview_and_the_rule(client, login, setup):
    party, admin, _employee, schedule = setup
    login(admin)
    response = client.get(url(party, schedule))
    assert response.status_code == 200 and "<html" in response.get_data(as_text=True)
    page = text_of(response)
    for text in ("Save schedule", "Add time frame", "Add closed date", "Delete schedule"):
        assert text in page
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        assert day in page
    # Tuesday, then Thursday: Wednesday the 9th is closed
    assert "Tue, Jan 8, 2030 8:00 AM – 12:00 PM, 1:00 – 5:00 PM earliest" in page
    assert page.index("Thu, Jan 10, 2030") < page.index("Fri, Jan 11, 2030")
    assert "Wed, Jan 9, 2030 Stocktake" in page
    assert "Orders placed before 2:00 PM count as placed that day" in page
    assert "The lead time of 1 day is added" in page


def test_show_over_htmx_refreshes_the_preview(client, login, setup):
    party, admin, _employee, schedule = setup
    login(admin)
    response = client.get(url(party, schedule), headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section id="schedule-preview"')
    assert "hx-swap-oob" not in html
    assert "Tue, Jan 8, 2030" in html


def test_preview_in_the_users_language(client, login, setup, make_member):
    party, _admin, _employee, schedule = setup
    login(make_member(party, "admin", language="nl"))
    page = text_of(client.get(url(party, schedule)))
    assert "maandag" in page and "zondag" in page
    assert "di 8 jan 2030" in page
    assert "08:00–12:00" in page


def test_another_partys_schedule_answers_404(client, login, setup, make_party, make_member):
    party, _admin, _employee, schedule = setup
    login(make_member(make_party(), "admin"))
    before = counts()
    assert client.get(url(party, schedule)).status_code == 404
    # and my own party's URL with their schedule id
    mine = Party.select().order_by(Party.id.desc()).first()
    assert client.get(url(mine, schedule)).status_code == 404
    for tail in ("", "delete", "frames", "closed"):
        response = client.post(url(mine, schedule, tail), data=basics(schedule))
        assert response.status_code == 404, tail
    assert counts() == before


# --- update ----------------------------------------------------------------------------------


def test_admin_updates_basics_and_the_preview_follows(client, login, setup):
    party, admin, _employee, schedule = setup
    login(admin)
    data = basics(schedule, name="Standard", working_days=["2", "4"], cutoff="", lead_days="0")
    response = client.post(url(party, schedule), data=data, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="schedule-basics"')
    assert "The schedule is saved." in html
    # the page head, the frame list and the preview come along out of band
    assert '<section id="schedule-head" class="page-head" hx-swap-oob="true">' in html
    assert 'id="schedule-frame-list" class="plain-list item-list" hx-swap-oob="true"' in html
    assert 'id="schedule-preview"' in html and html.count('hx-swap-oob="true"') == 3
    # Monday 10:00, lead 0, Tue/Thu only: Tuesday is first
    preview = html[html.index('id="schedule-preview"') :]
    assert "Tue, Jan 8, 2030" in preview and "Thu, Jan 10, 2030" in preview
    assert "Mon, Jan 7, 2030" not in preview
    schedule = DeliverySchedule.get_by_id(schedule.id)
    assert (schedule.name, schedule.working_days, schedule.cutoff_time) == ("Standard", 10, None)
    assert (schedule.lead_days, schedule.version) == (0, 2)
    entry, changes = last_entry()
    assert (entry.action, entry.subject) == ("update", "Standard")
    assert changes == [
        {"field": "schedule.name", "old": "Standard delivery", "new": "Standard"},
        {
            "field": "schedule.working_days",
            "old": {"days": [1, 2, 3, 4, 5]},
            "new": {"days": [2, 4]},
        },
        {"field": "schedule.cutoff", "old": {"time": "14:00"}, "new": None},
        {"field": "schedule.lead_days", "old": 1, "new": 0},
    ]


def test_update_without_javascript_redirects_to_the_page(client, login, setup):
    party, admin, _employee, schedule = setup
    login(admin)
    response = client.post(url(party, schedule), data=basics(schedule, lead_days="3"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(url(party, schedule))
    page = text_of(client.get(response.headers["Location"]))
    assert "The schedule is saved." in page
    assert "Thu, Jan 10, 2030" in page and "Tue, Jan 8, 2030" not in page


def test_saving_unchanged_basics_records_nothing(client, login, setup):
    party, admin, _employee, schedule = setup
    login(admin)
    before = counts()
    assert client.post(url(party, schedule), data=basics(schedule)).status_code == 303
    assert counts() == before
    assert DeliverySchedule.get_by_id(schedule.id).version == 1


def test_stale_basics_form_is_detected(client, login, setup):
    party, admin, _employee, schedule = setup
    login(admin)
    assert (
        client.post(url(party, schedule), data=basics(schedule, lead_days="2")).status_code == 303
    )
    before = counts()
    stale = basics(schedule, name="Overwritten", lead_days="5")  # still version 1
    for headers in (HX, {}):
        response = client.post(url(party, schedule), data=stale, headers=headers)
        assert response.status_code == 409
        assert "Someone else changed this schedule" in text_of(response)
        # the form now shows the current values and version
        html = response.get_data(as_text=True)
        assert 'name="version" type="hidden" value="2"' in html
        assert 'value="Standard delivery"' in html
    assert counts() == before
    assert DeliverySchedule.get_by_id(schedule.id).lead_days == 2


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"lead_days": "-1"}, "lead_days", "Enter a whole number of days from 0 to 60."),
        ({"cutoff": "14h"}, "cutoff", "Enter a time as hours and minutes, for example 08:30."),
        ({"working_days": []}, "working_days", "Choose at least one working day."),
        ({"name": "   "}, "name", "This field is required."),
    ],
)
def test_update_refuses_bad_input(client, login, setup, overrides, field, message):
    party, admin, _employee, schedule = setup
    login(admin)
    before = counts()
    for headers in (HX, {}):
        response = client.post(
            url(party, schedule), data=basics(schedule, **overrides), headers=headers
        )
        assert response.status_code == 422
        assert f'id="{field}-error"' in response.get_data(as_text=True)
        assert message in text_of(response)
    assert counts() == before


def test_update_refuses_a_name_taken_by_another_schedule(client, login, setup):
    party, admin, _employee, schedule = setup
    login(admin)
    client.post(url(party), data={"name": "Other", "working_days": ["6"], "lead_days": "1"})
    before = counts()
    response = client.post(url(party, schedule), data=basics(schedule, name="OTHER"), headers=HX)
    assert response.status_code == 422
    assert "A schedule with this name already exists." in text_of(response)
    assert counts() == before


# --- time frames -----------------------------------------------------------------------------


def frame(weekdays=("6",), start="06:00", end="09:00"):
    return {"weekdays": list(weekdays), "start": start, "end": end}


def test_add_frame_updates_the_list_and_the_preview_in_place(client, login, setup):
    party, admin, _employee, schedule = setup
    login(admin)
    # an early frame on Tuesday becomes the earliest slot
    response = client.post(
        url(party, schedule, "frames"), data=frame(["2"], "06:00", "07:30"), headers=HX
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="schedule-frames"')
    assert "The time frame is added." in html
    assert html.count('hx-swap-oob="true"') == 2  # head and preview
    preview = html[html.index('id="schedule-preview"') :]
    assert "Tue, Jan 8, 2030 6:00 – 7:30 AM, 8:00 AM – 12:00 PM, 1:00 – 5:00 PM" in text_of_html(
        preview
    )
    added = TimeFrame.select().order_by(TimeFrame.id.desc()).first()
    assert (added.weekdays, added.start, added.end) == (2, "06:00", "07:30")
    entry, changes = last_entry()
    assert (entry.action, entry.subject) == ("update", "Standard delivery")
    new = {"days": [2], "from": "06:00", "to": "07:30"}
    assert changes == [{"field": "schedule.time_frame", "old": None, "new": new}]


def text_of_html(html: str) -> str:
    class Fake:
        def get_data(self, as_text=True):
            return html

    return text_of(Fake())


def test_add_frame_without_javascript(client, login, setup):
    party, admin, _employee, schedule = setup
    login(admin)
    response = client.post(
        url(party, schedule, "frames"), data=frame(["1", "2", "3", "4", "5"], "17:00", "19:00")
    )
    assert response.status_code == 303
    page = text_of(client.get(response.headers["Location"]))
    assert "The time frame is added." in page
    assert "5:00 – 7:00 PM" in page


@pytest.mark.parametrize(
    "data, field, message",
    [
        (frame(["1"], "17:00", "08:00"), "end", "The end must be later than the start."),
        (frame(["1"], "09:00", "09:00"), "end", "The end must be later than the start."),
        (frame(["3"], "11:00", "14:00"), "start", "This time frame overlaps 08:00–12:00"),
        (frame(["1", "6"], "16:30", "18:00"), "start", "This time frame overlaps 13:00–17:00"),
        (frame([]), "weekdays", "Choose at least one day."),
        (frame(["0"]), "weekdays", "Choose days of the week."),
        (frame(["6"], "6 o'clock"), "start", "Enter a time as hours and minutes"),
        (frame(["6"], "06:00", ""), "end", "This field is required."),
    ],
)
def test_add_frame_refuses_bad_frames(client, login, setup, data, field, message):
    party, admin, _employee, schedule = setup
    login(admin)
    before = counts()
    for headers in (HX, {}):
        response = client.post(url(party, schedule, "frames"), data=data, headers=headers)
        assert response.status_code == 422
        assert f'id="{field}-error"' in response.get_data(as_text=True)
        assert message in text_of(response)
    assert counts() == before


def test_touching_frames_are_fine(client, login, setup):
    party, admin, _employee, schedule = setup
    login(admin)
    response = client.post(url(party, schedule, "frames"), data=frame(["1"], "12:00", "13:00"))
    assert response.status_code == 303


def test_delete_frame(client, login, setup):
    party, admin, _employee, schedule = setup
    login(admin)
    morning = TimeFrame.get(TimeFrame.schedule == schedule, TimeFrame.start == "08:00")
    response = client.post(url(party, schedule, f"frames/{morning.id}/delete"), headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "The time frame is removed." in html
    assert "Tue, Jan 8, 2030 1:00 – 5:00 PM" in text_of_html(html)
    assert TimeFrame.get_or_none(TimeFrame.id == morning.id) is None
    _entry, changes = last_entry()
    old = {"days": [1, 2, 3, 4, 5], "from": "08:00", "to": "12:00"}
    assert changes == [{"field": "schedule.time_frame", "old": old, "new": None}]
    # without JavaScript
    afternoon = TimeFrame.get(TimeFrame.schedule == schedule)
    response = client.post(url(party, schedule, f"frames/{afternoon.id}/delete"))
    assert response.status_code == 303
    assert "No time frames: deliveries all day" in text_of(client.get(response.headers["Location"]))


def test_frame_of_another_schedule_or_party_answers_404(
    client, login, app, setup, make_party, make_member
):
    party, admin, employee, schedule = setup
    with app.test_request_context():
        other = create_schedule(
            admin, party, name="Other", working_days=[6], cutoff=None, lead_days=1
        )
        theirs_party = make_party()
        their_admin = make_member(theirs_party, "admin")
        theirs = create_schedule(
            their_admin, theirs_party, name="Theirs", working_days=[1], cutoff=None, lead_days=1
        )
        their_frame = add_time_frame(
            their_admin, theirs_party, theirs.id, weekdays=[1], start=dt.time(8), end=dt.time(9)
        )
        their_closed = add_closed_date(
            their_admin, theirs_party, theirs.id, day=dt.date(2030, 1, 1)
        )
    mine = TimeFrame.get(TimeFrame.schedule == schedule)
    my_closed = ClosedDate.get(ClosedDate.schedule == schedule)
    login(admin)
    before = counts()
    for path in (
        url(party, other, f"frames/{mine.id}/delete"),  # my frame, through another schedule
        url(party, schedule, f"frames/{their_frame.id}/delete"),
        url(party, other, f"closed/{my_closed.id}/delete"),
        url(party, schedule, f"closed/{their_closed.id}/delete"),
        url(party, theirs, f"frames/{their_frame.id}/delete"),
    ):
        for headers in ({}, HX):
            assert client.post(path, headers=headers).status_code == 404, path
    assert counts() == before


# --- closed dates ----------------------------------------------------------------------------


def test_add_closed_date_moves_the_preview(client, login, setup):
    party, admin, _employee, schedule = setup
    login(admin)
    data = {"day": "2030-01-08", "reason": "Inventory"}
    response = client.post(url(party, schedule, "closed"), data=data, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="schedule-closed"')
    assert "The closed date is added." in html and "Inventory" in html
    preview = text_of_html(html[html.index('id="schedule-preview"') :])
    # Tuesday and Wednesday are closed now: Thursday is the earliest
    assert "Thu, Jan 10, 2030 8:00 AM – 12:00 PM, 1:00 – 5:00 PM earliest" in preview
    _entry, changes = last_entry()
    assert changes == [
        {
            "field": "schedule.closed_date",
            "old": None,
            "new": {"closed": "2030-01-08", "reason": "Inventory"},
        }
    ]


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"day": "2030-01-09"}, "day", "This date is already closed."),
        ({"day": "9 January"}, "day", "Enter a date, for example 2030-12-25."),
        ({"day": "2030-02-30"}, "day", "Enter a date, for example 2030-12-25."),
        ({"day": ""}, "day", "This field is required."),
        ({"day": "2030-03-01", "reason": "x" * 121}, "reason", "120"),
    ],
)
def test_add_closed_date_refuses_bad_input(client, login, setup, data, field, message):
    party, admin, _employee, schedule = setup
    login(admin)
    before = counts()
    for headers in (HX, {}):
        response = client.post(url(party, schedule, "closed"), data=data, headers=headers)
        assert response.status_code == 422
        assert f'id="{field}-error"' in response.get_data(as_text=True)
        assert message in text_of(response)
    assert counts() == before


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2029-01-06", "2035-01-08"])
def test_closed_dates_lie_within_a_year_back_and_five_years_ahead(client, login, setup, day):
    party, admin, _employee, schedule = setup  # today is 7 January 2030 for the supplier
    login(admin)
    before = counts()
    for headers in (HX, {}):
        response = client.post(url(party, schedule, "closed"), data={"day": day}, headers=headers)
        assert response.status_code == 422
        assert 'id="day-error"' in response.get_data(as_text=True)
        assert "Choose a date from Jan 7, 2029 to Jan 7, 2035." in text_of(response)
    assert counts() == before


def test_the_closed_date_window_is_named_in_the_users_language(client, login, setup, make_member):
    party, _admin, _employee, schedule = setup
    login(make_member(party, "admin", language="de"))
    response = client.post(url(party, schedule, "closed"), data={"day": "9999-12-31"})
    assert response.status_code == 422
    assert "07.01.2029" in text_of(response) and "07.01.2035" in text_of(response)


def test_the_window_edges_can_be_closed(app, setup):
    party, admin, _employee, schedule = setup
    with app.test_request_context():
        for day in (dt.date(2029, 1, 7), dt.date(2035, 1, 7)):
            add_closed_date(admin, party, schedule.id, day=day)
    days = {c.day for c in ClosedDate.select().where(ClosedDate.schedule == schedule)}
    assert {dt.date(2029, 1, 7), dt.date(2035, 1, 7)} <= days


def test_the_window_from_a_leap_day(monkeypatch, make_party):
    from models.schedules import closed_date_window

    leap = dt.datetime(2028, 2, 29, 9, 0)
    monkeypatch.setattr("models.schedules.supplier_now", lambda party: leap)
    assert closed_date_window(make_party()) == (dt.date(2027, 2, 28), dt.date(2033, 2, 28))


def test_delete_closed_date(client, login, setup):
    party, admin, _employee, schedule = setup
    login(admin)
    closed = ClosedDate.get(ClosedDate.schedule == schedule)
    response = client.post(url(party, schedule, f"closed/{closed.id}/delete"), headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "The closed date is removed." in html
    assert "No closed dates." in html
    assert "Wed, Jan 9, 2030" in text_of_html(html[html.index('id="schedule-preview"') :])
    _entry, changes = last_entry()
    assert changes == [
        {
            "field": "schedule.closed_date",
            "old": {"closed": "2030-01-09", "reason": "Stocktake"},
            "new": None,
        }
    ]
    # a second time: it is gone
    assert client.post(url(party, schedule, f"closed/{closed.id}/delete")).status_code == 404


# --- delete ----------------------------------------------------------------------------------


def test_delete_schedule_over_htmx(client, login, setup):
    party, admin, _employee, schedule = setup
    Party.update(default_schedule=schedule.id).where(Party.id == party.id).execute()
    login(admin)
    response = client.post(url(party, schedule, "delete"), headers=HX)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == url(party)
    assert DeliverySchedule.get_or_none(DeliverySchedule.id == schedule.id) is None
    assert TimeFrame.select().count() == 0 and ClosedDate.select().count() == 0
    refreshed = Party.get_by_id(party.id)
    assert refreshed.default_schedule_id is None and refreshed.version == party.version + 1
    entry, changes = last_entry()
    assert (entry.action, entry.subject) == ("delete", "Standard delivery")
    assert {
        "field": "schedule.time_frames",
        "old": {
            "items": [
                {"days": [1, 2, 3, 4, 5], "from": "08:00", "to": "12:00"},
                {"days": [1, 2, 3, 4, 5], "from": "13:00", "to": "17:00"},
            ]
        },
        "new": None,
    } in changes
    assert {"field": "schedule.supplier_default", "old": True, "new": False} in changes
    page = text_of(client.get(url(party)))
    assert "Schedule “Standard delivery” is deleted." in page
    assert "No delivery schedules yet." in page


def test_delete_schedule_without_javascript(client, login, setup):
    party, admin, _employee, schedule = setup
    login(admin)
    response = client.post(url(party, schedule, "delete"))
    assert response.status_code == 303 and response.headers["Location"].endswith(url(party))
    assert client.post(url(party, schedule, "delete")).status_code == 404


def test_delete_leaves_other_parties_defaults_alone(app, setup, make_party):
    party, admin, _employee, schedule = setup
    other = make_party(default_schedule=None)
    with app.test_request_context():
        delete_schedule(admin, party, schedule.id)
    assert Party.get_by_id(other.id).version == other.version


def test_delete_page_asks_for_confirmation(client, login, setup):
    party, admin, _employee, schedule = setup
    login(admin)
    html = client.get(url(party, schedule)).get_data(as_text=True)
    assert 'hx-confirm="Delete the schedule “Standard delivery”?"' in html


# --- roles -----------------------------------------------------------------------------------


def test_employee_cannot_change_anything(client, login, setup):
    party, _admin, employee, schedule = setup
    login(employee)
    a_frame = TimeFrame.get(TimeFrame.schedule == schedule)
    a_closed = ClosedDate.get(ClosedDate.schedule == schedule)
    before = counts()
    for path, data in (
        (url(party, schedule), basics(schedule, lead_days="3")),
        (url(party, schedule, "delete"), {}),
        (url(party, schedule, "frames"), frame()),
        (url(party, schedule, f"frames/{a_frame.id}/delete"), {}),
        (url(party, schedule, "closed"), {"day": "2030-05-01"}),
        (url(party, schedule, f"closed/{a_closed.id}/delete"), {}),
    ):
        for headers in ({}, HX):
            assert client.post(path, data=data, headers=headers).status_code == 403, path
    assert counts() == before


# --- audit and demo --------------------------------------------------------------------------


def test_field_keys_have_labels(app):
    with app.test_request_context():
        for key in (
            "schedule.name",
            "schedule.working_days",
            "schedule.cutoff",
            "schedule.lead_days",
            "schedule.time_frame",
            "schedule.closed_date",
        ):
            assert str(FIELD_LABELS[key])


def test_audit_log_shows_schedule_changes(client, login, setup):
    party, admin, _employee, schedule = setup
    login(admin)
    page = text_of(client.get(f"/p/{party.id}/audit/"))
    assert "Delivery schedules" in page and "Time frame" in page
    assert "Mon–Fri 8:00 AM – 12:00 PM" in page and "Jan 9, 2030 (Stocktake)" in page


def test_demo_schedules(app, make_party, make_user, monkeypatch):
    from models.schedules_demo import add_demo

    monkeypatch.undo()  # the demo's holidays are ahead of today, not of the tests' fixed now

    parties = {"brouwer": make_party(country="NL"), "hoffmann": make_party(country="DE")}
    users = {
        "supplier-admin@example.com": make_user(),
        "hoffmann-admin@example.com": make_user(),
    }
    add_demo(parties, users)  # no request context: the demo loads from the command line
    brouwer = {s.name: s for s in schedules_for(parties["brouwer"])}
    standard = brouwer["Standard delivery"]
    assert (standard.working_days, standard.cutoff_time, standard.lead_days) == (31, "14:00", 1)
    assert [(f.start, f.end) for f in standard.frame_list] == [
        ("08:00", "12:00"),
        ("13:00", "17:00"),
    ]
    reasons = {c.reason for c in standard.closed_list}
    assert reasons == {"Eerste Kerstdag", "Tweede Kerstdag", "Nieuwjaarsdag", "Koningsdag"}
    assert all(c.day >= dt.date.today() for c in standard.closed_list)
    market = brouwer["Saturday market run"]
    assert (market.working_days, market.cutoff_time, market.lead_days) == (32, "12:00", 2)
    assert [(f.start, f.end) for f in market.frame_list] == [("06:00", "09:00")]
    assert len(schedules_for(parties["hoffmann"])) == 1
