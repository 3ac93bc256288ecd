"""Supplier defaults (F11): the terms new client relationships start with."""

from __future__ import annotations

from flask import g
from flask_babel import gettext as _

from models import company as domain
from models.base import DomainError
from models.parties import Party

from ..access import member
from ..filters import money
from ..forms.company import SupplierDefaultsEditForm, amount_text
from ..forms.fields import field_error
from . import actor, bp, done, render, show_conflict, to_int


def _defaults_form(**kwargs) -> SupplierDefaultsEditForm:
    form = SupplierDefaultsEditForm(currency=g.party.currency, **kwargs)
    form.schedule.choices = [("", _("No default schedule"))] + [
        (str(s.id), s.name) for s in domain.party_schedules(g.party)
    ]
    return form


@bp.route("/defaults/edit")
@member("admin")
def edit_defaults(party_id):
    """The supplier defaults as a form."""
    defaults = domain.supplier_defaults(g.party)
    data = {
        "version": str(g.party.version),
        "min_order": amount_text(defaults.min_order, g.party.currency),
        "credit_limit": amount_text(defaults.credit_limit, g.party.currency),
        "payment_terms_days": defaults.payment_terms_days,
        "schedule": str(defaults.schedule.id) if defaults.schedule else "",
    }
    form = _defaults_form(formdata=None, data=data)
    return render("defaults", editing={"company-defaults": form})


@bp.route("/defaults", methods=["POST"])
@member("admin")
def update_defaults(party_id):
    """Save the terms new client relationships start with."""
    form = _defaults_form()
    region = "company-defaults"
    error = None
    if form.validate_on_submit():
        try:
            domain.update_supplier_defaults(
                actor(),
                g.party,
                version=to_int(form.version.data),
                min_order=form.min_order.amount,
                credit_limit=form.credit_limit.amount,
                payment_terms_days=form.payment_terms_days.data,
                schedule_id=to_int(form.schedule.data),
            )
        except domain.StaleForm as stale:
            party = Party.get_by_id(g.party.id)
            now = domain.supplier_defaults(party)
            currency = party.currency
            saved = {
                "min_order": (now.min_order, money(now.min_order, currency) or "—"),
                "credit_limit": (now.credit_limit, money(now.credit_limit, currency) or "—"),
                "payment_terms_days": (
                    now.payment_terms_days,
                    "—" if now.payment_terms_days is None else str(now.payment_terms_days),
                ),
                "schedule": (
                    str(now.schedule.id) if now.schedule else "",
                    now.schedule.name if now.schedule else "—",
                ),
            }
            sent = {
                "min_order": form.min_order.amount,
                "credit_limit": form.credit_limit.amount,
                "payment_terms_days": form.payment_terms_days.data,
                "schedule": form.schedule.data,
            }
            return show_conflict(form, stale, region, "defaults", saved, sent)
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            return done(_("The supplier defaults are saved."), region, "defaults")
    return render("defaults", 422, editing={region: form}, errors={region: error})
