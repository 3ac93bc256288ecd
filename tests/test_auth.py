"""Sign-up, sign-in, sign-out, password change and the end of sessions (F6, F2)."""

import re

from models.parties import Membership, Party, User, set_active
from tests.conftest import sign_in, text_of
from tests.factories import PASSWORD

SIGNUP = {
    "name": "Ria Visser",
    "email": "Ria@Visser.example",
    "password": "a-long-password",
    "confirm": "a-long-password",
    "company_name": "Visser Bakkerij",
    "customer_type": "business",
    "country": "NL",
}


def _outbox(app) -> list:
    """The emails written to the development outbox, oldest first."""
    import email
    from email import policy
    from pathlib import Path

    folder = Path(app.config["MAIL_OUTBOX_DIR"])
    files = sorted(folder.glob("*.eml")) if folder.exists() else []
    return [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]


def _link(message, path: str) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(rf"https?://[^/\s]+({re.escape(path)}\S*)", body)
    assert match, body
    return match.group(1)


def test_sign_up_creates_user_and_company_after_the_emailed_link(app, client):
    response = client.post("/signup", data=SIGNUP)
    assert response.status_code == 200
    assert "Check your email" in text_of(response)
    assert "ria@visser.example" in text_of(response)
    user = User.get(User.email == "ria@visser.example")
    assert user.email_verified_at is None
    membership = Membership.get(Membership.user == user)
    assert membership.role == "admin"
    assert membership.party.display_name == "Visser Bakkerij"
    assert membership.party.currency == "EUR"
    assert user.password_hash.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in user.password_hash
    # not signed in, and signing in is refused until the address is confirmed
    assert client.get(f"/p/{membership.party_id}/").status_code == 303
    refused = client.post("/signin", data={"email": SIGNUP["email"], "password": "a-long-password"})
    assert refused.status_code == 403
    assert "Confirm your email address first" in text_of(refused)

    [message] = _outbox(app)
    assert message["To"] == "ria@visser.example"
    assert message["Subject"] == "Confirm your email address"
    link = _link(message, "/signup/confirm/")
    page = client.get(link)  # opening the link changes nothing yet (mail scanners open links)
    assert page.status_code == 200 and "Confirm and sign in" in text_of(page)
    assert User.get_by_id(user.id).email_verified_at is None
    confirmed = client.post(link)
    assert confirmed.status_code == 303
    assert confirmed.headers["Location"].endswith(f"/p/{membership.party_id}/")
    home = client.get(confirmed.headers["Location"])
    assert "Visser Bakkerij" in text_of(home) and "Admin" in text_of(home)
    assert User.get_by_id(user.id).email_verified_at is not None
    # the link signed in once; opened again (forwarded, leaked) it no longer does
    other = app.test_client()
    used = other.post(link)
    assert used.status_code == 410
    assert "already confirmed" in text_of(used)
    assert other.get(f"/p/{membership.party_id}/").status_code == 303


def test_sign_up_with_a_taken_email_answers_the_same_and_tells_the_owner(app, client, make_user):
    owner = make_user(email="taken@example.com", name="Olga Owner")
    fresh = client.post("/signup", data=SIGNUP | {"email": "fresh@example.com"})
    taken = client.post("/signup", data=SIGNUP | {"email": "TAKEN@example.com"})
    assert taken.status_code == fresh.status_code == 200
    shown = text_of(taken).replace("taken@example.com", "X")
    assert shown == text_of(fresh).replace("fresh@example.com", "X")
    assert User.select().where(User.email == "taken@example.com").count() == 1
    assert Membership.select().where(Membership.user == owner).count() == 0
    told = [m for m in _outbox(app) if m["To"] == "taken@example.com"]
    assert [m["Subject"] for m in told] == ["You already have an account"]
    assert "/password/forgot" in told[0].get_body(preferencelist=("plain",)).get_content()


def test_sign_up_currency_follows_country(client):
    client.post("/signup", data=SIGNUP | {"email": "a@b.example", "country": "SE"})
    assert Party.get(Party.display_name == "Visser Bakkerij").currency == "SEK"


def test_sign_up_refuses_bad_input_and_writes_nothing(client):
    cases = [
        ({"email": ""}, "This field is required."),
        ({"email": "not-an-email"}, "Invalid email address."),
        ({"email": "x" * 250 + "@a.example"}, "Field cannot be longer than 254 characters."),
        ({"name": "n" * 121}, "Field cannot be longer than 120 characters."),
        ({"password": "short", "confirm": "short"}, "Use between 10 and 128 characters."),
        ({"confirm": "something-else"}, "The passwords do not match."),
        ({"country": "XX"}, "Choose a country from the list."),
        ({"country": ""}, "Choose a country from the list."),
        ({"customer_type": "robot"}, "Not a valid choice."),
    ]
    for change, message in cases:
        response = client.post("/signup", data=SIGNUP | change)
        assert response.status_code == 422, change
        assert message in text_of(response), (change, text_of(response)[:300])
    assert User.select().count() == 0
    assert Party.select().count() == 0


def test_sign_up_preselects_the_browsers_country_or_none(client):
    german = client.get("/signup", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert re.search(r'<option selected value="DE">|<option value="DE" selected>', german.text)
    plain = client.get("/signup", headers={"Accept-Language": "de"})
    select = re.search(r'<select[^>]*id="country".*?</select>', plain.text, re.S)[0]
    assert re.findall(r"<option selected value=\"([^\"]*)\"", select) == [""]
    assert "Land auswählen" in select  # the placeholder, in the page's language


def test_sign_ups_are_throttled_per_address(client):
    from models.guard import SIGNUP_ADDRESS

    statuses = [
        client.post("/signup", data=SIGNUP | {"email": f"s{i}@example.com"}).status_code
        for i in range(SIGNUP_ADDRESS.count + 1)
    ]
    assert statuses[:-1] == [200] * SIGNUP_ADDRESS.count
    assert statuses[-1] == 429
    assert User.select().count() == SIGNUP_ADDRESS.count


def test_sign_up_messages_in_the_users_language(client):
    client.post("/language", data={"language": "de", "next": "/signup"})
    response = client.post("/signup", data=SIGNUP | {"confirm": "nope-nope-nope"})
    assert response.status_code == 422
    assert "Die Passwörter stimmen nicht überein." in text_of(response)


def test_sign_in_lands_in_last_active_party(client, make_member, make_party):
    first = make_party(display_name="Aardvark Supplies")
    second = make_party(display_name="Zebra Trading")
    user = make_member(first, "employee")
    make_member(second, "admin", user=user)
    user.last_party = second
    user.save()
    response = sign_in(client, user)
    assert response.status_code == 303
    landing = client.get("/", follow_redirects=False)
    assert landing.headers["Location"].endswith(f"/p/{second.id}/")


def test_sign_in_refuses_wrong_password_and_unknown_email(client, make_member):
    user = make_member(email="known@example.com")
    for email, password in [
        ("known@example.com", "wrong-password"),
        ("nobody@example.com", PASSWORD),
        ("KNOWN@example.com ", "wrong-password"),
    ]:
        response = client.post("/signin", data={"email": email, "password": password})
        assert response.status_code == 401
        assert "Email address or password is not correct." in text_of(response)
    assert client.get(f"/p/{user.last_party_id}/").status_code == 303  # still signed out


def test_sign_in_bad_input_is_422_with_field_message(client):
    response = client.post("/signin", data={"email": "", "password": ""})
    assert response.status_code == 422
    assert "This field is required." in text_of(response)
    response = client.post("/signin", data={"email": "@@", "password": "x"})
    assert response.status_code == 422
    assert "Invalid email address." in text_of(response)


def test_sign_in_is_case_insensitive_on_email(client, make_member):
    user = make_member(email="mixed@example.com")
    response = client.post("/signin", data={"email": "  MIXED@Example.com", "password": PASSWORD})
    assert response.status_code == 303
    assert client.get(f"/p/{user.last_party_id}/").status_code == 200


def test_sign_in_is_rate_limited(app, client, make_member):
    user = make_member()
    statuses = [
        client.post("/signin", data={"email": user.email, "password": "wrong-one"}).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    blocked = client.post("/signin", data={"email": user.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Too many failed sign-ins for this account" in text_of(blocked)


def test_next_parameter_only_goes_to_local_pages(client, make_member):
    user = make_member()
    response = client.post(
        "/signin?next=https://evil.example/", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"
    client.post("/signout")
    response = client.post(
        "/signin?next=/account/", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/account/"


def test_sign_out_refuses_a_replayed_cookie(client, make_member):
    user = make_member()
    sign_in(client, user)
    home = f"/p/{user.last_party_id}/"
    assert client.get(home).status_code == 200
    stolen = client.get_cookie("session").value
    client.post("/signout")
    assert client.get(home).status_code == 303
    client.set_cookie("session", stolen)
    replay = client.get(home)
    assert replay.status_code == 303
    assert "/signin" in replay.headers["Location"]


def test_password_change_ends_other_sessions_and_keeps_this_one(app, make_member):
    user = make_member()
    this, other = app.test_client(), app.test_client()
    sign_in(this, user)
    sign_in(other, user)
    home = f"/p/{user.last_party_id}/"
    assert other.get(home).status_code == 200
    response = this.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "new-password-1",
            "confirm": "new-password-1",
        },
    )
    assert response.status_code == 303
    assert this.get(home).status_code == 200
    assert other.get(home).status_code == 303
    assert sign_in(app.test_client(), user, "new-password-1").status_code == 303
    assert sign_in(app.test_client(), user, PASSWORD).status_code == 401


def test_password_change_bad_input(client, login, make_member):
    user = make_member()
    login(user)
    response = client.post(
        "/account/password",
        data={
            "current_password": "wrong-wrong",
            "password": "new-password-1",
            "confirm": "new-password-1",
        },
    )
    assert response.status_code == 422
    assert "The current password is not correct." in text_of(response)
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": "short", "confirm": "short"},
    )
    assert response.status_code == 422
    assert User.get_by_id(user.id).check_password(PASSWORD)


def test_disabled_user_is_signed_out_at_once(client, login, make_member):
    user = make_member()
    login(user)
    home = f"/p/{user.last_party_id}/"
    assert client.get(home).status_code == 200
    set_active(user, False)
    assert client.get(home).status_code == 303
    assert sign_in(client, user).status_code == 401


def test_removed_member_loses_the_party_on_the_next_request(client, login, make_member):
    user = make_member()
    login(user)
    home = f"/p/{user.last_party_id}/"
    assert client.get(home).status_code == 200
    Membership.delete().where(Membership.user == user).execute()
    assert client.get(home).status_code == 404
    assert client.post("/switch", data={"party": user.last_party_id}).status_code == 404


def test_profile_saves_name_and_language(client, login, make_member):
    user = make_member()
    login(user)
    response = client.post("/account/profile", data={"name": "New Name", "language": "fr"})
    assert response.status_code == 303
    fresh = User.get_by_id(user.id)
    assert (fresh.name, fresh.language) == ("New Name", "fr")
    assert "Mon compte" in text_of(client.get("/account/"))
    bad = client.post("/account/profile", data={"name": "", "language": "xx"})
    assert bad.status_code == 422
    assert User.get_by_id(user.id).name == "New Name"


def test_user_without_company_can_create_one(client, login, make_user, make_party):
    user = make_user()
    login(user)
    assert client.get("/").headers["Location"].endswith("/companies/new")
    response = client.post(
        "/companies/new",
        data={"company_name": "Solo GmbH", "customer_type": "business", "country": "DE"},
    )
    assert response.status_code == 303
    party = Party.get(Party.display_name == "Solo GmbH")
    assert Membership.get(Membership.party == party).role == "admin"
    bad = client.post(
        "/companies/new", data={"company_name": "", "customer_type": "x", "country": "DE"}
    )
    assert bad.status_code == 422
