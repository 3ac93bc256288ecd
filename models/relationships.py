"""Supplier–customer relationships (F12, F13, F16, F17): who buys from whom, and on which terms.

A party is a supplier because it has clients, a customer because it has suppliers: both follow
from these rows. A relationship is *connected* when the supplier created the customer on the spot
or the customer's admin accepted the supplier's connection request; until then it is *pending*
and the supplier sees only what it typed itself.

Every term is optional; what applies is `effective_terms()` -- the relationship's own value, else
the supplier's default (F11), else the portal's standard -- with where each value came from.
Ordering asks `may_order()` and, before a removal, `open_orders_of()`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from peewee import (
    JOIN,
    SQL,
    BooleanField,
    Case,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
    fn,
)

from .base import BaseModel, DomainError, NotFound, from_minor, unique_message, utcnow
from .identifiers import fold
from .parties import Party, User
from .prepared import prepared
from .schedules import DeliverySchedule

PAYMENT_METHODS = ("on_delivery", "on_account", "sepa", "online")
PAYMENT_METHOD_LABELS = {
    "on_delivery": _l("On delivery"),
    "on_account": _l("On account (credit)"),
    "sepa": _l("SEPA direct debit"),
    "online": _l("Online payment"),
}
STANDARD_PAYMENT_METHOD = "on_delivery"  # when neither the relationship nor anything else says

DELINQUENCY = ("none", "debtor", "delinquent", "do_not_sell")
DELINQUENCY_LABELS = {
    "none": _l("Without incidents"),
    "debtor": _l("Debtor"),
    "delinquent": _l("Delinquent"),
    "do_not_sell": _l("Do not sell"),
}
WARNED_DELINQUENCY = frozenset({"debtor", "delinquent"})  # a warning for the supplier's staff

STATUSES = ("pending", "connected", "declined")
MAX_DISCOUNT_BP = 10_000  # 100.00 %
MAX_PAYMENT_TERMS_DAYS = 365


class CustomerGroup(BaseModel):
    """A supplier's group of clients (F19): a discount, an announcement to its buyers, later a
    price list and catalog sections."""

    supplier = ForeignKeyField(Party, backref="customer_groups", on_delete="CASCADE")
    name = CharField(max_length=120)
    code = CharField(max_length=40)
    discount_bp = IntegerField(null=True)  # basis points: 250 is 2.50 %
    announcement = TextField(default="")
    price_list_id = IntegerField(null=True)  # the group's price list (models/price_lists.py)
    free_delivery = BooleanField(default=False)
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)

    @property
    def discount(self) -> Decimal | None:
        return percent(self.discount_bp)


class CustomerCategory(BaseModel):
    """A supplier's category of clients (F20): later, the clients' own product codes."""

    supplier = ForeignKeyField(Party, backref="customer_categories", on_delete="CASCADE")
    name = CharField(max_length=120)
    code = CharField(max_length=40)
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)


class Relationship(BaseModel):
    """A supplier and one of its clients, with the terms of that relationship."""

    supplier = ForeignKeyField(Party, backref="client_links", on_delete="CASCADE")
    customer = ForeignKeyField(Party, backref="supplier_links", on_delete="CASCADE")
    status = CharField(max_length=16, default="connected")
    requested_as = CharField(max_length=254, default="")  # the VAT number or email typed
    requested_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    answered_at = DateTimeField(null=True)
    created_on_spot = BooleanField(default=False)
    active = BooleanField(default=True)
    client_code = CharField(max_length=40, null=True)
    min_order_minor = IntegerField(null=True)  # minor units of the supplier's currency
    credit_limit_minor = IntegerField(null=True)
    schedule = ForeignKeyField(DeliverySchedule, null=True, on_delete="SET NULL", backref="+")
    payment_method = CharField(max_length=16, null=True)
    payment_terms_days = IntegerField(null=True)
    discount_bp = IntegerField(null=True)
    group = ForeignKeyField(CustomerGroup, null=True, on_delete="SET NULL", backref="clients")
    category = ForeignKeyField(CustomerCategory, null=True, on_delete="SET NULL", backref="clients")
    delinquency = CharField(max_length=16, default="none")
    tags = TextField(default="")  # normalised, comma-separated: see tags_text()
    notes = TextField(default="")  # the supplier's internal notes, never shown to the client
    sepa_iban = CharField(max_length=34, null=True)
    sepa_mandate_ref = CharField(max_length=35, null=True)
    sepa_signed_on = DateField(null=True)
    price_list_id = IntegerField(null=True)  # the client's own price list (models/price_lists.py)
    vat_override = CharField(max_length=8, null=True)  # None | "exempt" | "class"
    vat_override_class_id = IntegerField(null=True)
    delivery_cost_minor = IntegerField(null=True)  # overrides the supplier's order conditions
    free_delivery_from_minor = IntegerField(null=True)
    # kept by index_text(): the visible name lower-cased (the list's order, along an index)
    # and the text the list's search looks in -- only what the supplier may see
    sort_name = CharField(max_length=200, default="")
    search_text = TextField(default="")
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("supplier", "customer"), True), (("customer", "status"), False))

    @property
    def is_connected(self) -> bool:
        return self.status == "connected"

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]

    @property
    def delinquency_label(self):
        return DELINQUENCY_LABELS.get(self.delinquency, self.delinquency)

    @property
    def warned(self) -> bool:
        """Debtor or delinquent: the supplier's staff see a warning (F17)."""
        return self.delinquency in WARNED_DELINQUENCY


class ClientContact(BaseModel):
    """One of the supplier's contact persons at a client (name, role, email, phone)."""

    relationship = ForeignKeyField(Relationship, backref="contacts", on_delete="CASCADE")
    name = CharField(max_length=200)
    role = CharField(max_length=120, default="")
    email = CharField(max_length=254, default="")
    phone = CharField(max_length=40, default="")
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)


class AlreadyClient(DomainError):
    """The supplier already has (or has asked for) this client."""


ALREADY_CLIENT = _l("This company is already your client, or your request to connect is pending.")
CODE_TAKEN = _l("Another client already has this client code.")
GROUP_CODE_TAKEN = _l("Another customer group already has this code.")
CATEGORY_CODE_TAKEN = _l("Another customer category already has this code.")
unique_message(
    "relationship_supplier_id_customer_id",
    "relationship",
    ("supplier_id", "customer_id"),
    "identifier",
    ALREADY_CLIENT,
    AlreadyClient,
)
unique_message(
    "relationship_one_client_code", "relationship", ("client_code",), "client_code", CODE_TAKEN
)
unique_message("customer_group_one_code", "customer_group", ("code",), "code", GROUP_CODE_TAKEN)
unique_message(
    "customer_category_one_code", "customer_category", ("code",), "code", CATEGORY_CODE_TAKEN
)


# --- the terms that apply -------------------------------------------------------------------


def percent(basis_points: int | None) -> Decimal | None:
    """Basis points as a percentage: 250 -> Decimal("2.50")."""
    return None if basis_points is None else Decimal(basis_points) / 100


SOURCE_RELATIONSHIP = "relationship"  # set on this relationship
SOURCE_DEFAULT = "default"  # the supplier's default (F11)
SOURCE_STANDARD = "standard"  # the portal's standard: no limit, no discount, on delivery


@dataclass(frozen=True)
class Term:
    value: object
    source: str


@dataclass(frozen=True)
class EffectiveTerms:
    """What applies to one relationship, each term with where its value came from. Money as
    Decimal in the supplier's currency; schedule, group and category as ids (None: none)."""

    currency: str
    min_order: Term
    credit_limit: Term
    schedule_id: Term
    payment_method: Term
    payment_terms_days: Term
    discount: Term
    group_id: Term
    category_id: Term


def _first(own, default, standard=None) -> Term:
    if own is not None:
        return Term(own, SOURCE_RELATIONSHIP)
    if default is not None:
        return Term(default, SOURCE_DEFAULT)
    return Term(standard, SOURCE_STANDARD)


def effective_terms(relationship: Relationship, supplier: Party) -> EffectiveTerms:
    """The terms of a relationship: its own values, else the supplier's defaults (minimum
    order, credit limit, delivery schedule, payment terms), else the standard -- no minimum,
    no credit limit, no schedule, payment on delivery, no discount. Pure: reads only the two
    rows it is given (ids, not the related rows)."""
    currency = supplier.currency
    return EffectiveTerms(
        currency=currency,
        min_order=_first(
            from_minor(relationship.min_order_minor, currency),
            from_minor(supplier.default_min_order_minor, currency),
        ),
        credit_limit=_first(
            from_minor(relationship.credit_limit_minor, currency),
            from_minor(supplier.default_credit_limit_minor, currency),
        ),
        schedule_id=_first(relationship.schedule_id, supplier.default_schedule_id),
        payment_method=_first(relationship.payment_method, None, STANDARD_PAYMENT_METHOD),
        payment_terms_days=_first(
            relationship.payment_terms_days, supplier.default_payment_terms_days
        ),
        discount=_first(percent(relationship.discount_bp), None),
        group_id=_first(relationship.group_id, None),
        category_id=_first(relationship.category_id, None),
    )


# --- may this client order? -----------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """Why a client may not order now: a code for the rules and a message for people."""

    code: str
    message: object


def may_order(relationship: Relationship | None) -> Refusal | None:
    """None when the client may place an order with this supplier, else why not: no
    (connected) relationship, deactivated, or *do not sell* (F13, F17). Minimum order value
    and credit limit depend on the order and are checked when it is placed."""
    if relationship is None or relationship.status != "connected":
        return Refusal("not_connected", _l("You are not a client of this supplier."))
    if not relationship.active:
        return Refusal(
            "inactive",
            _l("This supplier has paused your account: new orders are not possible for now."),
        )
    if relationship.delinquency == "do_not_sell":
        return Refusal(
            "do_not_sell",
            _l(
                "Orders to this supplier are not possible at the moment. Please contact the supplier."
            ),
        )
    return None


def open_orders_of(relationship: Relationship) -> int:
    """How many orders of this relationship are still open (not delivered, not cancelled):
    a relationship with open orders cannot be removed (F13)."""
    from .orders import open_orders_count  # orders.py builds on this module

    return open_orders_count(relationship.id)


def _row_id(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**63 else 0


def client_of(supplier: Party, relationship_id) -> Relationship:
    """One of the supplier's relationships; NotFound (a 404) for any other id."""
    found = (
        Relationship.select()
        .where(Relationship.id == _row_id(relationship_id), Relationship.supplier == supplier)
        .first()
    )
    if found is None:
        raise NotFound(_l("This client does not exist."))
    return found


def supplier_link(customer: Party, relationship_id) -> Relationship:
    """One of the customer's relationships with a supplier; NotFound for any other id."""
    found = (
        Relationship.select()
        .where(Relationship.id == _row_id(relationship_id), Relationship.customer == customer)
        .first()
    )
    if found is None:
        raise NotFound(_l("This supplier does not exist."))
    return found


def signed_date_ok(day: dt.date | None) -> bool:
    """A mandate's signing date: not in the future, not before SEPA existed."""
    return day is None or dt.date(2008, 1, 1) <= day <= dt.date.today()


from .relationship_verbs import (  # noqa: E402,F401 -- the verbs live beside, same module API
    answer_request,
    connect_client,
    create_client,
    remove_client,
    set_active,
    update_terms,
)

# --- the customer's side ------------------------------------------------------------------------


def suppliers_of(customer: Party) -> list[Relationship]:
    """The customer's suppliers: requests waiting for an answer first, then the connected
    ones by name (declined requests are not shown). The supplier and its customer group are
    joined, so a page of suppliers is one query."""
    Supplier = Party.alias()
    rows = (
        Relationship.select(Relationship, Supplier, CustomerGroup)
        .join(Supplier, on=(Relationship.supplier == Supplier.id))
        .switch(Relationship)
        .join(CustomerGroup, JOIN.LEFT_OUTER, on=(Relationship.group == CustomerGroup.id))
        .where(Relationship.customer == customer, Relationship.status != "declined")
        .order_by(
            Case(None, [(Relationship.status == "pending", 0)], 1),
            Supplier.display_name,
            Relationship.id,
        )
    )
    return list(rows)


def pending_requests(customer: Party) -> int:
    """How many suppliers wait for the customer's answer to a connection request (on every
    admin's home page: a prepared query)."""
    return _pending_requests.scalar(customer.id) or 0


@prepared
def _pending_requests(customer_id: int):
    return Relationship.select(fn.COUNT(SQL("*"))).where(
        Relationship.customer == customer_id, Relationship.status == "pending"
    )


# --- what the client list sorts by and searches ----------------------------------------------


def index_text(relationship: Relationship, customer: Party) -> tuple[str, str]:
    """(sort_name, search_text) of a relationship: the name the supplier sees (the customer's
    once connected or created by the supplier, else what it typed), and the words its search
    finds -- never a pending customer's own details."""
    visible = relationship.status == "connected" or relationship.created_on_spot
    shown = customer.display_name if visible else relationship.requested_as
    words = [shown, relationship.requested_as, relationship.client_code or "", relationship.tags]
    if visible:
        words += [customer.legal_name, customer.email, customer.vat_number]
    return fold(shown or "")[:200], fold(" ".join(w for w in words if w))


def reindex(relationships) -> None:
    """Store index_text() of each relationship (after a change to it or to its customer)."""
    for relationship in relationships:
        sort_name, search_text = index_text(relationship, relationship.customer)
        if (sort_name, search_text) != (relationship.sort_name, relationship.search_text):
            relationship.sort_name, relationship.search_text = sort_name, search_text
            Relationship.update(sort_name=sort_name, search_text=search_text).where(
                Relationship.id == relationship.id
            ).execute()


def reindex_customer(customer: Party) -> None:
    """After a customer changed its name, email or VAT number: its suppliers' lists."""
    reindex(Relationship.select().where(Relationship.customer == customer))
