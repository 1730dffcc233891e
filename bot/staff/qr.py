"""QR codes of invite links, as PNG bytes (for ``/invite`` and the web console).

A patient at the front desk scans the code with their phone camera and lands
in the bot with their invite already applied; no typing of a 32-character
token. Medium error correction keeps the code readable from a slightly
crumpled printout while staying small for a ~70-character link.
"""

from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M

BOX_SIZE = 8
BORDER = 4


def qr_png(text: str) -> bytes:
    """A black-on-white PNG QR code of ``text``."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=BOX_SIZE, border=BORDER)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
