"""Company settings (F7-F11): profile, addresses with delivery points, bank account and
supplier defaults. Every member sees them; admins change them in place (htmx), and every
form also works as a plain form without JavaScript.

One blueprint, "company", for the one page; its routes live by area in profile.py,
addresses.py (with delivery points), bank.py and defaults.py. This module holds the
blueprint, the page and what the areas share to render it."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, flash, g, url_for
from flask_login import current_user

from models.addresses import ADDRESS_KINDS, addresses_of
from models.bank import bank_account_of
from models.company import StaleForm, supplier_defaults
from models.parties import CUSTOMER_TYPE_LABELS, Party

from ..access import member
from ..htmx import page_or_block, redirect_to, wants_block

bp = Blueprint("company", __name__, url_prefix="/p/<int:party_id>/company")

PAGE = "company/show.html"


# --- rendering -----------------------------------------------------------------------------


def _context(
    kind: str | None = None,
    address_id: int | None = None,
    point_id: int | None = None,
    editing: dict | None = None,
    notices: dict | None = None,
    errors: dict | None = None,
    conflicts: dict | None = None,
) -> dict:
    """What the page (or one of its regions) shows. Regions are keyed by their DOM id in
    `editing` (the open form), `notices` (what just happened) and `errors` (a refusal)."""
    party = g.party
    lists = addresses_of(party)
    for region, form in (editing or {}).items():
        _prepare(form, region)
    context = {
        "can_edit": g.membership.has_role("admin"),
        "address_lists": [(k, lists[k]) for k in ADDRESS_KINDS],
        "delivery_choices": [(str(a.id), a.summary) for a in lists["delivery"]],
        "bank": bank_account_of(party),
        "defaults": supplier_defaults(party),
        "customer_types": CUSTOMER_TYPE_LABELS,
        "editing": editing or {},
        "notices": notices or {},
        "errors": errors or {},
        "conflicts": conflicts or {},
    }
    if kind is not None:
        context.update(kind=kind, addresses=lists[kind])
    if address_id is not None or point_id is not None:
        for address in lists["invoice"] + lists["delivery"]:
            if address.id == address_id:
                context["address"] = address
            for point in address.delivery_points:
                if point.id == point_id:
                    context.update(address=address, point=point)
    return context


_HIDDEN_FIELDS = ("HiddenField", "CSRFTokenField")


def _prepare(form, region: str) -> None:
    """Field ids unique on the page (several forms may be open at once), and the field to
    focus: the first one with a message, if any."""
    for field in form:
        field.id = f"{region}-{field.name}"
    form.focus = next((f.name for f in form if f.errors and f.type not in _HIDDEN_FIELDS), None)


def render(block: str | None = None, status: int = 200, **state):
    """The full page, or one region of it for an htmx request."""
    return page_or_block(PAGE, block, status, **_context(**state))


def show_url(anchor: str = "") -> str:
    url = url_for("company.show", party_id=g.party.id)
    return f"{url}#{anchor}" if anchor else url


def done(message: str, region: str, block: str, **state):
    """After a change: the updated region with a note (htmx), else back to the page."""
    if wants_block():
        return render(block, notices={region: message}, **state)
    flash(message)
    return redirect_to(show_url(region))


def actor():
    return current_user._get_current_object()


def to_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _same(saved, sent) -> bool:
    if isinstance(saved, Decimal) and isinstance(sent, Decimal):
        return saved == sent

    def norm(value):
        return "" if value is None else str(value).replace(" ", "").upper()

    return norm(saved) == norm(sent)


def show_conflict(
    form,
    error: StaleForm,
    region: str,
    block: str,
    saved: dict,
    sent: dict,
    version: int | None = None,
    **state,
):
    """A stale form (409): keep what the user typed, list what is saved now where it differs,
    and take the current version, so that saving again is a deliberate overwrite.
    `saved` maps field names to (value, value as shown); `sent` to the submitted values;
    `version` is the record's current one (the party's when not given)."""
    form.version.data = str(Party.get_by_id(g.party.id).version if version is None else version)
    rows = [
        (form[name].label.text, shown)
        for name, (value, shown) in saved.items()
        if not _same(value, sent.get(name))
    ]
    return render(
        block,
        409,
        editing={region: form},
        errors={region: str(error)},
        conflicts={region: rows},
        **state,
    )


# --- the page ------------------------------------------------------------------------------


@bp.route("/")
@member("employee")
def show(party_id):
    """Company settings: profile, addresses with delivery points, bank account, defaults."""
    return render("settings")


# The areas register their routes on bp when imported (after bp and the helpers exist).
from . import addresses, bank, defaults, profile  # noqa: E402, F401
