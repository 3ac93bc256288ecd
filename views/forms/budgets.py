"""The budget form (F34): kept by a customer party's supervisors and admins."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, SelectMultipleField, StringField, widgets
from wtforms.validators import Length, Optional

from .base import PortalForm
from .company import AmountField
from .fields import strip


class CheckboxesField(SelectMultipleField):
    """Several choices ticked in a list of checkboxes (the domain checks what may be chosen)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):
        pass


class BudgetForm(PortalForm):
    version = HiddenField()
    name = StringField(_l("Name"), [Length(max=80)], filters=[strip])
    currency = SelectField(_l("Currency"), validate_choice=False)
    limit = AmountField(_l("Amount"), [Length(max=20)])
    period = SelectField(_l("Period"), validate_choice=False)
    starts_on = DateField(_l("First day"), [Optional()])
    ends_on = DateField(_l("Last day"), [Optional()])
    action = SelectField(_l("When an order would exceed it"), validate_choice=False)
    party_ids = CheckboxesField(_l("Companies it covers"), coerce=str)
    user_ids = CheckboxesField(_l("Users who share it"), coerce=str)

    def __init__(self, *args, currency: str = "EUR", **kwargs):
        super().__init__(*args, **kwargs)
        self.money_currency = currency
