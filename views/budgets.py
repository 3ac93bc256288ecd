"""Budgets (F34), customer side: supervisors and admins see each budget's spending against its
limit (and the orders behind it), and add, change and delete the budgets their party keeps.
Full pages with plain forms: they work without JavaScript as they are."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from models.base import DomainError, NotFound, StaleForm, from_minor
from models.budget_periods import PERIOD_LABELS, PERIODS
from models.budgets import (
    ACTION_LABELS,
    BUDGET_ACTIONS,
    assignable_users,
    budget_of,
    delete_budget,
    managed_parties,
    orders_behind,
    own_budget,
    parties_of,
    save_budget,
    status_of,
    statuses_of,
    users_of,
)
from models.identifiers import currencies_in_use

from .access import member
from .confirm import confirm_page
from .forms.budgets import BudgetForm
from .forms.fields import field_error
from .htmx import page_or_block, redirect_to

bp = Blueprint("budgets", __name__, url_prefix="/p/<int:party_id>/budgets")


def _actor():
    return current_user._get_current_object()


def _budget_or_404(budget_id):
    try:
        return budget_of(g.party, budget_id)
    except NotFound:
        abort(404)


@bp.route("/")
@member("supervisor")
def index(party_id):
    """Every budget covering the party, with its spending against its limit now."""
    return page_or_block("budgets/index.html", None, statuses=statuses_of(g.party))


@bp.route("/<int:budget_id>")
@member("supervisor")
def show(party_id, budget_id):
    """One budget: its spending now, the orders behind it, who shares it."""
    budget = _budget_or_404(budget_id)
    spending = status_of(budget)
    return page_or_block(
        "budgets/show.html",
        None,
        budget=budget,
        spending=spending,
        orders=orders_behind(budget, spending.window) if spending.current else [],
        users=users_of(budget),
        parties=parties_of(budget),
    )


def _form(budget=None, **kwargs) -> BudgetForm:
    form = BudgetForm(currency=budget.currency if budget else g.party.currency, **kwargs)
    names = sorted(currencies_in_use())
    form.currency.choices = [(code, code) for code in names]
    form.period.choices = [(p, PERIOD_LABELS[p]) for p in PERIODS]
    form.action.choices = [(a, ACTION_LABELS[a]) for a in BUDGET_ACTIONS]
    parties = managed_parties(_actor())
    if budget is not None:  # the companies it covers stay listed, even one no longer managed
        known = {p.id for p in parties}
        parties += [p for p in parties_of(budget) if p.id not in known]
    form.party_ids.choices = [(str(p.id), p.display_name) for p in parties]
    # the users of every company it may cover; the domain checks them against those it does
    form.user_ids.choices = [
        (str(u.id), f"{u.name} ({u.email})") for u in assignable_users([p.id for p in parties])
    ]
    form.money_currency = form.currency.data or g.party.currency
    return form


def _values(form: BudgetForm) -> dict:
    return {
        "name": form.name.data,
        "currency": form.currency.data,
        "limit": form.limit.amount,
        "period": form.period.data,
        "starts_on": form.starts_on.data,
        "ends_on": form.ends_on.data,
        "action": form.action.data,
        "party_ids": form.party_ids.data or [],
        "user_ids": form.user_ids.data or [],
    }


def _edit_page(form, budget=None, status=200, error=None):
    return page_or_block("budgets/edit.html", None, status, form=form, budget=budget, error=error)


@bp.route("/new")
@member("supervisor")
def new(party_id):
    """The form of a new budget, for the party and its supervisor or admin alone."""
    form = _form(
        formdata=None,
        data={
            "currency": g.party.currency,
            "period": "month",
            "action": "approve",
            "party_ids": [str(g.party.id)],
        },
    )
    return _edit_page(form)


@bp.route("/", methods=["POST"])
@member("supervisor")
def create(party_id):
    """Add a budget."""
    form = _form()
    error = None
    if form.validate_on_submit():
        try:
            budget = save_budget(_actor(), g.party, _values(form))
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            flash(_("The budget %(name)s is added.", name=budget.name))
            return redirect_to(url_for(".show", party_id=party_id, budget_id=budget.id))
    return _edit_page(form, status=422, error=error)


def _own_or_404(budget_id):
    try:  # a budget only shared with this party is changed where it is kept
        return own_budget(g.party, budget_id)
    except NotFound:
        abort(404)


def _data(budget) -> dict:
    amount = from_minor(budget.limit_minor, budget.currency)
    return {
        "version": str(budget.version),
        "name": budget.name,
        "currency": budget.currency,
        "limit": format_decimal(amount),
        "period": budget.period,
        "starts_on": budget.starts_on,
        "ends_on": budget.ends_on,
        "action": budget.action,
        "party_ids": [str(p.id) for p in parties_of(budget)],
        "user_ids": [str(u.id) for u in users_of(budget)],
    }


@bp.route("/<int:budget_id>/edit")
@member("supervisor")
def edit(party_id, budget_id):
    budget = _own_or_404(budget_id)
    return _edit_page(_form(budget, formdata=None, data=_data(budget)), budget)


@bp.route("/<int:budget_id>", methods=["POST"])
@member("supervisor")
def update(party_id, budget_id):
    """Change a budget the party keeps; a form opened before someone else's change is 409."""
    budget = _own_or_404(budget_id)
    form = _form(budget)
    error = None
    if form.validate_on_submit():
        try:
            save_budget(_actor(), g.party, _values(form), budget.id, form.version.data)
        except StaleForm as stale:
            saved = _own_or_404(budget_id)
            form.version.data = str(saved.version)
            return _edit_page(form, saved, 409, str(stale))
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            flash(_("The changes are saved."))
            return redirect_to(url_for(".show", party_id=party_id, budget_id=budget.id))
    return _edit_page(form, budget, 422, error)


@bp.route("/<int:budget_id>/delete/confirm")
@member("supervisor")
def confirm_delete(party_id, budget_id):
    budget = _own_or_404(budget_id)
    return confirm_page(
        title=_("Delete this budget"),
        question=_("Delete “%(name)s”?", name=budget.name),
        button=_("Delete"),
        action_url=url_for(".delete", party_id=party_id, budget_id=budget.id),
        cancel_url=url_for(".show", party_id=party_id, budget_id=budget.id),
    )


@bp.route("/<int:budget_id>/delete", methods=["POST"])
@member("supervisor")
def delete(party_id, budget_id):
    """Delete a budget; orders keep what they did against it."""
    budget = _own_or_404(budget_id)
    delete_budget(_actor(), g.party, budget.id)
    flash(_("The budget %(name)s is deleted.", name=budget.name))
    return redirect_to(url_for(".index", party_id=party_id))
