"""Text the database cannot store (a NUL byte: PostgreSQL refuses it) never reaches it.

Walks the pages a signed-in admin and a visitor see, sends every form found there with a NUL
in one text field at a time, and expects a refusal (4xx) — never a 500 — and no write.
"""

from __future__ import annotations

from html.parser import HTMLParser

from models.addresses import add_address, add_delivery_point
from models.audit import AuditEntry
from models.schedules import create_schedule
from tests.conftest import text_of

TEXT_TYPES = {"text", "email", "tel", "search", "password", "url", "hidden", None}


class _Forms(HTMLParser):
    """The POST forms of a page: action and their fields with default values."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {"action": a.get("action"), "fields": {}, "text": []}
            self.forms.append(self._form)
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None and "value" in a:
                self._form["fields"].setdefault(self._select, a["value"])
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"][name] = a.get("value", "y")
                elif kind == "radio":
                    self._form["fields"].setdefault(name, a.get("value", ""))
                return
            if kind in ("submit", "button"):
                return
            self._form["fields"][name] = a.get("value", "")
            if kind in TEXT_TYPES and name != "csrf_token":
                self._form["text"].append(name)
        elif tag == "textarea":
            self._form["fields"][name] = ""
            self._form["text"].append(name)
        elif tag == "select":
            self._select = name

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        if tag == "select":
            self._select = None


def _forms_on(client, path):
    parser = _Forms()
    parser.feed(client.get(path).get_data(as_text=True))
    return [f for f in parser.forms if f["action"] and f["text"]]


def _send_each_field_with_nul(client, path) -> int:
    sent = 0
    for form in _forms_on(client, path):
        for name in form["text"]:
            if name == "version":
                continue
            data = dict(form["fields"])
            data[name] = "x\x00y"
            before = AuditEntry.select().count()
            response = client.post(form["action"], data=data)
            assert response.status_code < 500, (form["action"], name)
            assert response.status_code >= 400, (form["action"], name, response.status_code)
            assert AuditEntry.select().count() == before, (form["action"], name)
            sent += 1
    return sent


def test_public_forms_refuse_a_nul_in_every_field(client):
    sent = sum(
        _send_each_field_with_nul(client, path)
        for path in ("/signin", "/signup", "/password/forgot")
    )
    assert sent >= 8


def test_admin_forms_refuse_a_nul_in_every_field(client, login, make_member):
    admin = make_member(role="admin")
    party = admin.last_party
    address = add_address(
        admin,
        party,
        kind="delivery",
        street="Kade 1",
        postal_code="1011 AB",
        city="Amsterdam",
        country="NL",
    )
    point = add_delivery_point(admin, party, address.id, name="Dock 1")
    schedule = create_schedule(
        admin, party, name="Week", working_days=[1, 2, 3, 4, 5], cutoff=None, lead_days=1
    )
    login(admin)
    base = f"/p/{party.id}"
    pages = [
        f"{base}/company/profile/edit",
        f"{base}/company/addresses/new?kind=delivery",
        f"{base}/company/addresses/{address.id}/edit",
        f"{base}/company/addresses/{address.id}/points/new",
        f"{base}/company/points/{point.id}/edit",
        f"{base}/company/bank/edit",
        f"{base}/company/defaults/edit",
        f"{base}/schedules/",
        f"{base}/schedules/{schedule.id}/",
        f"{base}/team/",
        "/account/",
    ]
    sent = sum(_send_each_field_with_nul(client, page) for page in pages)
    assert sent >= 24
    assert "Remove the invisible control characters" in text_of(
        client.post(f"{base}/schedules/", data={"name": "a\x00b", "lead_days": "1"})
    )
