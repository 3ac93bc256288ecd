"""Blueprints: one per area of the portal."""
