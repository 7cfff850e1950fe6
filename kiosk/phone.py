"""Phone numbers as visitors type them, stored as E.164 (shown: :mod:`dialog_config.phone`).

phonenumbers (Google's libphonenumber) knows every country's numbering
plan; a hand-written pattern would accept numbers that cannot be called.
"""

from __future__ import annotations

import phonenumbers


def normalize_phone(text: str, region: str | None) -> str | None:
    """The number in E.164 (``+390612345678``), or None when it is not a valid number.

    A number typed without ``+`` is read in ``region`` (an ISO 3166 country
    code); without a region, only numbers with ``+`` are accepted.
    """
    text = text.strip()
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
