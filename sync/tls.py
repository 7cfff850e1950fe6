"""TLS contexts that always verify: the system's CAs plus, for a private server, a CA file."""

from __future__ import annotations

import os
import ssl


def verified_context(ca_file: str | os.PathLike[str] | None = None) -> ssl.SSLContext:
    """A client context that verifies the certificate and the host name.

    The trusted CAs are the system's (Raspberry Pi OS keeps them current
    through its ca-certificates package); ``ca_file`` adds the CA of a
    private manager or mail relay. Nothing here turns verification off.
    Raises OSError or ssl.SSLError when ``ca_file`` cannot be read, which the
    caller reports with the setting's name.
    """
    context = ssl.create_default_context()
    if ca_file is not None:
        context.load_verify_locations(cafile=os.fspath(ca_file))
    return context
