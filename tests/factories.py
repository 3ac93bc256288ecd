"""Factories for test data: make_party(**overrides), make_user(...), make_member(...)."""

from __future__ import annotations

import itertools

from models.parties import Membership, Party, User, hash_password

PASSWORD = "correct-horse-battery"
_PASSWORD_HASH = None  # hashed once: Argon2 is slow on purpose
_seq = itertools.count(1)


def password_hash() -> str:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = hash_password(PASSWORD)
    return _PASSWORD_HASH


def make_party(**overrides) -> Party:
    n = next(_seq)
    fields = {
        "legal_name": f"Test Company {n} B.V.",
        "display_name": f"Test Company {n}",
        "customer_type": "business",
        "country": "NL",
        "language": "en",
        "currency": "EUR",
    }
    fields.update(overrides)
    return Party.create(**fields)


def make_user(**overrides) -> User:
    n = next(_seq)
    fields = {
        "email": f"user{n}@example.com",
        "name": f"User {n}",
        "password_hash": password_hash(),
        "language": "en",
    }
    fields.update(overrides)
    return User.create(**fields)


def make_member(
    party: Party | None = None, role: str = "employee", user: User | None = None, **user_fields
) -> User:
    """A user who is a member of party (made when not given) with role."""
    party = party or make_party()
    user = user or make_user(**user_fields)
    Membership.create(user=user, party=party, role=role)
    if user.last_party_id is None:
        user.last_party = party
        user.save()
    return user


CLIENT_ADDRESS = {
    "street": "Dorpsstraat 1",
    "postal_code": "1012 AB",
    "city": "Amsterdam",
    "country": "NL",
}


def make_client(actor: User, supplier: Party, name: str, **terms):
    """A client created on the spot by `actor` of `supplier` (a Dutch business with one
    address for delivery and invoices), with `terms` set when given."""
    from models.relationship_verbs import create_client, update_terms

    relationship, _ = create_client(
        actor,
        supplier,
        company={"legal_name": name, "country": "NL"},
        delivery=CLIENT_ADDRESS,
        invoice=CLIENT_ADDRESS,
    )
    if terms:
        return update_terms(actor, supplier, relationship.id, relationship.version, **terms)
    return relationship
