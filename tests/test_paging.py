"""Lists that can grow are paged (issue 7, item 8): the team's members and pending
invitations, the company home's members, the company settings' addresses by kind."""

from __future__ import annotations

import re

import pytest

from models import addresses as domain
from models.invitations import Invitation
from tests.conftest import text_of

HX = {"HX-Request": "true"}


def _rows(response, testid: str) -> list[str]:
    """The DOM ids of the rows with this data-testid, in page order."""
    html = response.get_data(as_text=True)
    return re.findall(rf'id="([^"]+)"[^>]*data-testid="{testid}"', html)


@pytest.fixture
def big_team(app, make_party, make_member):
    """A party with 2 admins and 58 employees ("Person 00" … "Person 57"), and one admin."""
    party = make_party()
    admin = make_member(party, role="admin", name="Zed Admin", email="zed@example.com")
    make_member(party, role="admin", name="amy admin", email="amy@example.com")
    for n in range(58):
        make_member(party, name=f"Person {n:02d}", email=f"person{n:02d}@example.com")
    return party, admin


# --- team -------------------------------------------------------------------------------------


def test_team_members_are_paged_admins_first_then_by_name(client, login, big_team):
    party, admin = big_team
    login(admin)
    first = client.get(f"/p/{party.id}/team/")
    assert first.status_code == 200
    text = text_of(first)
    assert "Members 60" in text
    assert "Members 1–25 of 60" in text
    assert "Page 1 of 3" in text
    names = re.findall(r"<strong>([^<]+)</strong>", first.get_data(as_text=True))
    assert names[:3] == ["amy admin", "Zed Admin", "Person 00"]  # admins first, by name
    assert len(_rows(first, "member-row")) == 25
    assert f'href="/p/{party.id}/team/?page=2"' in first.get_data(as_text=True)

    third = client.get(f"/p/{party.id}/team/?page=3")
    assert len(_rows(third, "member-row")) == 10
    assert "Members 51–60 of 60" in text_of(third)
    assert "Person 57" in text_of(third) and "Person 00" not in text_of(third)
    # a page past the end is the last one; nonsense is the first
    assert "Page 3 of 3" in text_of(client.get(f"/p/{party.id}/team/?page=99"))
    assert "Page 1 of 3" in text_of(client.get(f"/p/{party.id}/team/?page=x"))


def test_team_page_2_is_a_fragment_for_htmx_and_a_full_page_without(client, login, big_team):
    party, admin = big_team
    login(admin)
    url = f"/p/{party.id}/team/?page=2"
    rows = client.get(url, headers={**HX, "HX-Target": "member-rows"})
    html = rows.get_data(as_text=True)
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="member-rows"')
    assert "Person 23" in html and "Person 22" not in html  # rows 26-50
    assert {"HX-Request", "HX-Target"} <= {v.strip() for v in rows.headers["Vary"].split(",")}
    # the pushed URL renders the full page on its own
    full = client.get(url)
    assert "<html" in full.get_data(as_text=True)
    assert "Person 23" in text_of(full) and "Invite a colleague" in text_of(full)
    assert "HX-Request" in full.headers["Vary"]
    # the pager's links keep the search and are htmx links to the rows region
    assert 'hx-target="#member-rows"' in html and 'hx-push-url="true"' in html


def test_team_search_narrows_by_name_or_email(client, login, big_team):
    party, admin = big_team
    login(admin)
    response = client.get(
        f"/p/{party.id}/team/?q=person1", headers={**HX, "HX-Target": "member-rows"}
    )
    assert len(_rows(response, "member-row")) == 10  # Person 10 … Person 19
    assert "10 members match “person1”." in text_of(response)
    by_email = client.get(f"/p/{party.id}/team/?q=zed@exa")
    assert len(_rows(by_email, "member-row")) == 1
    assert "Members 60" in text_of(by_email)  # the heading still counts the whole team
    # the search box is a real GET form, filled with the search
    html = by_email.get_data(as_text=True)
    assert re.search(r'<form class="list-search"[^>]*method="get"', html)
    assert 'value="zed@exa"' in html
    assert 'hx-trigger="input changed delay:300ms, search"' in html
    # wildcards are taken literally
    assert _rows(client.get(f"/p/{party.id}/team/?q=%25"), "member-row") == []


def test_team_lists_never_show_another_party(client, login, big_team, make_party, make_member):
    party, admin = big_team
    other = make_party()
    make_member(other, name="Person Elsewhere", email="elsewhere@example.com")
    login(admin)
    for page in (1, 2, 3):
        assert "Elsewhere" not in text_of(client.get(f"/p/{party.id}/team/?page={page}"))
    assert _rows(client.get(f"/p/{party.id}/team/?q=elsewhere"), "member-row") == []


def test_role_change_on_page_2_keeps_the_page_the_browser_shows(client, login, big_team):
    party, admin = big_team
    login(admin)
    page2 = client.get(f"/p/{party.id}/team/?page=2")
    member_id = int(_rows(page2, "member-row")[0].removeprefix("member-"))
    response = client.post(
        f"/p/{party.id}/team/members/{member_id}/role",
        data={"role": "supervisor", "current_role": "employee"},
        headers={**HX, "HX-Current-URL": f"http://localhost/p/{party.id}/team/?page=2"},
    )
    assert response.status_code == 200
    assert "Page 2 of 3" in text_of(response)


def test_pending_invitations_are_paged(client, login, big_team):
    party, admin = big_team
    for n in range(30):
        Invitation.create(
            party=party, email=f"new{n:02d}@example.com", role="employee", nonce=f"n{n}"
        )
    login(admin)
    first = client.get(f"/p/{party.id}/team/")
    assert "Pending invitations 30" in text_of(first)
    assert len(_rows(first, "invitation-row")) == 25
    second = client.get(
        f"/p/{party.id}/team/?invitations_page=2", headers={**HX, "HX-Target": "team-invitations"}
    )
    assert second.get_data(as_text=True).lstrip().startswith('<section id="team-invitations"')
    assert len(_rows(second, "invitation-row")) == 5


# --- company home ----------------------------------------------------------------------------


def test_home_shows_ten_members_admins_first_and_links_to_the_team(client, login, big_team):
    party, admin = big_team
    login(admin)
    response = client.get(f"/p/{party.id}/")
    html = response.get_data(as_text=True)
    assert html.count('<td class="cell-name">') == 10
    assert "amy admin" in html and "Person 07" in html and "Person 08" not in html
    assert "See all 60 members" in text_of(response)
    assert f'href="/p/{party.id}/team/"' in html


def test_home_of_a_non_admin_still_shows_only_their_membership(client, login, big_team):
    party, _admin = big_team
    from tests.factories import make_member

    employee = make_member(party, name="Just Me")
    login(employee)
    response = client.get(f"/p/{party.id}/")
    assert "Your membership" in text_of(response)
    assert "See all" not in text_of(response)
    assert "Person 00" not in text_of(response)


# --- company settings: addresses -------------------------------------------------------------

ADDRESS = {
    "recipient": "",
    "street": "Transformatorweg 30",
    "street2": "",
    "postal_code": "1014ak",
    "region": "",
    "country": "NL",
}


@pytest.fixture
def addresses(app, make_party, make_member):
    """A party with 3 invoice and 23 delivery addresses ("Depot 00" … "Depot 22"), each
    delivery address with one delivery point; and another party with its own."""
    party = make_party()
    admin = make_member(party, role="admin")
    with app.test_request_context():
        for n in range(3):
            domain.add_address(
                admin, party, kind="invoice", label=f"Office {n}", city="Delft", **ADDRESS
            )
        depots = []
        for n in range(23):
            city = "Utrecht" if n % 5 == 0 else "Amsterdam"
            depot = domain.add_address(
                admin, party, kind="delivery", label=f"Depot {n:02d}", city=city, **ADDRESS
            )
            domain.add_delivery_point(admin, party, depot.id, name=f"Dock of depot {n:02d}")
            depots.append(depot)
        other = make_party()
        other_admin = make_member(other, role="admin")
        domain.add_address(
            other_admin, other, kind="delivery", label="Foreign depot", city="Utrecht", **ADDRESS
        )
    return party, admin, depots


def test_addresses_are_paged_per_kind_with_their_points(client, login, addresses):
    party, admin, depots = addresses
    login(admin)
    page = client.get(f"/p/{party.id}/company/")
    text = text_of(page)
    assert "Delivery addresses 23" in text and "Invoice addresses 3" in text
    assert "Addresses 1–10 of 23" in text
    assert "Depot 00" in text and "Depot 09" in text and "Depot 10" not in text
    assert "Dock of depot 09" in text and "Dock of depot 10" not in text
    assert "Foreign depot" not in text
    # only the delivery list has more than one page: only it has a pager and a search
    html = page.get_data(as_text=True)
    assert 'id="addresses-delivery-search"' in html
    assert 'id="addresses-invoice-search"' not in html
    assert f'href="/p/{party.id}/company/?delivery_page=2"' in html

    third = client.get(f"/p/{party.id}/company/?delivery_page=3")
    assert "Depot 22" in text_of(third) and "Dock of depot 22" in text_of(third)
    assert "Depot 00" not in text_of(third)


def test_address_page_2_fragment_and_full_page(client, login, addresses):
    party, admin, _ = addresses
    login(admin)
    url = f"/p/{party.id}/company/?delivery_page=2"
    rows = client.get(url, headers={**HX, "HX-Target": "addresses-delivery-rows"})
    html = rows.get_data(as_text=True)
    assert "<html" not in html
    assert html.lstrip().startswith('<div class="list-rows" id="addresses-delivery-rows"')
    assert "Depot 10" in html and "Depot 19" in html and "Depot 09" not in html
    assert "Office 0" not in html  # the other list is not part of it
    assert {"HX-Request", "HX-Target"} <= {v.strip() for v in rows.headers["Vary"].split(",")}
    full = client.get(url)
    assert "<html" in full.get_data(as_text=True)
    assert "Depot 10" in text_of(full) and "Office 0" in text_of(full)
    # the whole list region, for a target that is the list
    region = client.get(url, headers={**HX, "HX-Target": "addresses-delivery"})
    assert region.get_data(as_text=True).lstrip().startswith('<section class="address-list"')


def test_address_search_narrows_and_keeps_the_other_list(client, login, addresses):
    party, admin, _ = addresses
    login(admin)
    response = client.get(
        f"/p/{party.id}/company/?delivery_q=utrecht&invoice_page=1",
        headers={**HX, "HX-Target": "addresses-delivery-rows"},
    )
    text = text_of(response)
    assert "5 addresses match “utrecht”." in text  # depots 0, 5, 10, 15, 20
    assert "Depot 05" in text and "Depot 01" not in text
    assert "Foreign depot" not in text
    by_label = client.get(f"/p/{party.id}/company/?delivery_q=depot 2")
    assert "Depot 20" in text_of(by_label) and "Depot 19" not in text_of(by_label)
    assert "Delivery addresses 23" in text_of(by_label)
    nothing = client.get(f"/p/{party.id}/company/?delivery_q=nowhere")
    assert "0 addresses match “nowhere”." in text_of(nothing)
    assert "No delivery address yet" not in text_of(nothing)


def test_an_address_on_page_2_is_edited_in_place(client, login, addresses):
    party, admin, depots = addresses
    login(admin)
    depot = depots[15]  # on page 2 of the delivery list
    form = client.get(f"/p/{party.id}/company/addresses/{depot.id}/edit", headers=HX)
    assert form.status_code == 200
    assert f'id="address-{depot.id}"' in form.get_data(as_text=True)
    assert 'name="street"' in form.get_data(as_text=True)
    saved = client.post(
        f"/p/{party.id}/company/addresses/{depot.id}",
        data={**ADDRESS, "label": "Depot fifteen", "city": "Haarlem", "version": "1"},
        headers=HX,
    )
    assert saved.status_code == 200
    assert "Depot fifteen" in text_of(saved) and "Dock of depot 15" in text_of(saved)
    # cancel asks the page for the address's region: it comes back, not page 1
    cancel = client.get(
        f"/p/{party.id}/company/", headers={**HX, "HX-Target": f"address-{depot.id}"}
    )
    assert (
        cancel.get_data(as_text=True)
        .lstrip()
        .startswith(f'<li class="address" id="address-{depot.id}"')
    )
    # its delivery point's form, in place
    point_id = depot.delivery_points.get().id
    point_form = client.get(f"/p/{party.id}/company/points/{point_id}/edit", headers=HX)
    assert point_form.status_code == 200 and 'name="address"' in point_form.get_data(as_text=True)


def test_without_javascript_the_edit_form_opens_on_the_page_holding_the_address(
    client, login, addresses
):
    party, admin, depots = addresses
    login(admin)
    depot = depots[21]  # page 3
    page = client.get(f"/p/{party.id}/company/addresses/{depot.id}/edit")
    assert "<html" in page.get_data(as_text=True)
    assert "Page 3 of 3" in text_of(page)
    assert f'action="/p/{party.id}/company/addresses/{depot.id}"' in page.get_data(as_text=True)
    saved = client.post(
        f"/p/{party.id}/company/addresses/{depot.id}",
        data={**ADDRESS, "label": "Depot 21", "city": "Haarlem", "version": "1"},
    )
    assert saved.status_code == 303
    # back on its page, the address still managed (its actions open)
    assert saved.headers["Location"].endswith(
        f"?delivery_page=3&manage={depot.id}#address-{depot.id}"
    )


def test_make_default_on_page_3_shows_the_first_page(client, login, addresses):
    party, admin, depots = addresses
    login(admin)
    depot = depots[22]
    response = client.post(
        f"/p/{party.id}/company/addresses/{depot.id}/default",
        headers={**HX, "HX-Current-URL": f"http://localhost/p/{party.id}/company/?delivery_page=3"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section class="address-list" id="addresses-delivery"')
    assert "This is now the default delivery address." in text_of(response)
    assert _rows(response, "address")[0] == f"address-{depot.id}"


def test_delete_on_page_2_stays_on_page_2(client, login, addresses):
    party, admin, depots = addresses
    login(admin)
    depot = depots[12]
    response = client.post(
        f"/p/{party.id}/company/addresses/{depot.id}/delete",
        headers={**HX, "HX-Current-URL": f"http://localhost/p/{party.id}/company/?delivery_page=2"},
    )
    assert response.status_code == 200
    assert "Page 2 of 3" in text_of(response)
    assert "Depot 12" not in text_of(response) and "Depot 20" in text_of(response)


def test_an_added_address_shows_on_the_last_page(client, login, addresses):
    party, admin, _ = addresses
    login(admin)
    response = client.post(
        f"/p/{party.id}/company/addresses",
        data={**ADDRESS, "kind": "delivery", "label": "Depot new", "city": "Gouda"},
        headers=HX,
    )
    assert response.status_code == 200
    assert "Depot new" in text_of(response) and "Page 3 of 3" in text_of(response)


def test_another_partys_address_region_is_not_found(client, login, addresses, make_party):
    party, admin, _ = addresses
    foreign = domain.Address.get(domain.Address.label == "Foreign depot")
    login(admin)
    response = client.get(
        f"/p/{party.id}/company/", headers={**HX, "HX-Target": f"address-{foreign.id}"}
    )
    assert response.status_code == 404
