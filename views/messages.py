"""Messages (F21): the conversation of one relationship, shown as a tab of the supplier's
client page and of the customer's supplier page (both call thread_view); the company's
conversations with their unread counts; the unread count in the header (an htmx fragment the
navigation loads, so a page does not pay for it). An open conversation asks for new messages
every few seconds (htmx polling of its list; see models/messages.py for why not SSE)."""

from __future__ import annotations

from flask import Blueprint, flash, g, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models.base import DomainError
from models.delivery_dates import zone_of_country
from models.messages import (
    conversations,
    mark_read,
    messages_of,
    post_message,
    side_of,
    unread_total,
)

from .access import member
from .forms.clients import MessageForm
from .forms.fields import field_error
from .htmx import page_or_block, redirect_to, wants_block

bp = Blueprint("messages", __name__, url_prefix="/p/<int:party_id>/messages")


def thread_url(relationship) -> str:
    endpoint = (
        "clients.messages" if side_of(g.party, relationship) == "supplier" else "suppliers.messages"
    )
    return url_for(endpoint, party_id=g.party.id, relationship_id=relationship.id)


def thread_view(relationship, render):
    """GET: the conversation (marked read up to its newest message); POST: write a message.
    `render(**state)` renders the page the conversation is a tab of (its template includes
    messages/_thread.html); htmx gets the thread, or for a poll its list, alone."""
    user = current_user._get_current_object()
    side = side_of(g.party, relationship)
    url = thread_url(relationship)
    form = MessageForm(formdata=None)
    error, status, fragment = None, 200, None
    if request.method == "POST":
        form = MessageForm()
        if form.validate_on_submit():
            try:
                post_message(user, g.party, relationship.id, form.body.data)
            except DomainError as refusal:
                error = field_error(form, refusal)
            else:
                if not wants_block():
                    flash(_("Your message is sent."))
                    return redirect_to(url + "#message-form")
                form = MessageForm(formdata=None)
        if form.errors or error:
            status = 422
        fragment = "messages/_thread.html" if wants_block() else None
    elif wants_block() and request.htmx.target == "message-list":
        fragment = "messages/_list.html"  # the poll
    thread = messages_of(relationship)
    if thread:
        mark_read(user, relationship, side, thread[-1].id)
    state = {
        "zone": zone_of_country(g.party.country),  # times in the reader's company's local time
        "relationship": relationship,
        "thread": thread,
        "side": side,
        "thread_url": url,
        "message_form": form,
        "message_error": error,
    }
    if fragment:
        g.fragment = True
        response = make_response(render_template(fragment, **state), status)
        response.vary.add("HX-Request")
        response.vary.add("HX-Target")
        return response
    response = render(status=status, **state)
    response.vary.add("HX-Target")
    return response


@bp.route("/")
@member("employee")
def index(party_id):
    """The company's conversations with its clients and suppliers, newest first, with how
    many messages you have not read."""
    return page_or_block(
        "messages/index.html",
        None,
        rows=conversations(current_user._get_current_object(), g.party),
        zone=zone_of_country(g.party.country),
    )


@bp.route("/unread")
@member("employee")
def unread(party_id):
    """The header's unread count (a small fragment the navigation loads and refreshes)."""
    total = unread_total(current_user._get_current_object(), g.party)
    g.fragment = True  # no layout: the header's switcher is not loaded
    return page_or_block("messages/unread.html", None, total=total)
