"""Delivery schedules: working days, time frames, closed dates, cut-off, lead time, preview."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

from babel import Locale
from babel.dates import format_interval, format_skeleton, get_day_names
from flask import Blueprint, abort, flash, g, make_response, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2_fragments.flask import render_block

from models.base import DomainError, NotFound
from models.delivery_dates import day_ranges, earliest_delivery, next_delivery_days
from models.schedules import (
    StaleSchedule,
    add_closed_date,
    add_time_frame,
    create_schedule,
    delete_schedule,
    get_schedule,
    remove_closed_date,
    remove_time_frame,
    rules_of,
    schedules_for,
    supplier_now,
    update_schedule,
)

from .access import member
from .confirm import confirm_page
from .forms.fields import field_error
from .forms.schedules import (
    ClosedDateAddForm,
    ScheduleCreateForm,
    ScheduleUpdateForm,
    TimeFrameAddForm,
)
from .htmx import block_for, page_or_block, redirect_to, wants_block
from .i18n import locale_name

bp = Blueprint("schedules", __name__, url_prefix="/p/<int:party_id>/schedules")

PREVIEW_DAYS = 5
SHOW = "schedules/show.html"


# --- formatting in the user's language (template filters) -----------------------------------


@bp.app_template_filter("weekday_names")
def weekdays_text(days: Iterable[int]) -> str:
    """ISO weekdays as short localized names: "Mon–Fri", "Mon, Wed, Fri", "Mon–Wed, Sat"."""
    return _weekdays_text(tuple(sorted(days)), locale_name())


# Babel's formatting takes 10-30 µs a call, and a schedule list formats the same few weekdays,
# times and dates again and again: the results are kept per value and locale.
@lru_cache(maxsize=4096)
def _weekdays_text(days: tuple[int, ...], locale: str) -> str:
    names = get_day_names("abbreviated", locale=locale)
    return ", ".join("–".join(names[day - 1] for day in part) for part in day_ranges(days))


def _clock_skeleton(locale: str) -> str:
    """24-hour clock unless the locale writes times with a 12-hour clock."""
    pattern = Locale.parse(locale).time_formats["short"].pattern
    return "hm" if "h" in pattern else "Hm"


@bp.app_template_filter("time_frame")
def time_range(start: dt.time, end: dt.time) -> str:
    """A time frame in the user's locale ("08:00–12:00", "8:00 AM – 12:00 PM")."""
    return _time_range(start, end, locale_name())


@lru_cache(maxsize=4096)
def _time_range(start: dt.time, end: dt.time, locale: str) -> str:
    # Babel's interval formatting is slow, and a schedule list shows the same frames often.
    return format_interval(start, end, _clock_skeleton(locale), locale=locale)


@bp.app_template_filter("time_of_day")
def clock(value: dt.time) -> str:
    """A time of day in the user's locale."""
    return _clock(value, locale_name())


@lru_cache(maxsize=4096)
def _clock(value: dt.time, locale: str) -> str:
    return format_skeleton(_clock_skeleton(locale), value, locale=locale)


@bp.app_template_filter("delivery_date")
def delivery_date(value: dt.date) -> str:
    """A date with its weekday, in the user's locale ("Tue, Jun 2, 2026")."""
    return _delivery_date(value, locale_name())


@lru_cache(maxsize=4096)
def _delivery_date(value: dt.date, locale: str) -> str:
    return format_skeleton("yMMMEd", value, locale=locale)


@bp.app_template_filter("delivery_slot")
def slot_text(slot) -> str:
    """A delivery slot's time frame, or "all day"."""
    if slot.start is None:
        return _("all day")
    return time_range(slot.start, slot.end)


@bp.app_template_filter("frames_summary")
def frames_summary(schedule) -> str:
    """The schedule's delivery hours: "Mon–Fri 08:00–12:00, 13:00–17:00; Sat all day"."""
    working = schedule.weekdays
    groups: dict[frozenset[int], list] = {}
    for frame in schedule.frame_list:
        days = frame.days & working
        if days:
            groups.setdefault(days, []).append(frame)
    parts = []
    for days, frames in sorted(groups.items(), key=lambda item: (min(item[0]), sorted(item[0]))):
        frames = sorted(frames, key=lambda f: (f.start, f.end))
        ranges = ", ".join(time_range(f.start_time, f.end_time) for f in frames)
        parts.append(f"{weekdays_text(days)} {ranges}")
    covered = set().union(*groups) if groups else set()
    whole_days = working - covered
    if whole_days:
        parts.append(_("%(days)s all day", days=weekdays_text(whole_days)))
    return "; ".join(parts)


# --- rendering -------------------------------------------------------------------------------


def _can_edit() -> bool:
    return g.membership.has_role("admin")


def _actor():
    return current_user._get_current_object()


def _load(schedule_id: int):
    try:
        return get_schedule(g.party, schedule_id)
    except NotFound:
        abort(404)


def _basics_form(schedule) -> ScheduleUpdateForm:
    return ScheduleUpdateForm(
        formdata=None,
        name=schedule.name,
        working_days=sorted(schedule.weekdays),
        cutoff=schedule.cutoff,
        lead_days=schedule.lead_days,
        version=schedule.version,
    )


def _show(schedule, status: int = 200, block: str | None = None, oob: tuple = (), **overrides):
    """The schedule page, or `block` plus out-of-band regions for an htmx request."""
    moment = supplier_now(g.party)
    context = {
        "schedule": schedule,
        "can_edit": _can_edit(),
        "basics_form": _basics_form(schedule),
        "basics_error": None,
        "basics_notice": None,
        # a new time frame starts on the schedule's own working days
        "frame_form": TimeFrameAddForm(formdata=None, weekdays=sorted(schedule.weekdays)),
        "frames_notice": None,
        "closed_form": ClosedDateAddForm(formdata=None),
        "closed_notice": None,
        "moment": moment,
        "today": moment.date(),
        "preview": next_delivery_days(rules_of(schedule), moment, PREVIEW_DAYS),
        "oob": False,
    }
    context.update(overrides)
    if block and wants_block():
        html = render_block(SHOW, block, **context)
        for name in oob:
            html += render_block(SHOW, name, **{**context, "oob": True})
    else:
        html = render_template(SHOW, **context)
    response = make_response(html, status)
    response.vary.add("HX-Request")
    return response


def _changed(schedule_id: int, block: str, message: str, oob: tuple, **notice):
    """After a change: the region and the refreshed preview (htmx), else back to the page."""
    if wants_block():
        return _show(_load(schedule_id), 200, block, oob, **notice)
    flash(message)
    return redirect_to(url_for("schedules.show", party_id=g.party.id, schedule_id=schedule_id))


# The parts of a schedule (time frames, closed dates): the region that lists them, the regions
# a change also refreshes (out of band), the template's name of its notice and of its form.
_PARTS = {
    "frames": (
        "schedule_frames",
        ("schedule_head", "schedule_preview"),
        "frames_notice",
        "frame_form",
    ),
    "closed": ("schedule_closed", ("schedule_preview",), "closed_notice", "closed_form"),
}


def _part_changed(schedule_id: int, part: str, message: str):
    """After a time frame or closed date was added or removed: its region with the note."""
    block, oob, notice, _form = _PARTS[part]
    return _changed(schedule_id, block, message, oob, **{notice: message})


def _add_part(schedule_id: int, part: str, form, message: str, verb, **values):
    """Add a time frame or closed date from its form; a refusal shows on the form (422)."""
    schedule = _load(schedule_id)
    block, _oob, _notice, form_name = _PARTS[part]
    if form.validate_on_submit():
        try:
            verb(_actor(), g.party, schedule.id, **values)
        except NotFound:
            abort(404)
        except DomainError as error:
            field_error(form, error)
        else:
            return _part_changed(schedule_id, part, message)
    return _show(schedule, 422, block, **{form_name: form})


def _remove_part(schedule_id: int, part: str, message: str, verb, part_id: int):
    """Remove a time frame or closed date of the schedule."""
    schedule = _load(schedule_id)
    try:
        verb(_actor(), g.party, schedule.id, part_id)
    except NotFound:
        abort(404)
    return _part_changed(schedule_id, part, message)


def _index(status: int = 200, block: str | None = None, form=None, form_error=None):
    moment = supplier_now(g.party)
    schedules = schedules_for(g.party)
    for schedule in schedules:
        schedule.next_slot = earliest_delivery(rules_of(schedule), moment)
    if form is None and block_for(block) != "schedule_list":  # the list alone has no form
        form = ScheduleCreateForm(formdata=None)
    return page_or_block(
        "schedules/index.html",
        block,
        status,
        schedules=schedules,
        can_edit=_can_edit(),
        form=form,
        form_error=form_error,
    )


# --- routes ----------------------------------------------------------------------------------


@bp.route("/")
@member("employee")
def index(party_id):
    """The company's delivery schedules with their next delivery date; admins add new ones."""
    return _index(block="schedule_list")


@bp.route("/", methods=["POST"])
@member("admin")
def create(party_id):
    """Add a delivery schedule, then go on to its time frames and closed dates."""
    form = ScheduleCreateForm()
    form_error = None
    if form.validate_on_submit():
        try:
            schedule = create_schedule(
                _actor(),
                g.party,
                name=form.name.data,
                working_days=form.working_days.data,
                cutoff=form.cutoff.data,
                lead_days=form.lead_days.data,
            )
        except DomainError as error:
            form_error = field_error(form, error)
        else:
            flash(_("Schedule “%(name)s” is added.", name=schedule.name))
            return redirect_to(
                url_for("schedules.show", party_id=party_id, schedule_id=schedule.id)
            )
    return _index(422, "schedule_create", form, form_error)


@bp.route("/<int:schedule_id>/")
@member("employee")
def show(party_id, schedule_id):
    """One schedule: basics, time frames, closed dates and the next delivery dates (an htmx
    request gets the preview alone: it refreshes it as time passes a cut-off)."""
    return _show(_load(schedule_id), block="schedule_preview")


@bp.route("/<int:schedule_id>/", methods=["POST"])
@member("admin")
def update(party_id, schedule_id):
    """Save the name, working days, cut-off time and lead time."""
    schedule = _load(schedule_id)
    form = ScheduleUpdateForm()
    if form.validate_on_submit():
        try:
            update_schedule(
                _actor(),
                g.party,
                schedule.id,
                version=form.version.data,
                name=form.name.data,
                working_days=form.working_days.data,
                cutoff=form.cutoff.data,
                lead_days=form.lead_days.data,
            )
        except StaleSchedule as error:
            return _show(_load(schedule_id), 409, "schedule_basics", basics_error=str(error))
        except NotFound:
            abort(404)
        except DomainError as error:
            return _show(
                schedule,
                422,
                "schedule_basics",
                basics_form=form,
                basics_error=field_error(form, error),
            )
        return _changed(
            schedule_id,
            "schedule_basics",
            _("The schedule is saved."),
            ("schedule_head", "schedule_frame_list", "schedule_preview"),
            basics_notice=_("The schedule is saved."),
        )
    basics_error = None
    if form.version.errors:  # a hidden field: say so above the form
        basics_error = _("This form is out of date. Please reload the page and try again.")
    return _show(schedule, 422, "schedule_basics", basics_form=form, basics_error=basics_error)


@bp.route("/<int:schedule_id>/delete/confirm")
@member("admin")
def confirm_delete(party_id, schedule_id):
    """Without JavaScript: ask before a schedule is deleted."""
    schedule = _load(schedule_id)
    return confirm_page(
        title=_("Delete this schedule"),
        question=_("Delete the schedule “%(name)s”?", name=schedule.name),
        facts=[(_("Working days"), weekdays_text(schedule.weekdays) or "—")],
        note=_(
            "Its time frames and closed dates go with it. If it is your default schedule, "
            "you will have no default schedule."
        ),
        button=_("Delete schedule"),
        action_url=url_for("schedules.delete", party_id=party_id, schedule_id=schedule.id),
        cancel_url=url_for("schedules.show", party_id=party_id, schedule_id=schedule.id),
    )


@bp.route("/<int:schedule_id>/delete", methods=["POST"])
@member("admin")
def delete(party_id, schedule_id):
    """Delete the schedule with its time frames and closed dates."""
    schedule = _load(schedule_id)
    try:
        delete_schedule(_actor(), g.party, schedule.id)
    except NotFound:
        abort(404)
    flash(_("Schedule “%(name)s” is deleted.", name=schedule.name))
    return redirect_to(url_for("schedules.index", party_id=party_id))


@bp.route("/<int:schedule_id>/frames", methods=["POST"])
@member("admin")
def add_frame(party_id, schedule_id):
    """Add a delivery time frame on some days of the week."""
    form = TimeFrameAddForm()
    return _add_part(
        schedule_id,
        "frames",
        form,
        _("The time frame is added."),
        add_time_frame,
        weekdays=form.weekdays.data,
        start=form.start.data,
        end=form.end.data,
    )


@bp.route("/<int:schedule_id>/frames/<int:frame_id>/delete", methods=["POST"])
@member("admin")
def delete_frame(party_id, schedule_id, frame_id):
    """Remove a time frame."""
    return _remove_part(
        schedule_id, "frames", _("The time frame is removed."), remove_time_frame, frame_id
    )


@bp.route("/<int:schedule_id>/closed", methods=["POST"])
@member("admin")
def add_closed(party_id, schedule_id):
    """Close the schedule on a date (a holiday)."""
    form = ClosedDateAddForm()
    return _add_part(
        schedule_id,
        "closed",
        form,
        _("The closed date is added."),
        add_closed_date,
        day=form.day.data,
        reason=form.reason.data or "",
    )


@bp.route("/<int:schedule_id>/closed/<int:closed_id>/delete", methods=["POST"])
@member("admin")
def delete_closed(party_id, schedule_id, closed_id):
    """Open a closed date again."""
    return _remove_part(
        schedule_id, "closed", _("The closed date is removed."), remove_closed_date, closed_id
    )
