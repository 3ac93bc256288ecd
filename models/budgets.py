"""Budgets (F34): what a customer party's users may spend, per order or per period, and what
happens when an order would go over (block it, let it through with a warning, or send it to a
supervisor for approval, F35).

Written down:
- A budget belongs to the party that keeps it (its owner), and covers that party and any other
  party the same supervisor or admin manages (a chain of shops, a university's faculties).
- It is assigned to users; they share it. It counts an order when the order's buyer is one of
  its users, the order is for one of its parties and in its currency.
- What counts against a period budget: those orders placed in the period's window (the owner's
  timezone, models/budget_periods.py) that are awaiting approval or placed, confirmed, shipped
  or delivered -- not cancelled, rejected or drafts. An order counts with its total, VAT
  included: what the company pays.
- A per-order budget compares the order's total alone with its limit.
- The check runs inside the transaction that places the order (models/orders.py), after the
  locks: the relationship's, and on PostgreSQL each touched budget's row (in id order, so two
  orders touching the same budgets wait for each other instead of deadlocking).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from peewee import (
    JOIN,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    fn,
)

from . import audit
from .base import (
    BaseModel,
    DomainError,
    NotFound,
    StaleForm,
    from_minor,
    is_sqlite,
    retrying,
    transaction,
    unique_message,
    utcnow,
)
from .budget_periods import PERIOD_LABELS, PERIODS, check_one_off, in_window, period_window
from .delivery_dates import zone_of_country
from .identifiers import check_amount, clean_text, currencies_in_use
from .parties import Membership, Party, User, role_rank

BUDGET_ACTIONS = ("block", "warn", "approve")
ACTION_LABELS = {
    "block": _l("Block the order"),
    "warn": _l("Accept the order with a warning"),
    "approve": _l("Ask a supervisor to approve it"),
}
OUTCOME_LABELS = {
    "within": _l("Within the budget"),
    "warned": _l("Over the budget: accepted with a warning"),
    "approval": _l("Over the budget: sent for approval"),
}
# the orders a period budget counts (models/orders.py STATUS_LABELS names them)
COUNTED_STATUSES = ("awaiting_approval", "placed", "confirmed", "shipped", "delivered")
MAX_USERS = 200
NEAR_PERCENT = 80  # a budget this much spent shows as nearly used up
MAX_PARTIES = 50

audit.AREA_LABELS["budget"] = _l("Budgets")


class Budget(BaseModel):
    """A spending limit a customer party sets for some of its users."""

    owner = ForeignKeyField(Party, backref="+", on_delete="CASCADE")
    name = CharField(max_length=80)
    currency = CharField(max_length=3)
    period = CharField(max_length=16)
    starts_on = DateField(null=True)
    ends_on = DateField(null=True)
    limit_minor = IntegerField()
    action = CharField(max_length=16)
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)

    class Meta:
        table_name = "budget"

    @property
    def period_label(self):
        return PERIOD_LABELS.get(self.period, self.period)

    @property
    def action_label(self):
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def limit(self) -> Decimal:
        return from_minor(self.limit_minor, self.currency)


class BudgetParty(BaseModel):
    budget = ForeignKeyField(Budget, backref="+", on_delete="CASCADE")
    party = ForeignKeyField(Party, backref="+", on_delete="CASCADE")

    class Meta:
        table_name = "budget_party"


class BudgetUser(BaseModel):
    budget = ForeignKeyField(Budget, backref="+", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")

    class Meta:
        table_name = "budget_user"


class OrderBudget(BaseModel):
    """What an order did against one budget it touched, as it was when checked."""

    order_id = IntegerField(column_name="order_id")  # sales_order (models/orders.py)
    budget = ForeignKeyField(Budget, null=True, on_delete="SET NULL", backref="+")
    budget_name = CharField(max_length=80)
    action = CharField(max_length=16)
    limit_minor = IntegerField()
    spent_minor = IntegerField()
    amount_minor = IntegerField()
    outcome = CharField(max_length=16)
    checked_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "order_budget"

    @property
    def outcome_label(self):
        return OUTCOME_LABELS.get(self.outcome, self.outcome)

    @property
    def left_minor(self) -> int:
        return self.limit_minor - self.spent_minor - self.amount_minor


unique_message(
    "budget_owner_id_name",
    "budget",
    ("owner_id", "name"),
    "name",
    _l("Another budget already has this name."),
)


# --- reading -------------------------------------------------------------------------------


def _with_owner():
    """Budgets read with their owner (whose timezone their periods follow), one query."""
    owner = Party.alias("owner")
    return Budget.select(Budget, owner).join(owner, on=(Budget.owner == owner.id), attr="owner")


def budgets_of(party: Party) -> list[Budget]:
    """The budgets that cover the party (its own and those shared with it), by name."""
    return list(
        _with_owner()
        .join(BudgetParty, on=(BudgetParty.budget == Budget.id))
        .where(BudgetParty.party == party)
        .order_by(Budget.name, Budget.id)
    )


def budget_of(party: Party, budget_id) -> Budget:
    """One budget that covers the party; another party's is NotFound."""
    try:
        budget_id = int(budget_id)
    except (TypeError, ValueError):
        raise NotFound(_l("This budget does not exist.")) from None
    budget = (
        _with_owner()
        .join(BudgetParty, on=(BudgetParty.budget == Budget.id))
        .where(BudgetParty.party == party, Budget.id == budget_id)
        .first()
        if 0 < budget_id < 2**63
        else None
    )
    if budget is None:
        raise NotFound(_l("This budget does not exist."))
    return budget


def parties_of(budget: Budget) -> list[Party]:
    return list(
        Party.select()
        .join(BudgetParty, on=(BudgetParty.party == Party.id))
        .where(BudgetParty.budget == budget)
        .order_by(Party.display_name)
    )


def users_of(budget: Budget) -> list[User]:
    return list(
        User.select()
        .join(BudgetUser, on=(BudgetUser.user == User.id))
        .where(BudgetUser.budget == budget)
        .order_by(User.name, User.id)
    )


def zone_of(budget: Budget):
    """The timezone a budget's periods follow: its owner's (its country's)."""
    return zone_of_country(budget.owner.country)


def window_of(budget: Budget, moment: dt.datetime | None = None):
    """The [start, end) window (naive UTC) the budget counts at `moment` (now by default):
    None for a per-order budget."""
    return period_window(
        budget.period, moment or utcnow(), zone_of(budget), budget.starts_on, budget.ends_on
    )


def _counted(budget_id: int, window, exclude_order_id=None):
    """The orders a budget counts in a window: its users', for its parties, in its currency
    (one query with two sub-selects; an index on (placed_by, placed_at) finds them)."""
    from .orders import Order

    users = BudgetUser.select(BudgetUser.user).where(BudgetUser.budget == budget_id)
    parties = BudgetParty.select(BudgetParty.party).where(BudgetParty.budget == budget_id)
    currency = Budget.select(Budget.currency).where(Budget.id == budget_id)
    query = Order.select().where(
        Order.placed_by.in_(users),
        Order.customer.in_(parties),
        Order.currency == currency,
        Order.status.in_(COUNTED_STATUSES),
        Order.placed_at >= window[0],
        Order.placed_at < window[1],
    )
    if exclude_order_id is not None:
        query = query.where(Order.id != exclude_order_id)
    return query


def spent_minor(budget: Budget, window, exclude_order_id=None) -> int:
    """What the budget's users spent in the window (0 for a per-order budget)."""
    if window is None:
        return 0
    from .orders import Order

    total = (
        _counted(budget.id, window, exclude_order_id)
        .select(fn.COALESCE(fn.SUM(Order.total_minor), 0))
        .scalar()
    )
    return int(total or 0)


def orders_behind(budget: Budget, window, limit: int = 50) -> list:
    """The orders a period budget counts in its window, newest first."""
    if window is None:
        return []
    from .orders import Order

    return list(
        _counted(budget.id, window)
        .select(Order, User)
        .join(User, JOIN.LEFT_OUTER, on=(Order.placed_by == User.id))
        .order_by(Order.placed_at.desc(), Order.id.desc())
        .limit(limit)
    )


@dataclass
class BudgetStatus:
    """A budget's spending against its limit now, for the budgets page."""

    budget: Budget
    window: tuple | None
    spent_minor: int
    current: bool  # False: a one-off period not running now

    @property
    def left_minor(self) -> int:
        return self.budget.limit_minor - self.spent_minor

    @property
    def percent(self) -> int:
        """How much of the limit is spent, 0-100 (for the bar; the text says more)."""
        if self.budget.limit_minor <= 0:
            return 100
        return max(0, min(100, round(100 * self.spent_minor / self.budget.limit_minor)))

    @property
    def over(self) -> bool:
        return self.spent_minor > self.budget.limit_minor

    @property
    def near(self) -> bool:
        """Four fifths of the limit or more spent (the bar turns amber)."""
        return not self.over and self.percent >= NEAR_PERCENT

    @property
    def zone_name(self) -> str:
        """The timezone the period's days are counted in (the owner's), e.g. Europe/Paris."""
        return zone_of(self.budget).key

    def local_days(self):
        """The window as the owner's local first and last day, for display."""
        if self.window is None:
            return None
        zone = zone_of(self.budget)
        start = self.window[0].replace(tzinfo=dt.UTC).astimezone(zone).date()
        end = self.window[1].replace(tzinfo=dt.UTC).astimezone(zone).date()
        return start, end - dt.timedelta(days=1)


def status_of(budget: Budget, moment: dt.datetime | None = None) -> BudgetStatus:
    moment = moment or utcnow()
    window = window_of(budget, moment)
    current = window is None or in_window(window, moment)
    return BudgetStatus(budget, window, spent_minor(budget, window), current)


def statuses_of(party: Party) -> list[BudgetStatus]:
    """Each budget covering the party with its spending now."""
    return [status_of(budget) for budget in budgets_of(party)]


# --- the check at checkout and approval ----------------------------------------------------


@dataclass
class BudgetCheck:
    """One budget an order touches: what it counted before, this order, and the verdict."""

    budget: Budget
    spent_minor: int
    amount_minor: int

    @property
    def left_minor(self) -> int:
        """What is left after this order (negative: over)."""
        return self.budget.limit_minor - self.spent_minor - self.amount_minor

    @property
    def left_before_minor(self) -> int:
        return max(self.budget.limit_minor - self.spent_minor, 0)

    @property
    def over(self) -> bool:
        return self.left_minor < 0

    @property
    def outcome(self) -> str:
        if not self.over:
            return "within"
        return {"warn": "warned", "approve": "approval"}.get(self.budget.action, "blocked")


def touched_budgets(user_id: int, customer_id: int, currency: str, lock: bool = False):
    """The budgets an order by this user for this party in this currency counts against; with
    `lock`, each one's row is locked (PostgreSQL; SQLite's write lock is already held)."""
    budgets = list(
        _with_owner()
        .switch(Budget)
        .join(BudgetUser, on=(BudgetUser.budget == Budget.id))
        .switch(Budget)
        .join(BudgetParty, on=(BudgetParty.budget == Budget.id))
        .where(
            BudgetUser.user == user_id,
            BudgetParty.party == customer_id,
            Budget.currency == currency,
        )
        .order_by(Budget.id)
    )
    if lock and budgets and not is_sqlite():
        Budget.select(Budget.id).where(Budget.id.in_([b.id for b in budgets])).order_by(
            Budget.id
        ).for_update().execute()
    return budgets


def check_budgets(
    user_id: int,
    customer_id: int,
    currency: str,
    amount_minor: int,
    moment: dt.datetime | None = None,
    exclude_order_id=None,
    lock: bool = False,
) -> list[BudgetCheck]:
    """Every budget an order of `amount_minor` touches, with what each had counted before it
    (an order being approved is left out of its own count)."""
    moment = moment or utcnow()
    checks = []
    for budget in touched_budgets(user_id, customer_id, currency, lock):
        window = window_of(budget, moment)
        if window is not None and not in_window(window, moment):
            continue  # a one-off period not running now
        checks.append(
            BudgetCheck(budget, spent_minor(budget, window, exclude_order_id), amount_minor)
        )
    return checks


def record_checks(order_id: int, checks: list[BudgetCheck]) -> None:
    """Keep on the order what it did against each budget (replacing an earlier check)."""
    OrderBudget.delete().where(OrderBudget.order_id == order_id).execute()
    for check in checks:
        OrderBudget.create(
            order_id=order_id,
            budget=check.budget,
            budget_name=check.budget.name,
            action=check.budget.action,
            limit_minor=check.budget.limit_minor,
            spent_minor=check.spent_minor,
            amount_minor=check.amount_minor,
            outcome=check.outcome,
        )


def order_checks(order_id: int) -> list[OrderBudget]:
    return list(
        OrderBudget.select().where(OrderBudget.order_id == order_id).order_by(OrderBudget.id)
    )


# --- keeping budgets -----------------------------------------------------------------------


def managed_parties(actor: User) -> list[Party]:
    """The parties where the actor is a supervisor or admin: a budget can cover them."""
    rows = (
        Membership.select(Membership, Party)
        .join(Party)
        .where(Membership.user == actor)
        .order_by(Party.display_name)
    )
    return [m.party for m in rows if role_rank(m.role) >= role_rank("supervisor")]


def assignable_users(party_ids: list[int]) -> list[tuple[User, list[int]]]:
    """The members of these parties (a budget's users come from them)."""
    users: dict[int, User] = {}
    for membership in (
        Membership.select(Membership, User)
        .join(User)
        .where(Membership.party.in_(party_ids), User.active == True)  # noqa: E712
        .order_by(User.name, User.id)
    ):
        users.setdefault(membership.user.id, membership.user)
    return list(users.values())


def _ids(values, field: str, limit: int) -> list[int]:
    raw = values if isinstance(values, list | tuple) else [values]
    ids = []
    for value in raw:
        text = clean_text(value, 20)
        if not text:
            continue
        if not text.isdigit() or not 0 < int(text) < 2**63:
            raise DomainError(_l("Choose from the list."), field)
        ids.append(int(text))
    if len(ids) > limit:
        raise DomainError(_l("Choose at most %(count)s.", count=limit), field)
    return sorted(set(ids))


def _clean(actor: User, owner: Party, values: dict) -> dict:
    """The budget's fields from a form, checked (each refusal on its field)."""
    name = clean_text(values.get("name"), 81)
    if not name:
        raise DomainError(_l("Give the budget a name."), "name")
    if len(name) > 80:
        raise DomainError(_l("Use at most 80 characters."), "name")
    currency = clean_text(values.get("currency"), 4).upper()
    if currency not in currencies_in_use():
        raise DomainError(_l("Choose a currency from the list."), "currency")
    period = clean_text(values.get("period"), 16)
    if period not in PERIODS:
        raise DomainError(_l("Choose a period from the list."), "period")
    starts_on = ends_on = None
    if period == "one_off":
        starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
        check_one_off(starts_on, ends_on)
    action = clean_text(values.get("action"), 16)
    if action not in BUDGET_ACTIONS:
        raise DomainError(_l("Choose what happens when the budget is exceeded."), "action")
    amount = values.get("limit")
    if amount is None:
        raise DomainError(_l("Enter the budget's amount."), "limit")
    limit_minor = check_amount(amount, currency, "limit")
    if not limit_minor:
        raise DomainError(_l("Enter an amount above zero."), "limit")
    managed = {p.id: p for p in managed_parties(actor)}
    party_ids = set(_ids(values.get("party_ids") or [], "party_ids", MAX_PARTIES))
    party_ids.add(owner.id)
    if not party_ids <= set(managed):
        raise DomainError(
            _l("A budget can only cover companies where you are a supervisor or admin."),
            "party_ids",
        )
    user_ids = _ids(values.get("user_ids") or [], "user_ids", MAX_USERS)
    if not user_ids:
        raise DomainError(_l("Choose at least one user."), "user_ids")
    members = {u.id for u in assignable_users(sorted(party_ids))}
    strangers = [i for i in user_ids if i not in members]
    if strangers:
        raise DomainError(
            _l("Only members of the companies this budget covers can use it."), "user_ids"
        )
    return {
        "name": name,
        "currency": currency,
        "period": period,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "action": action,
        "limit_minor": limit_minor,
        "party_ids": sorted(party_ids),
        "user_ids": user_ids,
    }


def _describe(budget: Budget) -> str:
    return f"{budget.name} ({budget.currency} {from_minor(budget.limit_minor, budget.currency)})"


@retrying
def save_budget(actor: User, owner: Party, values: dict, budget_id=None, version=None) -> Budget:
    """Add a budget, or change one the owner keeps (a stale form is refused); audited."""
    fields = _clean(actor, owner, values)
    party_ids, user_ids = fields.pop("party_ids"), fields.pop("user_ids")
    with transaction(lock=owner):
        if budget_id is None:
            budget = Budget.create(owner=owner, created_by=actor, **fields)
            action = "create"
        else:
            budget = own_budget(owner, budget_id)
            if str(version or "") != str(budget.version):
                raise StaleForm(_l("Someone changed this budget meanwhile. Check it again."))
            for name, value in fields.items():
                setattr(budget, name, value)
            budget.version += 1
            budget.save()
            BudgetParty.delete().where(BudgetParty.budget == budget).execute()
            BudgetUser.delete().where(BudgetUser.budget == budget).execute()
            action = "update"
        BudgetParty.insert_many([{"budget": budget.id, "party": p} for p in party_ids]).execute()
        BudgetUser.insert_many([{"budget": budget.id, "user": u} for u in user_ids]).execute()
        audit.record(actor, owner, "budget", action, _describe(budget))
    return budget


def own_budget(owner: Party, budget_id) -> Budget:
    """A budget this party keeps (one only shared with it is NotFound for changing)."""
    budget = budget_of(owner, budget_id)
    if budget.owner_id != owner.id:
        raise NotFound(_l("This budget does not exist."))
    return budget


@retrying
def delete_budget(actor: User, owner: Party, budget_id) -> None:
    """Delete a budget the party keeps; orders keep what they did against it."""
    with transaction(lock=owner):
        budget = own_budget(owner, budget_id)
        audit.record(actor, owner, "budget", "delete", _describe(budget))
        budget.delete_instance()
