"""The built SD card image, booted in QEMU as a technician's terminal (``make image-test``).

One card for the module, in order: the first boot applies a prepared kiosk/
folder, kiosk-sync delivers ``kiosk doctor --send-test`` to a test manager on
the host's 127.0.0.1, ``kiosk doctor --json`` answers on the serial console;
then the plug is pulled while messages are being added, again and again.
"""

from __future__ import annotations

import base64
import json
import os
import random
import re
import time

import pytest

from support.manager_server import ManagerServer
from support.qemu_image import (
    GUEST_MANAGER,
    Guest,
    kernel_and_initrd,
    prepare_card,
    put_fat_file,
    require_qemu,
)
from support.waiting import wait_for

TOKEN = "image-test-token-5b1e"
WIFI_PASSPHRASE = "grappa-and-limoncello"
POWER_CUTS = int(os.environ.get("KIOSK_IMAGE_POWER_CUTS", "20"))
SETTINGS = f"""\
# The test site's settings, as a technician writes them on a laptop.
terminal_id: rome-01
site: "Trattoria Roma"
data_dir: /var/lib/kiosk
dialog: /var/lib/kiosk/dialog.yaml
sync:
  manager:
    url: http://{GUEST_MANAGER}/api
    token_file: /etc/kiosk/secrets/manager-token
"""
KIOSK = "/opt/kiosk/venv/bin/kiosk --settings /etc/kiosk/settings.yaml"
#: Adds messages to the outbox as the app's user, one line per add that returned.
ADDER = """\
import datetime
from dialog_config import load_dialog
from kiosk.doctor import doctor_message
from kiosk.settings import load_settings
from sync.outbox import Outbox

settings = load_settings("/etc/kiosk/settings.yaml")
dialog = load_dialog(settings.dialog)
with Outbox(settings.data_dir, recover=False) as outbox:
    while True:
        message = doctor_message(settings, dialog, datetime.datetime.now().astimezone())
        print("ADDED", outbox.add(message), flush=True)
"""
IDS = (
    '/opt/kiosk/venv/bin/python -c "import sqlite3; '
    "c = sqlite3.connect('file:/var/lib/kiosk/outbox.sqlite3?mode=ro', uri=True); "
    "print('\\n'.join(r[0] for r in c.execute('SELECT id FROM messages')))\""
)


@pytest.fixture(scope="module")
def manager():
    with ManagerServer(TOKEN, terminal_id="rome-01") as server:
        yield server


@pytest.fixture(scope="module")
def card(tmp_path_factory):
    require_qemu()
    workdir = tmp_path_factory.mktemp("card")
    card = prepare_card(workdir)
    put_fat_file(card, "settings.yaml", SETTINGS, workdir)
    put_fat_file(card, "manager-token", f"# the manager's token\r\n{TOKEN}\r\n", workdir)
    put_fat_file(
        card,
        "wifi.txt",
        f"country=IT\r\nssid=Trattoria Guest\r\npassphrase={WIFI_PASSPHRASE}\r\n",
        workdir,
    )
    put_fat_file(card, "hostname", "rome-01\n", workdir)
    kernel, initrd = kernel_and_initrd(card, workdir)
    return card, kernel, initrd, workdir


@pytest.fixture(scope="module")
def booted(card, manager):
    image, kernel, initrd, workdir = card
    guest = Guest(image, kernel, initrd, manager.port, workdir).start()
    try:
        guest.shell_s = guest.wait_for_shell()
        wait_for(
            lambda: guest.run("systemctl is-active kiosk-sync")[1].strip() == "active",
            what="kiosk-sync active",
            timeout_s=600,
            poll_s=2,
        )
        guest.sync_active_s = time.monotonic() - guest.started
        print(f"boot: a shell after {guest.shell_s:.0f} s, kiosk-sync active after", end=" ")
        print(f"{guest.sync_active_s:.0f} s")
        yield guest
    finally:
        guest.shutdown()


def test_the_first_boot_moved_the_folder_into_place_and_wiped_the_secrets(booted):
    assert booted.check("cat /etc/kiosk/secrets/manager-token") == TOKEN
    assert (
        booted.check("stat -c '%U:%G %a' /etc/kiosk/secrets/manager-token").strip()
        == "root:root 600"
    )
    assert booted.check("stat -c '%U:%G %a' /etc/kiosk/secrets").strip() == "root:root 700"
    assert "terminal_id: rome-01" in booted.check("cat /etc/kiosk/settings.yaml")
    wifi = booted.check("cat /data/system/wpa_supplicant-wlan0.conf")
    assert 'ssid="Trattoria Guest"' in wifi and "country=IT" in wifi
    assert booted.check("hostname").strip() == "rome-01"
    assert booted.check("cat /etc/kiosk/first-boot.txt").strip() == ""
    booted.check("mount /boot/firmware")
    try:
        left = booted.check("ls /boot/firmware/kiosk").split()
        assert (
            "manager-token" not in left and "wifi.txt" not in left and "settings.yaml" not in left
        )
        # Not in any file left on the FAT partition either.
        status, _ = booted.run(f"grep -rl -e {TOKEN} -e {WIFI_PASSPHRASE} /boot/firmware")
        assert status == 1
        assert "kiosk/manager-token: moved" in booted.check("cat /boot/firmware/kiosk/RESULT.txt")
    finally:
        booted.check("umount /boot/firmware")


def test_the_root_is_read_only_and_the_data_partition_filled_the_card(booted):
    assert booted.check("findmnt -no FSTYPE /").strip() == "overlay"
    assert booted.check("findmnt -no OPTIONS /media/root-ro").startswith("ro")
    size = int(booted.check("df -B1 --output=size /data").split()[-1])
    assert size > 2 * 1024**3
    assert booted.check("findmnt -no SOURCE /var/lib/kiosk").strip().endswith("[/kiosk]")
    # No password to log in with, and SSH off without a key.
    assert booted.check("passwd -S root").split()[1] == "L"
    assert booted.run("systemctl is-active ssh")[1].strip() != "active"


def test_kiosk_sync_delivers_the_doctors_test_message_to_the_manager(booted, manager):
    send = f"runuser -u kiosk -- sh -c 'umask 007; exec {KIOSK} doctor --send-test'"
    out = booted.check(f"{send} | grep 'test message'")
    queued = re.search(r"queued (\S+) for manager", out)
    assert queued, out
    wait_for(lambda: queued.group(1) in manager.messages, what="delivered", timeout_s=300)
    assert "Test message from kiosk doctor (rome-01" in json.dumps(
        manager.messages[queued.group(1)].message
    )
    assert manager.errors == []


def test_doctor_json_on_the_serial_console_describes_a_box_without_camera_or_screen(booted):
    status, out = booted.run(f"{KIOSK} doctor --json")
    report = json.loads(out[out.index("{") :])
    checks = {check["name"]: check for check in report["checks"]}
    assert status == 1 and report["ok"] is False
    assert (
        checks["settings"]["state"] == "ok" and "terminal rome-01" in checks["settings"]["detail"]
    )
    assert checks["boot folder"]["state"] == "ok"
    assert checks["camera"]["state"] == "failed" and "no camera" in checks["camera"]["detail"]
    assert checks["display"]["state"] == "failed"
    assert checks["manager"]["state"] == "ok"
    assert checks["disk"]["state"] == "ok"


def test_power_cuts_while_adding_lose_no_message_and_the_box_always_boots(booted, card, manager):
    image, kernel, initrd, workdir = card
    booted.shutdown()
    returned: list[str] = []
    guest = booted
    script = base64.b64encode(ADDER.encode()).decode()
    for cut in range(POWER_CUTS):
        guest = Guest(image, kernel, initrd, manager.port, workdir).start()
        guest.wait_for_shell()
        stored = set(guest.check(IDS).split())
        missing = [message for message in returned if message not in stored]
        assert missing == [], f"after cut {cut}: {len(missing)} returned messages lost"
        guest.check(f"echo {script} | base64 -d > /tmp/adder.py")
        guest.send(
            "runuser -u kiosk -- sh -c 'umask 007; cd /opt/kiosk/src; "
            "exec /opt/kiosk/venv/bin/python /tmp/adder.py'\n"
        )
        # Cut at a different moment each time: after 1 to 15 adds returned.
        wanted = random.randint(1, 15)
        seen = 0
        while seen < wanted:
            line = guest.read_until(re.compile(r"ADDED (\S+)\r?\n"), 120)
            assert line is not None, guest.tail()
            returned.append(re.search(r"ADDED (\S+)", line).group(1))
            seen += 1
        # A random moment after that add, not at a return.
        time.sleep(random.random())
        guest.power_cut()
    guest = Guest(image, kernel, initrd, manager.port, workdir).start()
    try:
        guest.wait_for_shell()
        stored = set(guest.check(IDS).split())
        assert [m for m in returned if m not in stored] == []
        assert len(returned) >= POWER_CUTS
        assert guest.check("systemctl is-active kiosk-sync").strip() == "active"
    finally:
        guest.shutdown()
