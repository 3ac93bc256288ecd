"""Product images (issue 9, F24): two renderings of each product's image, kept in the database
(models/product_images.py), and the key of the current one on the product."""

import datetime

from peewee import (
    BlobField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
)


def up(migrator, db):
    class Product(Model):
        class Meta:
            database = db
            table_name = "product"

    class ProductImage(Model):
        product = ForeignKeyField(Product, unique=True, on_delete="CASCADE")
        large = BlobField()
        thumb = BlobField()
        width = IntegerField()
        height = IntegerField()
        original_bytes = IntegerField()
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            database = db
            table_name = "product_image"

    db.create_tables([ProductImage])
    migrator.migrate(
        migrator.add_column("product", "image_key", CharField(max_length=16, null=True))
    )
