"""Company settings: profile, addresses with delivery points, bank account, supplier defaults."""

from flask import Blueprint

from .access import member
from .htmx import page_or_block

bp = Blueprint("company", __name__, url_prefix="/p/<int:party_id>/company")


@bp.route("/")
@member("employee")
def show(party_id):
    """Company settings (placeholder until built)."""
    return page_or_block("parties/home.html", None, members=[])
