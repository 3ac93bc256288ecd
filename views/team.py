"""Team: members and their roles, invitations by email."""

from flask import Blueprint

from .access import member
from .htmx import page_or_block

bp = Blueprint("team", __name__, url_prefix="/p/<int:party_id>/team")


@bp.route("/")
@member("admin")
def index(party_id):
    """Team (placeholder until built)."""
    return page_or_block("parties/home.html", None, members=[])
