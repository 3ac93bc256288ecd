"""Delete and remove ask first without JavaScript (issue 7, item 6): each such button's form
opens `<action>/confirm` with GET, a page that names what goes and changes nothing; its
button posts to the action, which works with and without htmx. Also: the header outside a
party names the last active party."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from PIL import Image

from models.addresses import Address, DeliveryPoint, add_address, add_delivery_point
from models.bank import BankAccount, save_bank_account
from models.budgets import Budget, BudgetParty
from models.catalog import create_product
from models.invitations import Invitation, invite_member
from models.parties import Membership, User
from models.price_lists import PriceList, PriceListEntry
from models.product_images import ProductImage, set_image
from models.relationships import (
    ClientContact,
    CustomerCategory,
    CustomerGroup,
    Relationship,
    create_client,
)
from models.schedules import DeliverySchedule, create_schedule
from tests.conftest import text_of

HX = {"HX-Request": "true"}

ADDRESS = {
    "label": "Main warehouse",
    "recipient": "",
    "street": "Transformatorweg 30",
    "street2": "",
    "postal_code": "1014 AK",
    "city": "Amsterdam",
    "region": "",
    "country": "NL",
}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def shop(make_party, make_member):
    """A party with an admin and one of everything that can be deleted or removed."""
    party = make_party(display_name="Brouwer", country="NL")
    admin = make_member(party, "admin", name="Anna Admin")
    staff = make_member(party, "employee", name="Sven Jansen")
    add_address(admin, party, kind="delivery", **ADDRESS)  # the default: not deletable
    address = add_address(admin, party, kind="delivery", **{**ADDRESS, "label": "Dock Zaandam"})
    point = add_delivery_point(admin, party, address.id, name="Hal 2, koelcel")
    save_bank_account(
        admin, party, holder="Brouwer B.V.", iban="NL91ABNA0417164300", bic="", version="0"
    )
    invitation = invite_member(admin, party, email="new.colleague@example.com", role="employee")
    schedule = create_schedule(
        admin, party, name="Weekdays", working_days=[1, 2, 3, 4, 5], cutoff=None, lead_days=1
    )
    membership = Membership.get(Membership.user == staff, Membership.party == party)
    client_link, _ = create_client(
        admin,
        party,
        company={"legal_name": "Hotel Zuid", "country": "NL"},
        delivery=ADDRESS,
        invoice=ADDRESS,
    )
    contact = ClientContact.create(relationship=client_link, name="Jan de Vries")
    group = CustomerGroup.create(supplier=party, name="Horeca", code="HOR")
    category = CustomerCategory.create(supplier=party, name="Canteens", code="CAN")
    base = f"/p/{party.id}"
    product = create_product(admin, party, sku="KOF-1", name_en="Coffee", list_price=Decimal(10))
    price_list = PriceList.create(supplier=party, name="Horeca", code="H", code_key="h")
    entry = PriceListEntry.create(price_list=price_list, product=product, price_minor=900)
    set_image(admin, party, product.id, _png())
    budget = Budget.create(
        owner=party, name="Office", currency="EUR", period="month", limit_minor=100, action="warn"
    )
    BudgetParty.create(budget=budget, party=party)
    # (page with the button, action URL, a name the confirmation shows, the record)
    actions = {
        "point": (  # an address's actions and its points' show once it is managed
            f"{base}/company/?manage={point.address_id}",
            f"{base}/company/points/{point.id}/delete",
            "Hal 2, koelcel",
            lambda: DeliveryPoint.get_or_none(DeliveryPoint.id == point.id),
        ),
        "address": (
            f"{base}/company/?manage={address.id}",
            f"{base}/company/addresses/{address.id}/delete",
            "Dock Zaandam",
            lambda: Address.get_or_none(Address.id == address.id),
        ),
        "bank": (
            f"{base}/company/",
            f"{base}/company/bank/delete",
            "NL91 ABNA 0417 1643 00",
            lambda: BankAccount.get_or_none(BankAccount.party == party),
        ),
        "member": (
            f"{base}/team/",
            f"{base}/team/members/{membership.id}/remove",
            "Sven Jansen",
            lambda: Membership.get_or_none(Membership.id == membership.id),
        ),
        "invitation": (
            f"{base}/team/",
            f"{base}/team/invitations/{invitation.id}/revoke",
            "new.colleague@example.com",
            lambda: Invitation.get_or_none(
                Invitation.id == invitation.id, Invitation.revoked_at.is_null()
            ),
        ),
        "schedule": (
            f"{base}/schedules/{schedule.id}/",
            f"{base}/schedules/{schedule.id}/delete",
            "Weekdays",
            lambda: DeliverySchedule.get_or_none(DeliverySchedule.id == schedule.id),
        ),
        "client": (
            f"{base}/clients/{client_link.id}/",
            f"{base}/clients/{client_link.id}/remove",
            "Hotel Zuid",
            lambda: Relationship.get_or_none(Relationship.id == client_link.id),
        ),
        "contact": (
            f"{base}/clients/{client_link.id}/",
            f"{base}/clients/{client_link.id}/contacts/{contact.id}/delete",
            "Jan de Vries",
            lambda: ClientContact.get_or_none(ClientContact.id == contact.id),
        ),
        "group": (
            f"{base}/clients/groups/",
            f"{base}/clients/groups/{group.id}/delete",
            "Horeca",
            lambda: CustomerGroup.get_or_none(CustomerGroup.id == group.id),
        ),
        "category": (
            f"{base}/clients/groups/",
            f"{base}/clients/categories/{category.id}/delete",
            "Canteens",
            lambda: CustomerCategory.get_or_none(CustomerCategory.id == category.id),
        ),
        "price": (
            f"{base}/price-lists/{price_list.id}/",
            f"{base}/price-lists/{price_list.id}/entries/{entry.id}/delete",
            "KOF-1",
            lambda: PriceListEntry.get_or_none(PriceListEntry.id == entry.id),
        ),
        "image": (
            f"{base}/products/{product.id}/edit",
            f"{base}/products/{product.id}/image/delete",
            "KOF-1",
            lambda: ProductImage.get_or_none(ProductImage.product == product.id),
        ),
        "budget": (
            f"{base}/budgets/{budget.id}",
            f"{base}/budgets/{budget.id}/delete",
            "Office",
            lambda: Budget.get_or_none(Budget.id == budget.id),
        ),
    }
    return {"party": party, "admin": admin, "staff": staff, "actions": actions}


KINDS = [
    "point",
    "address",
    "bank",
    "member",
    "invitation",
    "schedule",
    "client",
    "contact",
    "group",
    "category",
    "price",
    "image",
    "budget",
]


def _get_forms(html: str) -> list[str]:
    """The opening tags of the page's GET forms that htmx posts after a confirm dialog."""
    return re.findall(r'<form method="get"[^>]*hx-confirm="[^"]*"[^>]*>', html)


@pytest.mark.parametrize("kind", KINDS)
def test_the_button_opens_a_confirmation_that_changes_nothing(client, login, shop, kind):
    page, action, name, record = shop["actions"][kind]
    login(shop["admin"])
    forms = _get_forms(client.get(page).get_data(as_text=True))
    # without JavaScript the button's form opens the confirmation; with it htmx posts
    mine = [f for f in forms if f'action="{action}/confirm"' in f]
    assert len(mine) == 1, forms
    assert f'hx-post="{action}"' in mine[0]
    assert "csrf_token" not in mine[0]  # never a token in a URL

    answer = client.get(f"{action}/confirm")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert "HX-Request" in answer.vary
    assert name in text_of(answer)
    html = answer.get_data(as_text=True)
    assert re.search(rf'<form method="post" action="{re.escape(action)}">', html)
    assert 'name="csrf_token"' in html
    assert record() is not None, "a GET changed something"
    assert client.get(f"{action}/confirm", headers=HX).status_code == 200
    assert record() is not None


@pytest.mark.parametrize("kind", KINDS)
def test_the_confirmed_post_acts_without_htmx(client, login, shop, kind):
    page, action, _name, record = shop["actions"][kind]
    login(shop["admin"])
    answer = client.post(action)
    assert answer.status_code == 303
    assert record() is None
    assert client.get(answer.headers["Location"]).status_code == 200


@pytest.mark.parametrize("kind", ["point", "address", "bank", "member", "invitation"])
def test_the_post_still_swaps_its_region_with_htmx(client, login, shop, kind):
    _page, action, name, record = shop["actions"][kind]
    login(shop["admin"])
    answer = client.post(action, headers=HX)
    assert answer.status_code == 200
    assert "<html" not in answer.get_data(as_text=True)
    assert "HX-Request" in answer.vary
    assert record() is None


def test_a_schedule_deleted_with_htmx_redirects_to_the_list(client, login, shop):
    _page, action, _name, record = shop["actions"]["schedule"]
    login(shop["admin"])
    answer = client.post(action, headers=HX)
    assert answer.status_code == 204
    assert answer.headers["HX-Redirect"].endswith(f"/p/{shop['party'].id}/schedules/")
    assert record() is None


@pytest.mark.parametrize("kind", KINDS)
def test_another_partys_ids_answer_404_and_employees_403(
    client, login, make_party, make_member, shop, kind
):
    _page, action, _name, record = shop["actions"][kind]
    stranger = make_member(make_party(), "admin")
    # the stranger's own party in the URL, this party's record id
    theirs = re.sub(r"^/p/\d+/", f"/p/{stranger.last_party_id}/", action)
    login(stranger)
    if kind == "bank":  # no id in the URL: their party has no account, so nothing to ask
        answer = client.get(f"{theirs}/confirm")
        assert answer.status_code == 303
        assert answer.headers["Location"].endswith("/company/#company-bank")
    else:
        assert client.get(f"{theirs}/confirm").status_code == 404
    assert client.get(f"{action}/confirm").status_code == 404
    assert record() is not None
    client.post("/signout")
    login(shop["staff"])
    # employees keep the contacts at a client (F15); everything else here is for admins
    assert client.get(f"{action}/confirm").status_code == (200 if kind == "contact" else 403)


def test_every_confirmation_belongs_to_an_action(app):
    rules = {(r.rule, m) for r in app.url_map.iter_rules() for m in r.methods}
    confirmations = [r for r, m in rules if m == "GET" and r.endswith("/confirm")]
    assert len(confirmations) == len(KINDS)
    for rule in confirmations:
        assert (rule.removesuffix("/confirm"), "POST") in rules, rule


def test_cancel_goes_back_to_the_record(client, login, shop):
    login(shop["admin"])
    _page, action, _name, record = shop["actions"]["point"]
    html = client.get(f"{action}/confirm").get_data(as_text=True)
    point = record()
    # back to the point, its address still managed (the point's actions showing)
    company = f"/p/{shop['party'].id}/company/"
    assert f'href="{company}?manage={point.address_id}#point-{point.id}"' in html


def test_removing_yourself_says_so(client, login, shop):
    admin = shop["admin"]
    membership = Membership.get(Membership.user == admin, Membership.party == shop["party"])
    login(admin)
    answer = client.get(f"/p/{shop['party'].id}/team/members/{membership.id}/remove/confirm")
    assert "This is you" in text_of(answer)


def test_a_default_address_is_still_refused_after_confirming(client, login, shop):
    party = shop["party"]
    default = Address.get(Address.party == party, Address.is_default)
    login(shop["admin"])
    answer = client.post(f"/p/{party.id}/company/addresses/{default.id}/delete")
    assert answer.status_code == 409
    assert Address.get_or_none(Address.id == default.id) is not None


# --- the header outside a party ---------------------------------------------------------------


def test_account_page_names_the_last_active_party(client, login, make_party, make_member):
    first = make_party(display_name="Aardvark Trading")
    last = make_party(display_name="Zebra Foods")
    user = make_member(first, "admin")
    make_member(last, "employee", user=user)
    User.update(last_party=last).where(User.id == user.id).execute()
    login(user)
    for path in ("/account/", "/companies/new"):
        html = client.get(path).get_data(as_text=True)
        active = re.search(r'data-testid="active-party">([^<]*)<', html).group(1)
        assert active == "Zebra Foods", path
        assert "Choose a company" not in html
        assert re.search(rf'value="{last.id}" aria-current="true"', html)
        # the company nav links into it (an employee there: no team or audit links)
        nav = html.split('class="party-nav"')[1].split("</nav>")[0]
        assert f'href="/p/{last.id}/"' in nav
        assert f'href="/p/{last.id}/company/"' in nav
        assert f"/p/{last.id}/team/" not in nav


def test_account_page_falls_back_to_the_first_party(client, login, make_party, make_member):
    user = make_member(make_party(display_name="Aardvark Trading"), "admin")
    make_member(make_party(display_name="Zebra Foods"), "employee", user=user)
    User.update(last_party=None).where(User.id == user.id).execute()
    login(user)
    html = client.get("/account/").get_data(as_text=True)
    assert 'data-testid="active-party">Aardvark Trading<' in html


def test_a_user_without_a_party_is_asked_to_choose(client, login, make_user):
    user = make_user()
    login(user)
    html = client.get("/companies/new").get_data(as_text=True)
    assert 'class="party-nav"' not in html
