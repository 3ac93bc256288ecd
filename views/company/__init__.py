"""Company settings (F7-F11): profile, addresses with delivery points, bank account and
supplier defaults. Every member sees them; admins change them in place (htmx), and every
form also works as a plain form without JavaScript.

One blueprint, "company", for the one page; its routes live by area in profile.py,
addresses.py (with delivery points), bank.py and defaults.py. This module holds the
blueprint, the page and what the areas share to render it."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from flask import Blueprint, abort, flash, g, request, url_for
from flask_login import current_user

from models.address_lists import address_pages, address_totals, page_number_of
from models.addresses import ADDRESS_KINDS, Address, address_with_points, delivery_point_of
from models.bank import bank_account_of
from models.base import NotFound
from models.company import StaleForm, supplier_defaults
from models.parties import CUSTOMER_TYPE_LABELS, Party

from ..access import member
from ..csrf import masked_csrf_token
from ..filters import RowURL
from ..htmx import list_state, page_or_block, redirect_to, wants_block
from ..i18n import gettext as _
from ..icons import icon

bp = Blueprint("company", __name__, url_prefix="/p/<int:party_id>/company")

PAGE = "company/show.html"
ADDRESSES_PER_PAGE = 10
# blocks that show addresses only: they need neither the bank account nor the defaults
_ADDRESS_BLOCKS = ("address_list", "address_rows", "address_item", "point_list", "point_item")
# the cards, by their DOM id: each rendered alone loads only what it shows
CARD_BLOCKS = {"company-profile": "profile", "company-bank": "bank", "company-defaults": "defaults"}


# --- rendering -----------------------------------------------------------------------------


def _list_args(show_page: dict | None = None) -> dict:
    """The address lists' state (each kind's page and search) from the query string, or after
    a change from the page the browser shows; `show_page` moves a kind's list to a page (its
    search cleared): the one holding an address just made default, added or opened."""
    state = list_state(url_for("company.show", party_id=g.party.id))
    args = {}
    for kind in ADDRESS_KINDS:
        args[f"{kind}_page"] = state.get(f"{kind}_page")
        args[f"{kind}_q"] = (state.get(f"{kind}_q") or "").strip()[:100] or None
    for kind, number in (show_page or {}).items():
        args.update({f"{kind}_page": number if number > 1 else None, f"{kind}_q": None})
    return args


def holding(address: Address) -> dict:
    """The list page that shows this address."""
    return {address.kind: page_number_of(address, ADDRESSES_PER_PAGE)}


def _context(
    block: str | None = None,
    kind: str | None = None,
    address_id: int | None = None,
    point_id: int | None = None,
    editing: dict | None = None,
    notices: dict | None = None,
    errors: dict | None = None,
    conflicts: dict | None = None,
    show_page: dict | None = None,
    manage: bool = True,
) -> dict:
    """What the page (or one of its regions) shows; a region rendered alone loads only what
    it shows. Regions are keyed by their DOM id in `editing` (the open form), `notices` (what
    just happened) and `errors` (a refusal). An address reads compactly (its lines, its points'
    names, one Manage button) unless it is *managed*: named by `?manage=<id>`, or the address
    an action was just taken on (`manage=False`: not even then)."""
    party = g.party
    card = block if wants_block() and block in CARD_BLOCKS.values() else None
    full = not wants_block() or (block not in _ADDRESS_BLOCKS and not card)
    editing = editing or {}
    for region, form in editing.items():
        _prepare(form, region)
    context = {
        "can_edit": g.membership.has_role("admin"),
        # a point's form lists the delivery addresses it may move to
        "delivery_choices": next(
            (f.address.choices for r, f in editing.items() if r.startswith("point-")), []
        ),
        "customer_types": CUSTOMER_TYPE_LABELS,
        "editing": editing,
        "notices": notices or {},
        "errors": errors or {},
        "conflicts": conflicts or {},
        "per_page": ADDRESSES_PER_PAGE,
    }
    if address_id is not None:
        context["address"] = address_with_points(party, address_id)
    if point_id is not None:
        point = delivery_point_of(party, point_id)
        context.update(point=point, address=address_with_points(party, point.address_id))
    managing = {request.args.get("manage", type=int)} - {None}
    if manage and "address" in context:
        managing.add(context["address"].id)
    context["managing"] = managing
    show_page = dict(show_page or {})
    if full and "address" in context and not wants_block():
        # the whole page with one address's form open: its list shows the page holding it
        show_page.update(holding(context["address"]))
    args = _list_args(show_page)
    kinds = ADDRESS_KINDS if full else ((kind,) if kind else ())
    totals = address_totals(party) if kinds else {}
    wanted = {k: (args[f"{k}_page"], args[f"{k}_q"]) for k in kinds}
    lists = address_pages(party, wanted, ADDRESSES_PER_PAGE, totals)
    for k, page in lists.items():  # the links keep the shown pages, as numbers
        args[f"{k}_page"] = page.number if page.number > 1 else None
    context.update(
        list_args=args,
        row_urls=_row_urls(party, args),
        row=_row_texts(),
        address_totals=totals,
        address_lists=[(k, lists[k]) for k in kinds] if full else [],
        settings_url=url_for("company.show", party_id=party.id, **args),
    )
    if kind is not None and kind in lists:
        context.update(kind=kind, addresses=lists[kind])
    if full or card == "bank":
        context["bank"] = bank_account_of(party)
    if full or card == "defaults":
        context["defaults"] = supplier_defaults(party)
    return context


def _row_urls(party, list_args: dict) -> dict:
    """The actions' URLs of the listed addresses and points, built once for all rows."""
    return {
        # the page as it is, with one address managed (its actions and its points' actions)
        "manage": RowURL("company.show", "manage", party_id=party.id, **list_args),
        "edit_address": RowURL("company.edit_address", "address_id", party_id=party.id),
        "make_default": RowURL("company.make_default", "address_id", party_id=party.id),
        "delete_address": RowURL("company.delete_address", "address_id", party_id=party.id),
        "new_point": RowURL("company.new_point", "address_id", party_id=party.id),
        "edit_point": RowURL("company.edit_point", "point_id", party_id=party.id),
        "delete_point": RowURL("company.delete_point", "point_id", party_id=party.id),
    }


def _row_texts() -> SimpleNamespace:
    """What every address and delivery point row repeats (labels, icons, the CSRF token),
    translated and built once for all rows: ~200 look-ups a page otherwise."""
    return SimpleNamespace(
        edit=_("Edit"),
        manage=_("Manage"),
        done=_("Done"),
        check=icon("check"),
        default=_("Default"),
        make_default=_("Make default"),
        delete=_("Delete"),
        delete_address=_("Delete this address and its delivery points?"),
        delete_point=_("Delete this delivery point?"),
        points=_("Delivery points"),
        add_point=_("Add delivery point"),
        no_points=_("No delivery points yet: orders go to the address as a whole."),
        pencil=icon("pencil"),
        star=icon("star"),
        trash=icon("trash-2"),
        building=icon("building"),
        plus=icon("plus"),
        csrf=masked_csrf_token(),
    )


_HIDDEN_FIELDS = ("HiddenField", "CSRFTokenField")


def _prepare(form, region: str) -> None:
    """Field ids unique on the page (several forms may be open at once), and the field to
    focus: the first one with a message, if any."""
    for field in form:
        field.id = f"{region}-{field.name}"
    form.focus = next((f.name for f in form if f.errors and f.type not in _HIDDEN_FIELDS), None)


def render(block: str | None = None, status: int = 200, **state):
    """The full page, or one region of it for an htmx request."""
    response = page_or_block(PAGE, block, status, **_context(block, **state))
    response.vary.add("HX-Target")  # a GET of the page answers the region that asked
    return response


def show_url(anchor: str = "", show_page: dict | None = None, manage: int | None = None) -> str:
    """The settings page, its address lists where the user was (or on `show_page`), with
    the address `manage` managed."""
    args = _list_args(show_page)
    if manage is not None:
        args["manage"] = manage
    url = url_for("company.show", party_id=g.party.id, **args)
    return f"{url}#{anchor}" if anchor else url


def done(message: str, region: str, block: str, **state):
    """After a change: the updated region with a note (htmx), else back to the page, on the
    list page that shows what changed."""
    if wants_block():
        return render(block, notices={region: message}, **state)
    flash(message)
    show_page, managed = state.get("show_page"), None
    try:
        if state.get("address_id") is not None:
            managed = Address.get_by_id(state["address_id"])
        elif state.get("point_id") is not None:
            managed = delivery_point_of(g.party, state["point_id"]).address
    except (Address.DoesNotExist, NotFound):
        pass
    if managed is not None:
        show_page = holding(managed)
    return redirect_to(show_url(region, show_page, managed.id if managed else None))


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
    """Company settings: profile, addresses with delivery points (a page of each kind at a
    time, searchable), bank account, defaults. An htmx request gets the region it targets
    (a list's pager or search box, a card, an address or point whose form is cancelled), else
    the settings region."""
    target = (request.htmx.target or "") if wants_block() else ""
    if target in CARD_BLOCKS:
        return render(CARD_BLOCKS[target])
    kind, _, rest = target.removeprefix("addresses-").partition("-")
    if target.startswith("addresses-") and kind in ADDRESS_KINDS and rest in ("", "rows"):
        return render("address_rows" if rest else "address_list", kind=kind)
    prefix, _, number = target.rpartition("-")
    blocks = {"address": "address_item", "points": "point_list", "point": "point_item"}
    if prefix in blocks and number.isdigit():
        key = "point_id" if prefix == "point" else "address_id"
        try:
            return render(blocks[prefix], manage=False, **{key: int(number)})
        except NotFound:
            abort(404)
    return render("settings")


# The areas register their routes on bp when imported (after bp and the helpers exist).
from . import addresses, bank, defaults, profile  # noqa: E402, F401
