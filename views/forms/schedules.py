"""Forms of delivery schedules: basics, time frames and closed dates."""

from __future__ import annotations

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectMultipleField, StringField, TimeField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from models.schedules import MAX_LEAD_DAYS

from .base import PortalForm
from .fields import strip

BAD_TIME = _l("Enter a time as hours and minutes, for example 08:30.")


def weekday_choices() -> list[tuple[int, str]]:
    """(ISO weekday, day name) from Monday to Sunday, names in the user's language."""
    names = get_day_names("wide", locale=get_locale())
    return [(iso, names[iso - 1]) for iso in range(1, 8)]


class WeekdaysField(SelectMultipleField):
    """Days of the week as seven checkboxes (ISO numbers 1 = Monday … 7 = Sunday)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("invalid_choice_message", _l("Choose days of the week."))
        super().__init__(label, validators, **kwargs)


class AtLeastOne:
    """A multiple choice with at least one value chosen."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            raise ValidationError(self.message)


class ScheduleCreateForm(PortalForm):
    name = StringField(_l("Name"), [DataRequired(), Length(max=120)], filters=[strip])
    working_days = WeekdaysField(
        _l("Working days"),
        [AtLeastOne(_l("Choose at least one working day."))],
        default=[1, 2, 3, 4, 5],
    )
    cutoff = TimeField(_l("Order cut-off time"), [Optional()], invalid_value_message=BAD_TIME)
    lead_days = IntegerField(
        _l("Lead time in days"),
        [
            InputRequired(),
            NumberRange(
                0,
                MAX_LEAD_DAYS,
                message=_l("Enter a whole number of days from %(min)s to %(max)s."),
            ),
        ],
        default=1,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.working_days.choices = weekday_choices()


class ScheduleUpdateForm(ScheduleCreateForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class TimeFrameAddForm(PortalForm):
    weekdays = WeekdaysField(
        _l("Days"), [AtLeastOne(_l("Choose at least one day."))], default=[1, 2, 3, 4, 5]
    )
    start = TimeField(_l("From"), [InputRequired()], invalid_value_message=BAD_TIME)
    end = TimeField(_l("To"), [InputRequired()], invalid_value_message=BAD_TIME)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weekdays.choices = weekday_choices()

    def validate_end(self, field):
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("The end must be later than the start."))


class ClosedDateAddForm(PortalForm):
    day = DateField(
        _l("Date"),
        [InputRequired()],
        invalid_value_message=_l("Enter a date, for example 2030-12-25."),
    )
    reason = StringField(_l("Reason (optional)"), [Length(max=120)], filters=[strip])
