"""The company profile (F7): names, customer type, VAT number, country, language, currency
and contact details."""

from __future__ import annotations

from flask import flash, g
from flask_babel import gettext as _

from config import LANGUAGES
from models import company as domain
from models.base import DomainError
from models.parties import CUSTOMER_TYPE_LABELS, Party

from ..access import member
from ..filters import country_name, currency_name
from ..forms.company import CompanyEditForm, currency_choices
from ..forms.fields import country_choices, field_error
from ..htmx import redirect_to, wants_block
from . import actor, bp, done, render, show_conflict, show_url, to_int


def _profile_form(**kwargs) -> CompanyEditForm:
    form = CompanyEditForm(**kwargs)
    form.country.choices = country_choices()
    form.currency.choices = currency_choices()
    return form


def _profile_shown(name: str, value) -> str:
    """A stored profile value as a person reads it."""
    if value in (None, ""):
        return "—"
    if name == "country":
        return country_name(value)
    if name == "currency":
        return f"{currency_name(value)} ({value})"
    if name == "language":
        return LANGUAGES.get(value, value)
    if name == "customer_type":
        return str(CUSTOMER_TYPE_LABELS.get(value, value))
    return str(value)


@bp.route("/profile/edit")
@member("admin")
def edit_profile(party_id):
    """The company profile as a form."""
    form = _profile_form(formdata=None, obj=g.party)
    return render("profile", editing={"company-profile": form})


@bp.route("/profile", methods=["POST"])
@member("admin")
def update_profile(party_id):
    """Save the company profile; a form older than the last change is refused (409)."""
    form = _profile_form()
    error = None
    if form.validate_on_submit():
        renamed = form.display_name.data.strip() != g.party.display_name
        try:
            domain.update_company_profile(
                actor(),
                g.party,
                version=to_int(form.version.data),
                **{name: form[name].data or "" for name in domain.PROFILE_FIELDS},
            )
        except domain.StaleForm as stale:
            party = Party.get_by_id(g.party.id)
            saved = {
                name: (getattr(party, name), _profile_shown(name, getattr(party, name)))
                for name in domain.PROFILE_FIELDS
            }
            sent = {name: form[name].data for name in domain.PROFILE_FIELDS}
            return show_conflict(form, stale, "company-profile", "profile", saved, sent)
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            message = _("The company profile is saved.")
            if renamed and wants_block():
                # the name also shows in the header and the switcher: load the whole page
                flash(message)
                return redirect_to(show_url("company-profile"))
            return done(message, "company-profile", "profile")
    return render(
        "profile", 422, editing={"company-profile": form}, errors={"company-profile": error}
    )
