"""With CSRF protection on (as in production): forms and htmx requests need the token."""

import re

import pytest

from models.parties import User
from tests.conftest import make_app
from tests.factories import PASSWORD


@pytest.fixture
def csrf_app(tmp_path, template_db):

    app = make_app(tmp_path, template_db, WTF_CSRF_ENABLED=True)
    yield app


def token_from(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def test_state_changes_need_a_valid_token(csrf_app):
    from tests.factories import make_member

    user = make_member()
    client = csrf_app.test_client()
    # no token: refused, nobody signed in
    response = client.post("/signin", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    # a wrong token: refused
    response = client.post(
        "/signin", data={"email": user.email, "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 400
    # the form's own token: accepted
    token = token_from(client.get("/signin").get_data(as_text=True))
    response = client.post(
        "/signin", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303


def test_htmx_sends_the_token_in_a_header(csrf_app):
    from tests.factories import make_member

    user = make_member(language="en")
    client = csrf_app.test_client()
    token = token_from(client.get("/signin").get_data(as_text=True))
    client.post("/signin", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    page = client.get("/account/").get_data(as_text=True)
    header_token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)
    without = client.post("/language", data={"language": "de"}, headers={"HX-Request": "true"})
    assert without.status_code == 400
    assert User.get_by_id(user.id).language == "en"
    with_token = client.post(
        "/language",
        data={"language": "de"},
        headers={"HX-Request": "true", "X-CSRFToken": header_token},
    )
    assert with_token.status_code in (204, 303)
    assert User.get_by_id(user.id).language == "de"


def test_token_is_masked_afresh_in_each_response_and_works_from_any_of_them(csrf_app):
    """BREACH: no response carries the token as it is, and two responses never carry the same
    masked value; every form of one response shares that response's value, and each works."""
    from views.csrf import unmask

    client = csrf_app.test_client()
    first = client.get("/signin").get_data(as_text=True)
    second = client.get("/signin").get_data(as_text=True)
    a, b = token_from(first), token_from(second)
    assert a != b
    # the same session token under both pads (signed with the second it was made in: two
    # requests either side of a second's end carry different timestamps)
    assert unmask(a).split(".")[0] == unmask(b).split(".")[0]
    assert unmask(a) not in first
    header = re.search(r'"X-CSRFToken": "([^"]+)"', first).group(1)
    assert header == a  # one pad per response
    for token in (a, b):
        response = client.post(
            "/password/forgot", data={"email": "x@example.com", "csrf_token": token}
        )
        assert response.status_code != 400
