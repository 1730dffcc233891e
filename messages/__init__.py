"""Patient- and staff-facing texts (``messages/locales``) and their renderer."""

from messages.render import LANGUAGES, Safe, escape, format_when, render

__all__ = ["LANGUAGES", "Safe", "escape", "format_when", "render"]
