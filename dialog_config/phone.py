"""Phone numbers as messages carry them (E.164), shown as people read them.

The terminal's callback screen and the reports' Callbacks sheet show the
same number the same way. phonenumbers (Google's libphonenumber) knows
every country's grouping.
"""

from __future__ import annotations

import phonenumbers


def format_for_display(e164: str) -> str:
    """``+390612345678`` → ``+39 06 1234 5678``, as people read numbers."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
