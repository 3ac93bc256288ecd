"""The bank account where the company receives payouts (F10)."""

from __future__ import annotations

from flask import g, url_for
from flask_babel import gettext as _

from models import bank as domain
from models.base import DomainError, StaleForm
from models.identifiers import format_iban

from ..access import member
from ..confirm import confirm_page
from ..forms.company import BankAccountEditForm
from ..forms.fields import field_error
from ..htmx import redirect_to
from . import actor, bp, done, render, show_conflict, show_url


@bp.route("/bank/edit")
@member("admin")
def edit_bank(party_id):
    """The bank account as a form."""
    account = domain.bank_account_of(g.party)
    form = BankAccountEditForm(formdata=None)
    if account is not None:
        form.holder.data = account.holder
        form.iban.data = format_iban(account.iban)
        form.bic.data = account.bic
        form.version.data = str(account.version)
    else:
        form.holder.data = g.party.legal_name
        form.version.data = "0"
    return render("bank", editing={"company-bank": form})


@bp.route("/bank", methods=["POST"])
@member("admin")
def update_bank(party_id):
    """Record the account where the company receives payouts (IBAN and BIC checked)."""
    form = BankAccountEditForm()
    error = None
    if form.validate_on_submit():
        try:
            domain.save_bank_account(
                actor(),
                g.party,
                holder=form.holder.data or "",
                iban=form.iban.data,
                bic=form.bic.data or "",
                version=form.version.data,
            )
        except StaleForm as stale:
            current = domain.bank_account_of(g.party)
            values = {
                "holder": current.holder if current else "",
                "iban": format_iban(current.iban) if current else "",
                "bic": current.bic if current else "",
            }
            saved = {name: (value, value or "—") for name, value in values.items()}
            sent = {name: form[name].data for name in values}
            version = current.version if current else 0
            return show_conflict(form, stale, "company-bank", "bank", saved, sent, version)
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            return done(_("The bank account is saved."), "company-bank", "bank")
    return render("bank", 422, editing={"company-bank": form}, errors={"company-bank": error})


@bp.route("/bank/delete/confirm")
@member("admin")
def confirm_delete_bank(party_id):
    """Without JavaScript: ask before the bank account is removed."""
    account = domain.bank_account_of(g.party)
    if account is None:  # removed meanwhile: nothing to ask
        return redirect_to(show_url("company-bank"))
    return confirm_page(
        title=_("Remove bank account"),
        question=_("Remove this bank account?"),
        facts=[(_("Account holder"), account.holder or "—"), (_("IBAN"), account.iban_formatted)],
        button=_("Remove"),
        action_url=url_for("company.delete_bank", party_id=g.party.id),
        cancel_url=show_url("company-bank"),
    )


@bp.route("/bank/delete", methods=["POST"])
@member("admin")
def delete_bank(party_id):
    """Remove the bank account."""
    if domain.remove_bank_account(actor(), g.party):
        message = _("The bank account is removed.")
    else:
        message = _("There is no bank account to remove.")
    return done(message, "company-bank", "bank")
