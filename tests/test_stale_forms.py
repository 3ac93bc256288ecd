"""Stale forms everywhere: two people open the same record, both save; the second is told
(409), sees what the first saved, keeps what they typed, and overwrites only on purpose."""

from __future__ import annotations

import re

import pytest

from models.addresses import Address, DeliveryPoint, add_address, add_delivery_point
from models.bank import BankAccount, save_bank_account
from tests.conftest import sign_in, text_of

HX = {"HX-Request": "true"}


@pytest.fixture
def two_admins(app, make_party, make_member):
    party = make_party(display_name="Brouwer", country="NL")
    first, second = make_member(party, "admin"), make_member(party, "admin")
    clients = []
    for user in (first, second):
        client = app.test_client()
        sign_in(client, user)
        clients.append(client)
    return party, first, clients


def _form_fields(html: str) -> dict:
    """The named inputs, selects and textareas of the first form in a fragment."""
    form = html.split("<form", 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', body)
        fields[name] = chosen.group(1) if chosen else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        fields[name] = body.strip()
    return fields


def test_address_edited_in_two_sessions(app, two_admins):
    party, admin, (first, second) = two_admins
    with app.test_request_context():
        address = add_address(
            admin, party, kind="delivery", street="Kade 1", postal_code="1011 AB",
            city="Amsterdam", country="NL",
        )  # fmt: skip
    edit = f"/p/{party.id}/company/addresses/{address.id}/edit"
    url = f"/p/{party.id}/company/addresses/{address.id}"
    form_one = _form_fields(first.get(edit, headers=HX).get_data(as_text=True))
    form_two = _form_fields(second.get(edit, headers=HX).get_data(as_text=True))
    assert form_one["version"] == "1"

    assert first.post(url, data=form_one | {"street": "Kade 2"}, headers=HX).status_code == 200
    refused = second.post(url, data=form_two | {"street": "Kade 3"}, headers=HX)
    assert refused.status_code == 409
    text = text_of(refused)
    assert "Someone else changed this address" in text
    assert "Saved meanwhile: Street and number Kade 2" in text
    assert 'value="Kade 3"' in refused.get_data(as_text=True)  # what they typed is kept
    assert Address.get_by_id(address.id).street == "Kade 2"
    plain = second.post(url, data=form_two | {"street": "Kade 3"})
    assert plain.status_code == 409 and "<html" in plain.get_data(as_text=True)

    again = _form_fields(refused.get_data(as_text=True))  # now at the current version
    assert second.post(url, data=again, headers=HX).status_code == 200
    assert Address.get_by_id(address.id).street == "Kade 3"
    assert Address.get_by_id(address.id).version == 3


def test_delivery_point_edited_in_two_sessions(app, two_admins):
    party, admin, (first, second) = two_admins
    with app.test_request_context():
        address = add_address(
            admin, party, kind="delivery", street="Kade 1", postal_code="1011 AB",
            city="Amsterdam", country="NL",
        )  # fmt: skip
        point = add_delivery_point(admin, party, address.id, name="Dock 1")
    edit = f"/p/{party.id}/company/points/{point.id}/edit"
    url = f"/p/{party.id}/company/points/{point.id}"
    form_one = _form_fields(first.get(edit, headers=HX).get_data(as_text=True))
    form_two = _form_fields(second.get(edit, headers=HX).get_data(as_text=True))
    assert first.post(url, data=form_one | {"name": "Dock 4"}, headers=HX).status_code == 200
    refused = second.post(url, data=form_two | {"instructions": "Ring twice"}, headers=HX)
    assert refused.status_code == 409
    assert "Saved meanwhile: Name Dock 4" in text_of(refused)
    point = DeliveryPoint.get_by_id(point.id)
    assert (point.name, point.instructions) == ("Dock 4", "")


def test_bank_account_saved_in_two_sessions(app, two_admins):
    party, admin, (first, second) = two_admins
    edit = f"/p/{party.id}/company/bank/edit"
    url = f"/p/{party.id}/company/bank"
    # both open the form while there is no account yet; the first one adds it
    form_one = _form_fields(first.get(edit, headers=HX).get_data(as_text=True))
    form_two = _form_fields(second.get(edit, headers=HX).get_data(as_text=True))
    assert form_one["version"] == "0"
    mine = {"iban": "NL91 ABNA 0417 1643 00", "bic": "ABNANL2A"}
    assert first.post(url, data=form_one | mine, headers=HX).status_code == 200
    theirs = {"iban": "DE89 3704 0044 0532 0130 00", "bic": ""}
    refused = second.post(url, data=form_two | theirs, headers=HX)
    assert refused.status_code == 409
    assert "Someone else changed the bank account" in text_of(refused)
    assert "NL91 ABNA 0417 1643 00" in text_of(refused)
    assert BankAccount.get(BankAccount.party == party).iban == "NL91ABNA0417164300"
    # and an edit of the saved account goes stale the same way
    with app.test_request_context():
        save_bank_account(admin, party, iban="NL91 ABNA 0417 1643 00", bic="", version=None)
    assert BankAccount.get(BankAccount.party == party).version == 2
    old = form_one | mine | {"version": "1", "holder": "Old holder"}
    assert second.post(url, data=old, headers=HX).status_code == 409
