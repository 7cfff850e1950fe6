"""``kiosk enroll URL CODE``: joins this terminal to a feedback manager with a one-time code.

The manager's admin registers the terminal (``kiosk-manager terminal add``,
or the manager's terminals page) and reads out a code, or shows the
enrolment link ``URL#code=CODE`` as a QR code, which is taken alone; this exchanges it for the terminal's token, writes
the token file (mode 0600) and the ``terminal_id``, ``site`` and
``sync.manager`` settings, and says which service to restart.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cli import EXIT_OK, Failure, add_command

#: The token file's place when the settings name none: beside the settings, as the installer does.
TOKEN_FILE_NAME = Path("secrets") / "manager-token"
#: For connecting and for each read or write.
ENROL_TIMEOUT_S = 30.0
#: The whole exchange: a manager answering a byte at a time never trips the above.
ENROL_DEADLINE_S = 60.0
#: The largest answer taken; a real one is a few hundred bytes.
ANSWER_MAX_BYTES = 65_536


def add_parser(commands) -> None:
    parser = add_command(
        commands,
        "enroll",
        help="join a feedback manager with a one-time enrolment code",
        description="Exchange the one-time CODE that the manager's admin gave for this "
        "terminal's token, write the token file (mode 0600) and the sync.manager "
        "section of the settings file, then restart kiosk-sync to start "
        "delivering. URL is the manager's API, e.g. https://feedback.example.com/api; "
        "the enrolment link of the manager's terminals page (its QR code), "
        "https://feedback.example.com/api#code=K7QM-3WZP-HX9D, holds both.",
    )
    parser.add_argument(
        "url", help="the manager's API address, ending in /api, or the whole enrolment link"
    )
    parser.add_argument(
        "code",
        nargs="?",
        help="the one-time enrolment code, e.g. K7QM-3WZP-HX9D (in the link when left out)",
    )
    parser.add_argument(
        "--token-file",
        type=Path,
        help="where to write the token (default: secrets/manager-token beside the settings file)",
    )
    parser.add_argument(
        "--ca-file", type=Path, help="the CA of a manager with a private certificate"
    )
    parser.set_defaults(handler=command_enroll)


def command_enroll(args: argparse.Namespace) -> int:
    import os

    import yaml

    from ..settings import SETTINGS_ENV, SYSTEM_SETTINGS, SettingsError, check_settings

    settings_path = Path(args.settings or os.environ.get(SETTINGS_ENV) or SYSTEM_SETTINGS)
    url, code = split_enrolment_link(args.url, args.code)
    answer = exchange_code(url, code, args.ca_file)
    token_file = args.token_file or settings_path.parent / TOKEN_FILE_NAME
    try:
        current = yaml.safe_load(settings_path.read_bytes()) if settings_path.exists() else {}
    except (OSError, yaml.YAMLError) as exc:
        raise Failure(f"cannot read {settings_path}: {exc}; fix it or pass --settings") from exc
    data = dict(current or {})
    data["terminal_id"] = answer["terminal_id"]
    data.setdefault("site", answer["site"])
    data.setdefault("timezone", answer.get("timezone") or "UTC")
    sync = dict(data.get("sync") or {})
    manager = {
        key: value
        for key, value in dict(sync.get("manager") or {}).items()
        if key in ("poll_dialog",)
    }
    manager.update(url=url, token_file=str(token_file.resolve()))
    if args.ca_file:
        manager["ca_file"] = str(args.ca_file.resolve())
    sync["manager"] = manager
    data["sync"] = sync
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    _write_secret(token_file, answer["token"])
    try:
        check_settings(
            text.encode("utf-8"), file=str(settings_path), base_dir=settings_path.resolve().parent
        )
    except SettingsError as exc:
        raise Failure(
            f"{exc}\nThe settings with the manager added have errors; the token "
            f"is in {token_file}, the settings file is unchanged."
        ) from exc
    if settings_path.exists():
        backup = settings_path.with_name(settings_path.name + ".before-enroll")
        backup.write_bytes(settings_path.read_bytes())
        print(f"the previous settings are kept in {backup}")
    settings_path.parent.mkdir(parents=True, exist_ok=True)
    settings_path.write_text(text, encoding="utf-8")
    print(
        f"enrolled as {answer['terminal_id']} at {answer['site']}; token written to "
        f"{token_file}, {settings_path} updated.\n"
        f"Restart the delivery service to start delivering: systemctl restart kiosk-sync"
    )
    return EXIT_OK


def split_enrolment_link(url: str, code: str | None) -> tuple[str, str]:
    """The API address and the code, from ``URL CODE`` or from the link ``URL#code=CODE``."""
    from urllib.parse import parse_qs

    base, _, fragment = url.partition("#")
    in_link = parse_qs(fragment).get("code", [""])[0].strip()
    if code and in_link and code.strip().upper() != in_link.upper():
        raise Failure(
            "the link holds another code than the one given; give the link alone, "
            "or the API address and the code"
        )
    code = code or in_link
    if not code:
        raise Failure(
            "no enrolment code: give the link shown by the manager's terminals page "
            "(…/api#code=XXXX-XXXX-XXXX), or the API address and the code"
        )
    return base.rstrip("/"), code


def exchange_code(
    url: str, code: str, ca_file: Path | None, *, deadline_s: float = ENROL_DEADLINE_S
) -> dict:
    """The manager's answer to the code: ``terminal_id``, ``site``, ``timezone``, ``token``."""
    import json

    import httpx

    from sync import http_deadline
    from sync.tls import verified_context

    from ..settings import manager_url_problem

    problem = manager_url_problem(url)
    if problem is not None:
        raise Failure(problem)
    try:
        context = verified_context(ca_file)
    except OSError as exc:
        raise Failure(f"cannot read the CA file {ca_file}: {exc.strerror}") from exc
    transport = http_deadline.transport(verify=context)
    try:
        with (
            http_deadline.deadline(deadline_s) as exchange,
            # identity: the answer is read raw, and capped as sent.
            httpx.Client(
                transport=transport,
                timeout=ENROL_TIMEOUT_S,
                headers={"Accept-Encoding": "identity"},
            ) as client,
            client.stream("POST", f"{url}/v1/enrolment", json={"code": code}) as response,
        ):
            body = b""
            for chunk in response.iter_raw():
                body += chunk
                if len(body) > ANSWER_MAX_BYTES:
                    raise Failure(
                        f"{url} answered the enrolment with more than {ANSWER_MAX_BYTES} "
                        "bytes, as no feedback manager does; check the address (it ends in /api)"
                    )
    except httpx.TimeoutException as exc:
        if not exchange.expired:
            raise Failure(
                f"the manager at {url} did not answer in time ({type(exc).__name__}); "
                "check the address and the network, then try again"
            ) from exc
        raise Failure(
            f"the manager at {url} did not finish the enrolment within {deadline_s:g} s "
            "(it answered or read a few bytes at a time, or the link is very slow); "
            "check the address (it ends in /api) and the network, then try again"
        ) from exc
    except httpx.HTTPError as exc:
        raise Failure(
            f"cannot reach the manager at {url}: {exc}; check the address (it ends "
            "in /api) and the network"
        ) from exc
    if response.status_code == 403:
        raise Failure(
            "the manager refused the code: it is unknown, used or expired; ask "
            "its admin for a new one"
        )
    if response.status_code != 200:
        raise Failure(
            f"the manager answered {response.status_code} to the enrolment; check "
            f"that {url} is the manager's API (it ends in /api)"
        )
    try:
        answer = json.loads(body)
        return {key: answer[key] for key in ("terminal_id", "site", "timezone", "token")}
    except (ValueError, KeyError, TypeError) as exc:
        raise Failure(f"{url} did not answer as a feedback manager does") from exc


def _write_secret(path: Path, text: str) -> None:
    import os

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
