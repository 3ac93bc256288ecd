"""Budgets and approvals (issue 11, F34, F35): budgets a customer party keeps for its users,
the parties and users each one covers, what an order did against each budget it touched, and
who approved an order. Also the store-credit amount an order drew (F36), kept on the order
for its breakdown."""

import datetime

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
)


def up(migrator, db):
    def table(name):
        class Meta:
            database = db
            table_name = name

        return type(name.title().replace("_", ""), (Model,), {"Meta": Meta})

    Party = table("party")
    User = table("user_account")
    SalesOrder = table("sales_order")
    now = datetime.datetime.utcnow

    class Budget(Model):
        owner = ForeignKeyField(Party, on_delete="CASCADE")  # whose supervisors keep it
        name = CharField(max_length=80)
        currency = CharField(max_length=3)
        period = CharField(max_length=16)  # order, week, month, quarter, year, one_off
        starts_on = DateField(null=True)  # one-off only
        ends_on = DateField(null=True)
        limit_minor = IntegerField()
        action = CharField(max_length=16)  # block, warn, approve
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = DateTimeField(default=now)
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = "budget"
            indexes = ((("owner", "name"), True),)

    class BudgetParty(Model):
        budget = ForeignKeyField(Budget, on_delete="CASCADE")
        party = ForeignKeyField(Party, on_delete="CASCADE")

        class Meta:
            database = db
            table_name = "budget_party"
            indexes = ((("budget", "party"), True), (("party",), False))

    class BudgetUser(Model):
        budget = ForeignKeyField(Budget, on_delete="CASCADE")
        user = ForeignKeyField(User, on_delete="CASCADE")

        class Meta:
            database = db
            table_name = "budget_user"
            indexes = ((("budget", "user"), True), (("user",), False))

    class OrderBudget(Model):
        order = ForeignKeyField(SalesOrder, on_delete="CASCADE")
        budget = ForeignKeyField(Budget, null=True, on_delete="SET NULL")
        budget_name = CharField(max_length=80)
        action = CharField(max_length=16)
        limit_minor = IntegerField()
        spent_minor = IntegerField()  # counted before this order, in the budget's window
        amount_minor = IntegerField()  # this order
        outcome = CharField(max_length=16)  # within, warned, approval
        checked_at = DateTimeField(default=now)

        class Meta:
            database = db
            table_name = "order_budget"
            indexes = ((("order", "budget"), False), (("budget",), False))

    db.create_tables([Budget, BudgetParty, BudgetUser, OrderBudget])
    # "awaiting_approval" is 17 characters: PostgreSQL enforces a VARCHAR's length, SQLite
    # does not (rebuilding its big order tables to change a declared length would gain nothing)
    if not isinstance(db, SqliteDatabase):
        migrator.migrate(
            migrator.alter_column_type("sales_order", "status", CharField(max_length=24)),
            migrator.alter_column_type("order_event", "status", CharField(max_length=24)),
        )
    migrator.migrate(
        migrator.add_column(
            "sales_order",
            "approved_by_id",
            ForeignKeyField(User, null=True, on_delete="SET NULL", field=User.id),
        ),
        migrator.add_column("sales_order", "approved_at", DateTimeField(null=True)),
        migrator.add_column("sales_order", "balance_minor", IntegerField(default=0)),
        # held back from the supplier: awaiting approval, or not approved (F35)
        migrator.add_column("sales_order", "held", BooleanField(default=False)),
        migrator.add_index("sales_order", ("placed_by_id", "placed_at"), False),
        migrator.add_index("sales_order", ("customer_id", "status", "placed_at"), False),
    )
