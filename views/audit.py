"""The audit log of a party, for its admins."""

from flask import Blueprint

from .access import member
from .htmx import page_or_block

bp = Blueprint("audit", __name__, url_prefix="/p/<int:party_id>/audit")


@bp.route("/")
@member("admin")
def index(party_id):
    """Audit log (placeholder until built)."""
    return page_or_block("parties/home.html", None, members=[])
