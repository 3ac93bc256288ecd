"""Landing, the company home page, switching the active company and the interface language."""

import re
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, flash, g, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound as HTTPNotFound
from werkzeug.routing import RequestRedirect

from models.base import DomainError, NotFound
from models.parties import create_party, home_party_of, member_page, remember_party, set_language
from models.relationships import pending_requests
from models.sales_graph import DEFAULT_GROUP, DEFAULT_QUICK, sells

from .access import member, public, signed_in
from .forms.auth import CompanyCreateForm
from .forms.fields import country_choices, default_currency
from .htmx import page_or_block, redirect_to, safe_next, wants_block
from .sales_graph import BLOCK as SALES_BLOCK
from .sales_graph import asks_for_graph, sales_view

bp = Blueprint("parties", __name__)

_PARTY_PATH = re.compile(r"^/p/(\d+)(/.*)?$")
HOME_MEMBERS = 10  # the home page shows the first few; the team page lists them all
DEFAULT_ARGS = {"quick": DEFAULT_QUICK, "group": DEFAULT_GROUP}  # the home's sales graph


@bp.route("/")
@public
def index():
    """Send a visitor to sign-in, and a signed-in user to their active company."""
    if not current_user.is_authenticated:
        return redirect_to(url_for("auth.signin"))
    membership = home_party_of(current_user)
    if membership is None:
        return redirect_to(url_for("parties.new"))
    return redirect_to(url_for("parties.home", party_id=membership.party_id))


@bp.route("/p/<int:party_id>/")
@member("employee")
def home(party_id):
    """The company's home: who it is, your role there, (for admins) the first of its members,
    admins first, with a link to the whole team, and -- for a supplier -- its sales to all
    clients over a range with the top clients (F22). The graph sums every client's orders
    of the range, so the page loads it after itself (htmx), unless the URL names a range
    (its form and quick picks, and the link that shows it without JavaScript)."""
    url = url_for("parties.home", party_id=party_id)
    sales = sales_later = None
    status = 200
    if sells(g.party):
        if asks_for_graph():
            sales, status = sales_view(g.party, url, top=True)
            if wants_block():
                return page_or_block("parties/home.html", SALES_BLOCK, status, sales=sales)
        else:
            sales_later = f"{url}?{urlencode(DEFAULT_ARGS)}"
    if g.membership.has_role("admin"):
        members = member_page(g.party, 1, HOME_MEMBERS)
        member_total = members.total
    else:
        members, member_total = [g.membership], 1
    return page_or_block(
        "parties/home.html",
        None,
        status,
        sales=sales,
        sales_later=sales_later,
        members=members,
        member_total=member_total,
        # suppliers waiting for an answer to their connection request: the admins' notice
        requests=pending_requests(g.party) if g.membership.has_role("admin") else 0,
    )


def _same_page_in(party_id: int, path: str) -> str:
    """The same page of another party when it has no record of the old one in its URL,
    else that party's home."""
    home = url_for("parties.home", party_id=party_id)
    match = _PARTY_PATH.match(path or "")
    if not match:
        return home
    candidate = f"/p/{party_id}{match.group(2) or '/'}"
    adapter = current_app.url_map.bind("localhost")
    try:
        _endpoint, args = adapter.match(candidate, method="GET")
    except (HTTPNotFound, RequestRedirect):
        return home
    return candidate if set(args) == {"party_id"} else home


@bp.route("/switch", methods=["POST"])
@signed_in
def switch():
    """Make another of your companies the active one, on the same page where possible."""
    try:
        party_id = int(request.form.get("party", ""))
        if not 1 <= party_id < 2**63:
            raise ValueError(party_id)
        remember_party(current_user, party_id)
    except (ValueError, NotFound):
        abort(404)
    return redirect_to(_same_page_in(party_id, request.form.get("path", "")))


@bp.route("/language", methods=["POST"])
@public
def language():
    """Switch the interface language; stored on your account when signed in."""
    code = request.form.get("language", "")
    back = safe_next(request.form.get("next"), url_for("parties.index"))
    if code not in current_app.config["LANGUAGES"]:
        abort(400)
    if current_user.is_authenticated:
        try:
            set_language(current_user, code)
        except DomainError:  # pragma: no cover - guarded above
            pass
    session["language"] = code
    return redirect_to(back)


@bp.route("/companies/new", methods=["GET", "POST"])
@signed_in
def new():
    """Create another company, with you as its admin."""
    form = CompanyCreateForm()
    form.country.choices = country_choices()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            name = form.company_name.data.strip()
            party = create_party(
                current_user,
                legal_name=name,
                display_name=name,
                customer_type=form.customer_type.data,
                country=form.country.data,
                currency=default_currency(form.country.data),
                language=str(get_locale()),
            )
            flash(_("Your company %(name)s is ready.", name=party.display_name))
            return redirect_to(url_for("parties.home", party_id=party.id))
    return page_or_block("parties/new.html", "company_form", status, form=form)
