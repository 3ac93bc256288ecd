"""The company home page, party switching, two tabs, languages and htmx fragments (F1-F3, F40, F42)."""

from models.parties import User
from tests.conftest import text_of


def test_home_shows_name_type_role_and_members_to_admins(client, login, make_party, make_member):
    party = make_party(display_name="Kaashandel Noord", customer_type="business")
    admin = make_member(party, "admin", name="Alma Admin")
    make_member(party, "employee", name="Eddy Employee")
    login(admin)
    page = text_of(client.get(f"/p/{party.id}/"))
    assert "Kaashandel Noord" in page
    assert "Business" in page
    assert "Your role Admin" in page
    assert "Alma Admin" in page and "Eddy Employee" in page


def test_employee_sees_only_their_own_membership(client, login, make_party, make_member):
    party = make_party(customer_type="consumer")
    make_member(party, "admin", name="Alma Admin")
    employee = make_member(party, "employee", name="Eddy Employee")
    login(employee)
    page = text_of(client.get(f"/p/{party.id}/"))
    assert "Consumer" in page
    assert "Your role Employee" in page
    assert "Eddy Employee" in page
    assert "Alma Admin" not in page


def test_another_partys_page_answers_404(client, login, make_party, make_member):
    mine, theirs = make_party(), make_party(display_name="Secret Competitor")
    login(make_member(mine))
    response = client.get(f"/p/{theirs.id}/")
    assert response.status_code == 404
    assert "Secret Competitor" not in text_of(response)
    assert client.get("/p/999999/").status_code == 404


def test_switching_moves_to_the_same_page_and_is_remembered(client, login, make_party, make_member):
    first, second = make_party(display_name="First Co"), make_party(display_name="Second Co")
    user = make_member(first, "employee")
    make_member(second, "supervisor", user=user)
    login(user)
    response = client.post("/switch", data={"party": second.id, "path": f"/p/{first.id}/"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/p/{second.id}/"
    assert User.get_by_id(user.id).last_party_id == second.id
    page = text_of(client.get(response.headers["Location"]))
    assert "Second Co" in page and "Supervisor" in page
    # a path outside the party pages lands on the party home
    response = client.post("/switch", data={"party": first.id, "path": "/account/"})
    assert response.headers["Location"] == f"/p/{first.id}/"


def test_switching_to_a_party_you_are_not_in_is_refused(client, login, make_party, make_member):
    user = make_member()
    stranger = make_party()
    login(user)
    for value in (stranger.id, "abc", "", 10**9):
        response = client.post("/switch", data={"party": value})
        assert response.status_code == 404
    assert User.get_by_id(user.id).last_party_id != stranger.id


def test_two_tabs_work_in_two_parties(client, login, make_party, make_member):
    """The party is in the URL: a tab on party A keeps acting in A after B became active."""
    a, b = make_party(display_name="Alpha BV"), make_party(display_name="Beta GmbH")
    user = make_member(a, "admin")
    make_member(b, "employee", user=user)
    login(user)
    client.post("/switch", data={"party": b.id})
    tab_a = text_of(client.get(f"/p/{a.id}/"))
    assert "Alpha BV" in tab_a and "Your role Admin" in tab_a
    tab_b = text_of(client.get(f"/p/{b.id}/"))
    assert "Beta GmbH" in tab_b and "Your role Employee" in tab_b


def test_language_switch_is_stored_on_the_user(client, login, make_member):
    user = make_member(language="en")
    login(user)
    response = client.post(
        "/language", data={"language": "nl", "next": f"/p/{user.last_party_id}/"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/p/{user.last_party_id}/"
    assert User.get_by_id(user.id).language == "nl"
    assert "Uw rol" in text_of(client.get(f"/p/{user.last_party_id}/"))
    assert client.post("/language", data={"language": "xx"}).status_code == 400
    assert User.get_by_id(user.id).language == "nl"


def test_locale_order_user_then_party_then_browser(client, login, make_party, make_member):
    party = make_party(language="es")
    user = make_member(party, "admin", language=None)
    login(user)
    page = client.get(f"/p/{party.id}/", headers={"Accept-Language": "de"})
    assert '<html lang="es">' in page.get_data(as_text=True)
    user.language = "fr"
    user.save()
    page = client.get(f"/p/{party.id}/", headers={"Accept-Language": "de"})
    assert '<html lang="fr">' in page.get_data(as_text=True)


def test_anonymous_locale_follows_accept_language(client):
    page = client.get("/signin", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert '<html lang="de">' in page.get_data(as_text=True)
    assert "Anmelden" in text_of(page)


def test_dates_and_numbers_follow_the_locale(client, login, make_party, make_member):
    import datetime as dt

    party = make_party(created_at=dt.datetime(2025, 3, 14, 10, 0))
    user = make_member(party, "admin", language="de")
    login(user)
    page = text_of(client.get(f"/p/{party.id}/"))
    assert "14.03.2025" in page
    assert "Euro" in page
    user.language = "en"
    user.save()
    assert "Mar 14, 2025" in text_of(client.get(f"/p/{party.id}/"))


def test_htmx_request_gets_a_fragment_and_plain_request_the_page(client, login, make_member):
    user = make_member()
    login(user)
    full = client.get("/account/")
    assert "<html" in full.get_data(as_text=True)
    assert "HX-Request" in full.headers["Vary"]
    bad = client.post(
        "/account/profile", data={"name": "", "language": "en"}, headers={"HX-Request": "true"}
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "<html" not in html and 'id="profile-form"' in html
    assert "HX-Request" in bad.headers["Vary"]
    boosted = client.post(
        "/account/profile",
        data={"name": "", "language": "en"},
        headers={"HX-Request": "true", "HX-Boosted": "true"},
    )
    assert "<html" in boosted.get_data(as_text=True)


def test_htmx_success_navigates_with_hx_redirect(client, login, make_member):
    user = make_member()
    login(user)
    response = client.post(
        "/account/profile", data={"name": "Ok", "language": "en"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/account/"


def test_expired_session_on_htmx_request_redirects_to_sign_in(client, make_member):
    user = make_member()
    response = client.get(f"/p/{user.last_party_id}/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/signin")
    plain = client.get(f"/p/{user.last_party_id}/")
    assert plain.status_code == 303 and "/signin?next=" in plain.headers["Location"]


def test_security_headers_and_private_pages_not_cached(client, login, make_member):
    public = client.get("/signin")
    csp = public.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert public.headers["X-Content-Type-Options"] == "nosniff"
    user = make_member()
    login(user)
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
    private = client.get(f"/p/{user.last_party_id}/")
    assert private.headers["Cache-Control"] == "no-store"
    assert 'hx-history="false"' in private.get_data(as_text=True)


def test_no_inline_scripts_and_htmx_eval_off(client):
    html = client.get("/signin").get_data(as_text=True)
    assert "<script>" not in html and "<script " not in html.replace("<script src=", "")
    assert '"allowEval": false' in html
    assert "htmx-2.0." in html


def test_get_never_changes_state(client, login, make_party, make_member):
    a, b = make_party(), make_party()
    user = make_member(a)
    make_member(b, user=user)
    login(user)
    assert client.get(f"/switch?party={b.id}").status_code == 405
    assert client.get("/language?language=de").status_code == 405
    assert client.get("/signout").status_code == 405
    assert User.get_by_id(user.id).last_party_id == a.id


def test_error_pages_are_translated_and_never_500_for_bad_ids(client, login, make_member):
    user = make_member(language="es")
    login(user)
    response = client.get("/p/abc/")
    assert response.status_code == 404
    assert "Página no disponible" in text_of(response)
