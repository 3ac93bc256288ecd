"""What a new user tripped over (issue 7, item 6): each one as they met it."""

from __future__ import annotations

import re

from models.identifiers import normalise_iban
from models.schedules import create_schedule
from models.team import remove_member
from tests.conftest import text_of


def test_a_published_sample_iban_with_an_unknown_bank_code_is_accepted(app):
    assert normalise_iban("BE68 5390 0754 7034") == "BE68539007547034"
    assert normalise_iban("NL91 ABNA 0417 1643 00") == "NL91ABNA0417164300"


def test_returning_to_sign_in_leaves_no_bare_question_mark(client, make_member):
    user = make_member()
    answer = client.get(f"/p/{user.last_party_id}/company/")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"next=/p/{user.last_party_id}/company/")
    with_query = client.get(f"/p/{user.last_party_id}/audit/?page=2")
    assert "next=/p/" in with_query.headers["Location"]
    assert with_query.headers["Location"].endswith("/audit/?page%3D2")


def test_a_removed_member_is_told_the_page_is_not_available(app, client, login, make_member):
    admin = make_member(role="admin")
    party = admin.last_party
    employee = make_member(party, "employee")
    login(employee)
    assert client.get(f"/p/{party.id}/").status_code == 200
    with app.test_request_context():
        membership = [m for m in employee.memberships if m.party_id == party.id][0]
        remove_member(admin, party, membership.id)
    gone = client.get(f"/p/{party.id}/")
    assert gone.status_code == 404
    assert "This page is not available to you" in text_of(gone)
    assert party.display_name not in text_of(gone)


def test_a_new_time_frame_starts_on_the_schedules_working_days(client, login, make_member):
    admin = make_member(role="admin")
    party = admin.last_party
    schedule = create_schedule(
        admin, party, name="Mon Wed Fri", working_days=[1, 3, 5], cutoff=None, lead_days=1
    )
    login(admin)
    page = client.get(f"/p/{party.id}/schedules/{schedule.id}/").get_data(as_text=True)
    frame_form = page.split(f'action="/p/{party.id}/schedules/{schedule.id}/frames"')[1]
    frame_form = frame_form.split("</form>")[0]
    checked = re.findall(
        r'<input[^>]*checked[^>]*value="(\d)"|<input[^>]*value="(\d)"[^>]*checked', frame_form
    )
    assert sorted(a or b for a, b in checked) == ["1", "3", "5"]


def test_bidirectional_overrides_are_refused_like_control_characters(client, login, make_member):
    from models.parties import Party

    admin = make_member(role="admin")
    login(admin)
    party = admin.last_party
    answer = client.post(
        f"/p/{party.id}/company/profile",
        data={
            "version": str(party.version),
            "legal_name": "Spoof B.V.",
            "display_name": "evil\u202egnp.exe",
            "customer_type": "business",
            "country": "NL",
            "language": "en",
            "currency": "EUR",
        },
    )
    assert answer.status_code == 422
    assert "Remove the invisible control characters" in text_of(answer)
    assert Party.get_by_id(party.id).display_name == party.display_name


def test_the_country_list_holds_countries_only_in_reading_order(client):
    page = client.get("/signup", headers={"Accept-Language": "de-DE"}).get_data(as_text=True)
    codes = re.findall(r'<option(?: selected)? value="([A-Z]{2})"', page)
    assert not {"AC", "CP", "DG", "EA", "IC", "TA", "CQ"} & set(codes)
    assert {"DE", "NL", "XK"} <= set(codes)
    assert codes.index("DK") < codes.index("DE")  # Dänemark before Deutschland
    assert codes.index("CI") < codes.index("CW")  # Côte d’Ivoire before Curaçao


def test_the_only_admin_has_no_remove_button_but_says_why(client, login, make_member):
    admin = make_member(role="admin")
    party = admin.last_party
    employee = make_member(party, "employee")
    login(admin)
    page = client.get(f"/p/{party.id}/team/").get_data(as_text=True)
    admin_row = page.split(f'id="member-{admin.memberships[0].id}"')[1].split("</tr>")[0]
    employee_row = page.split(f'id="member-{employee.memberships[0].id}"')[1].split("</tr>")[0]
    assert "The only admin" in admin_row and "/remove" not in admin_row
    assert "/remove" in employee_row
    second = make_member(party, "admin")
    page = client.get(f"/p/{party.id}/team/").get_data(as_text=True)
    assert "The only admin" not in page and second.name in page
