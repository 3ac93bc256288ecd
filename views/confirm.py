"""The confirmation step of a delete or remove for browsers without JavaScript.

With JavaScript a delete button posts after the browser's confirm dialog (hx-confirm); without,
its form opens `<the action's URL>/confirm` (GET, see post_button in macros/forms.html), which
answers this page: what goes, a button that posts to the action, and the way back. The GET
changes nothing. (A separate URL, not a GET on the action's own: Werkzeug would answer 405
instead of 404 to a POST with an id out of range.)"""

from __future__ import annotations

from .htmx import page_or_block


def confirm_page(
    *,
    title: str,
    question: str,
    button: str,
    action_url: str,
    cancel_url: str,
    facts: list[tuple[str, str]] | None = None,
    note: str | None = None,
    icon: str = "trash-2",
):
    """A page asking to confirm an action: its button posts to action_url."""
    return page_or_block(
        "confirm/page.html",
        None,
        title=title,
        question=question,
        button=button,
        action_url=action_url,
        cancel_url=cancel_url,
        facts=facts or [],
        note=note,
        icon=icon,
    )
