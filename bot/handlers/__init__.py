"""Telegram handlers, one module per feature; each exposes ``handlers()`` (wired in ``bot/app.py``)."""
