"""The supplier's contact persons at a client (F15): name, role, email, phone. Every member of
the supplier keeps them (employees too); each change is audited on the supplier."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from . import audit
from .base import DomainError, NotFound, check_version, retrying, transaction
from .identifiers import clean_text
from .parties import Party, User, normalise_email
from .relationships import ClientContact, Relationship, _row_id, client_of

from .relationship_verbs import _require  # isort: skip -- after relationships

audit.register_fields(
    {
        "contact.name": _l("Name"),
        "contact.role": _l("Role or department"),
        "contact.email": _l("Email address"),
        "contact.phone": _l("Phone"),
    }
)

MAX_CONTACTS = 50
STALE_CONTACT = _l(
    "Someone else changed this contact meanwhile; the saved values are shown. Save again to "
    "overwrite them."
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()./\-]{5,40}$")


def contacts_of(relationship: Relationship) -> list[ClientContact]:
    return list(
        ClientContact.select()
        .where(ClientContact.relationship == relationship)
        .order_by(ClientContact.name, ClientContact.id)
    )


def contact_of(supplier: Party, relationship_id, contact_id) -> ClientContact:
    """One contact of one of the supplier's clients; NotFound for any other id."""
    found = (
        ClientContact.select()
        .join(Relationship)
        .where(
            ClientContact.id == _row_id(contact_id),
            Relationship.id == _row_id(relationship_id),
            Relationship.supplier == supplier,
        )
        .first()
    )
    if found is None:
        raise NotFound(_l("This contact does not exist."))
    return found


def _values(values: dict) -> dict:
    cleaned = {
        "name": clean_text(values.get("name"), 200),
        "role": clean_text(values.get("role"), 120),
        "email": normalise_email(values.get("email") or "") if values.get("email") else "",
        "phone": clean_text(values.get("phone"), 40),
    }
    if not cleaned["name"]:
        raise DomainError(_l("Enter the contact's name."), "name")
    if cleaned["email"] and not _EMAIL.match(cleaned["email"]):
        raise DomainError(_l("Enter a valid email address."), "email")
    if cleaned["phone"] and not _PHONE.match(cleaned["phone"]):
        raise DomainError(_l("Enter a phone number of digits, spaces and + ( ) - / ."), "phone")
    return cleaned


def _snapshot(contact: ClientContact) -> dict:
    return {
        f"contact.{name}": getattr(contact, name) for name in ("name", "role", "email", "phone")
    }


def _subject(relationship: Relationship, contact: ClientContact) -> str:
    from .client_lists import visible_name

    return f"{visible_name(relationship)}: {contact.name}"


@retrying
def add_contact(actor: User, supplier: Party, relationship_id, **values) -> ClientContact:
    cleaned = _values(values)
    with transaction(lock=supplier):
        _require(actor, supplier, "employee")
        relationship = client_of(supplier, relationship_id)
        if (
            ClientContact.select().where(ClientContact.relationship == relationship).count()
            >= MAX_CONTACTS
        ):
            raise DomainError(_l("A client has at most 50 contacts."))
        contact = ClientContact.create(relationship=relationship, **cleaned)
        changes = audit.diff({}, _snapshot(contact))
        audit.record(
            actor,
            supplier,
            "client_contact",
            "create",
            _subject(relationship, contact),
            changes,
            relationship.id,
        )
    return contact


@retrying
def update_contact(actor: User, supplier: Party, relationship_id, contact_id, version, **values):
    cleaned = _values(values)
    with transaction(lock=supplier):
        _require(actor, supplier, "employee")
        contact = contact_of(supplier, relationship_id, contact_id)
        check_version(contact, version, STALE_CONTACT)
        before = _snapshot(contact)
        for name, value in cleaned.items():
            setattr(contact, name, value)
        changes = audit.diff(before, _snapshot(contact))
        if changes:
            contact.version += 1
            contact.save()
            subject = _subject(contact.relationship, contact)
            audit.record(
                actor,
                supplier,
                "client_contact",
                "update",
                subject,
                changes,
                contact.relationship_id,
            )
    return contact


@retrying
def delete_contact(actor: User, supplier: Party, relationship_id, contact_id) -> None:
    with transaction(lock=supplier):
        _require(actor, supplier, "employee")
        contact = contact_of(supplier, relationship_id, contact_id)
        subject = _subject(contact.relationship, contact)
        contact.delete_instance()
        audit.record(
            actor, supplier, "client_contact", "delete", subject, None, contact.relationship_id
        )
