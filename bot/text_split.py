"""Cutting a long HTML message into pieces a messenger accepts: the rule lives in
services/text.py (handlers clip with it too); the delivery pipeline imports it from here."""

from services.text import shown_length, split_html

__all__ = ["shown_length", "split_html"]
