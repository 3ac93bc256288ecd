"""The catalog (issue 9, F18-F20, F24-F28): VAT classes and their rates per country, products
with their texts per language, catalog sections, price lists with their entries (fixed prices,
quantity tiers, cost-plus surcharges), the clients' own product codes per customer category, and
the terms that choose among them (a relationship's or a group's price list, the VAT override,
the discount rule and the customer-type discounts, order discounts and delivery costs)."""

import datetime

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def up(migrator, db):
    def table(name):
        class Meta:
            database = db
            table_name = name

        return type(name.title().replace("_", ""), (Model,), {"Meta": Meta})

    Party = table("party")
    Group = table("customer_group")
    Category = table("customer_category")
    Relationship = table("relationship")
    Schedule = table("delivery_schedule")
    now = datetime.datetime.utcnow

    class VatClass(Model):
        supplier = ForeignKeyField(Party, on_delete="CASCADE")
        code = CharField(max_length=24)
        name = CharField(max_length=80, default="")  # empty: the shipped class's translated name
        version = IntegerField(default=1)
        created_at = DateTimeField(default=now)

        class Meta:
            database = db
            table_name = "vat_class"
            indexes = ((("supplier", "code"), True),)

    class VatRate(Model):
        vat_class = ForeignKeyField(VatClass, on_delete="CASCADE")
        country = CharField(max_length=2)
        rate_bp = IntegerField()  # basis points: 2100 is 21 %, 550 is 5.5 %

        class Meta:
            database = db
            table_name = "vat_rate"
            indexes = ((("vat_class", "country"), True),)

    class Product(Model):
        supplier = ForeignKeyField(Party, on_delete="CASCADE")
        sku = CharField(max_length=40)
        sku_key = CharField(max_length=40)  # casefolded: one SKU per supplier whatever the case
        unit = CharField(max_length=16, default="piece")
        pack_size = IntegerField(null=True)  # "box of 12"
        vat_class = ForeignKeyField(VatClass, on_delete="RESTRICT")
        list_price_minor = IntegerField()
        purchase_price_minor = IntegerField(null=True)
        active = BooleanField(default=True)
        schedule = ForeignKeyField(Schedule, null=True, on_delete="SET NULL")
        sort_name = CharField(max_length=200, default="")
        search_text = TextField(default="")
        version = IntegerField(default=1)
        created_at = DateTimeField(default=now)

        class Meta:
            database = db
            table_name = "product"
            indexes = (
                (("supplier", "sku_key"), True),
                (("supplier", "active", "sort_name"), False),
            )

    class ProductText(Model):
        product = ForeignKeyField(Product, on_delete="CASCADE")
        language = CharField(max_length=8)
        name = CharField(max_length=200)
        description = TextField(default="")

        class Meta:
            database = db
            table_name = "product_text"
            indexes = ((("product", "language"), True),)

    class Section(Model):
        supplier = ForeignKeyField(Party, on_delete="CASCADE")
        parent = ForeignKeyField("self", null=True, on_delete="RESTRICT")
        position = IntegerField(default=0)
        version = IntegerField(default=1)
        created_at = DateTimeField(default=now)

        class Meta:
            database = db
            table_name = "catalog_section"
            indexes = ((("supplier", "parent", "position"), False),)

    class SectionText(Model):
        section = ForeignKeyField(Section, on_delete="CASCADE")
        language = CharField(max_length=8)
        name = CharField(max_length=120)

        class Meta:
            database = db
            table_name = "catalog_section_text"
            indexes = ((("section", "language"), True),)

    class ProductSection(Model):
        product = ForeignKeyField(Product, on_delete="CASCADE")
        section = ForeignKeyField(Section, on_delete="CASCADE")

        class Meta:
            database = db
            table_name = "product_section"
            indexes = ((("product", "section"), True), (("section", "product"), False))

    class SectionGroup(Model):
        section = ForeignKeyField(Section, on_delete="CASCADE")
        group = ForeignKeyField(Group, on_delete="CASCADE")

        class Meta:
            database = db
            table_name = "catalog_section_group"
            indexes = ((("section", "group"), True),)

    class PriceList(Model):
        supplier = ForeignKeyField(Party, on_delete="CASCADE")
        name = CharField(max_length=120)
        code = CharField(max_length=40)
        code_key = CharField(max_length=40)
        kind = CharField(max_length=16, default="fixed")  # fixed | cost_plus
        surcharge_bp = IntegerField(null=True)  # cost-plus: for the whole list
        version = IntegerField(default=1)
        created_at = DateTimeField(default=now)

        class Meta:
            database = db
            table_name = "price_list"
            indexes = ((("supplier", "code_key"), True),)

    class PriceListEntry(Model):
        price_list = ForeignKeyField(PriceList, on_delete="CASCADE")
        product = ForeignKeyField(Product, on_delete="CASCADE")
        min_quantity = IntegerField(default=1)
        price_minor = IntegerField(null=True)  # fixed lists
        surcharge_bp = IntegerField(null=True)  # cost-plus lists: this product's own surcharge

        class Meta:
            database = db
            table_name = "price_list_entry"
            indexes = ((("price_list", "product", "min_quantity"), True),)

    class CategoryCode(Model):
        category = ForeignKeyField(Category, on_delete="CASCADE")
        product = ForeignKeyField(Product, on_delete="CASCADE")
        code = CharField(max_length=60)
        code_key = CharField(max_length=60)
        description = CharField(max_length=200, default="")

        class Meta:
            database = db
            table_name = "category_code"
            indexes = ((("category", "product"), True), (("category", "code_key"), False))

    class OrderDiscount(Model):
        supplier = ForeignKeyField(Party, on_delete="CASCADE")
        relationship = ForeignKeyField(Relationship, null=True, on_delete="CASCADE")
        from_minor = IntegerField()
        discount_bp = IntegerField()

        class Meta:
            database = db
            table_name = "order_discount"
            indexes = ((("supplier", "relationship", "from_minor"), True),)

    db.create_tables(
        [
            VatClass,
            VatRate,
            Product,
            ProductText,
            Section,
            SectionText,
            ProductSection,
            SectionGroup,
            PriceList,
            PriceListEntry,
            CategoryCode,
            OrderDiscount,
        ]
    )
    price_list = ForeignKeyField(PriceList, null=True, on_delete="SET NULL", field=PriceList.id)
    migrator.migrate(
        migrator.add_column("customer_group", "price_list_id", price_list),
        migrator.add_column("customer_group", "free_delivery", BooleanField(default=False)),
        migrator.add_column(
            "relationship",
            "price_list_id",
            ForeignKeyField(PriceList, null=True, on_delete="SET NULL", field=PriceList.id),
        ),
        migrator.add_column("relationship", "vat_override", CharField(max_length=8, null=True)),
        migrator.add_column(
            "relationship",
            "vat_override_class_id",
            ForeignKeyField(VatClass, null=True, on_delete="SET NULL", field=VatClass.id),
        ),
        migrator.add_column("relationship", "delivery_cost_minor", IntegerField(null=True)),
        migrator.add_column("relationship", "free_delivery_from_minor", IntegerField(null=True)),
        migrator.add_column("party", "discount_rule", CharField(max_length=8, default="largest")),
        migrator.add_column("party", "business_discount_bp", IntegerField(null=True)),
        migrator.add_column("party", "consumer_discount_bp", IntegerField(null=True)),
        migrator.add_column("party", "delivery_cost_minor", IntegerField(null=True)),
        migrator.add_column("party", "free_delivery_from_minor", IntegerField(null=True)),
    )
