"""The domain: tables and the business rules over them. See DESIGN.md."""
