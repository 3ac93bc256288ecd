"""Every route has an access policy, and the policies hold (DESIGN.md: access in one place)."""

import pytest
from werkzeug.routing import Rule

from views.access import policy_of

# What each kind of visitor may get from a route they are not allowed on.
ANONYMOUS_REFUSED = {303}
STRANGER_REFUSED = {404}


def routes(app) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def url_for_rule(rule: Rule, party_id: int, other_id: int = 1) -> str:
    values = {arg: (party_id if arg == "party_id" else other_id) for arg in rule.arguments}
    values.update({k: v for k, v in (rule.defaults or {}).items()})
    path = rule.rule
    for arg, value in values.items():
        for converter in ("int:", "string:", ""):
            path = path.replace(f"<{converter}{arg}>", str(value))
    return path


def methods_of(rule: Rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_every_endpoint_declares_a_policy(app):
    missing = [
        rule.endpoint for rule in app.url_map.iter_rules() if policy_of(rule.endpoint, app) is None
    ]
    assert missing == [], f"endpoints without an access policy: {missing}"


def test_party_routes_require_membership_and_others_do_not_take_party_ids(app):
    for rule in routes(app):
        policy = policy_of(rule.endpoint, app)
        if "party_id" in rule.arguments:
            assert policy.kind == "member", rule.rule
        if policy.kind == "member":
            assert rule.rule.startswith("/p/<int:party_id>/"), rule.rule


def test_anonymous_visitors_are_sent_to_sign_in(app, client, make_party):
    party = make_party()
    for rule in routes(app):
        if policy_of(rule.endpoint, app).kind == "public":
            continue
        for method in methods_of(rule):
            response = client.open(url_for_rule(rule, party.id), method=method)
            assert response.status_code in ANONYMOUS_REFUSED, (method, rule.rule)
            assert "/signin" in response.headers["Location"]


def test_members_of_another_party_get_404_everywhere(app, client, login, make_party, make_member):
    theirs = make_party()
    make_member(theirs, "admin")
    login(make_member(make_party(), "admin"))
    for rule in routes(app):
        if policy_of(rule.endpoint, app).kind != "member":
            continue
        for method in methods_of(rule):
            response = client.open(url_for_rule(rule, theirs.id), method=method)
            assert response.status_code in STRANGER_REFUSED, (method, rule.rule)


@pytest.mark.parametrize("role", ["employee", "supervisor", "admin"])
def test_role_policies_hold(app, client, login, make_party, make_member, role):
    """A member below a route's role gets 403; at or above it, never 403 or 404 for the party."""
    from models.parties import role_rank

    party = make_party()
    make_member(party, "admin")
    login(make_member(party, role))
    for rule in routes(app):
        policy = policy_of(rule.endpoint, app)
        if policy.kind != "member" or rule.arguments != {"party_id"}:
            continue
        for method in methods_of(rule):
            status = client.open(url_for_rule(rule, party.id), method=method).status_code
            if role_rank(role) < role_rank(policy.role):
                assert status == 403, (role, method, rule.rule)
            else:
                assert status not in (403, 404), (role, method, rule.rule, status)


def test_ids_too_large_for_the_database_answer_404_not_500(
    app, client, login, make_party, make_member
):
    party = make_party()
    login(make_member(party, "admin"))
    huge = 2**63 + 5
    assert client.get(f"/p/{huge}/").status_code == 404
    assert client.get(f"/p/{party.id}/schedules/{huge}/").status_code == 404
    assert client.post(f"/p/{party.id}/team/members/{huge}/remove").status_code == 404
    assert client.post("/switch", data={"party": huge}).status_code == 404
    assert client.get(f"/p/{party.id}/audit/?page={huge}&actor={huge}").status_code == 200
