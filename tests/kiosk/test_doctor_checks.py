"""The doctor's checks of the display, the disk, the clock and a hostile mail server,
where the CLI cannot reach.

A clock in 1970, a disk fuller than the reserve or a terminal without X
cannot be arranged for a subprocess on a test machine; these call the check
functions with the one input changed, on the real disk and the real X server.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import replace

from kiosk.doctor import BYTES_PER_MB, check_clock, check_disk, check_display, check_mailbox
from kiosk.settings import Settings
from support.harness import Xvfb
from support.smtp_server import DrippingSMTPServer
from sync.targets.mailbox import MailboxTarget


def test_a_clock_before_the_software_was_installed_fails_with_the_ntp_hint():
    result = check_clock(now=0.0, synchronised=lambda: False)
    assert result.state == "failed"
    assert (
        result.detail.startswith("1970-01-01")
        and "before this software was installed" in result.detail
    )
    assert "timedatectl set-ntp true" in result.hint and "UDP port 123" in result.hint


def test_a_plausible_clock_without_ntp_passes_with_a_hint():
    result = check_clock(now=time.time(), synchronised=lambda: False)
    assert result.state == "ok" and "NOT synchronised with NTP" in result.detail
    assert "timedatectl set-ntp true" in result.hint
    synced = check_clock(now=time.time(), synchronised=lambda: True)
    assert synced.state == "ok" and synced.hint is None
    assert synced.detail.endswith(", synchronised with NTP")


def test_an_x_display_that_does_not_answer_fails():
    result = check_display({"DISPLAY": ":97"})
    assert result.state == "failed" and result.detail == "X display :97 cannot be opened"
    assert "unset DISPLAY" in result.hint


def test_a_running_x_server_is_reachable_with_its_size():
    server = Xvfb(800, 480)
    try:
        result = check_display({"DISPLAY": server.display})
    finally:
        server.close()
    assert result.state == "ok"
    assert result.detail == f"X display {server.display}, screen 800×480"


def test_without_x_the_drm_device_must_exist(tmp_path):
    result = check_display({}, dri_dir=tmp_path)
    assert result.state == "failed"
    assert result.detail == f"no X display ($DISPLAY is not set) and no DRM device {tmp_path}/card*"
    assert "vc4-kms-v3d" in result.hint


def test_without_x_a_drm_device_that_opens_passes_and_says_so(tmp_path):
    (tmp_path / "card1").touch()
    (tmp_path / "renderD128").touch()
    result = check_display({}, dri_dir=tmp_path)
    assert result.state == "ok" and result.detail.startswith("DRM (no $DISPLAY): card1 opens")


def test_a_reserve_larger_than_the_free_space_fails(tmp_path):
    free_mb = shutil.disk_usage(tmp_path).free // BYTES_PER_MB
    settings = Settings(terminal_id="t", data_dir=tmp_path, disk_reserve_mb=free_mb + 1024)
    result = check_disk(settings)
    assert result.state == "failed"
    assert f"reserve {free_mb + 1024} MB: new messages are refused" in result.detail
    assert "disk_reserve_mb" in result.hint
    assert check_disk(replace(settings, disk_reserve_mb=1)).state == "ok"
    assert list(tmp_path.iterdir()) == []  # the write probe is gone


def test_a_data_dir_that_cannot_be_written_fails(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    result = check_disk(Settings(terminal_id="t", data_dir=blocker / "kiosk"))
    assert result.state == "failed" and "cannot write" in result.detail
    assert "data_dir" in result.hint


def test_a_data_dir_not_made_yet_is_checked_where_it_will_be(tmp_path):
    result = check_disk(
        Settings(terminal_id="t", data_dir=tmp_path / "var" / "kiosk", disk_reserve_mb=1)
    )
    assert result.state == "ok"
    assert f"(not made yet; {tmp_path} is its nearest folder): writable" in result.detail


def test_a_mail_server_dripping_its_greeting_fails_at_the_deadline():
    """The doctor's mailbox check keeps the delivery's deadline: it cannot hang."""
    with DrippingSMTPServer(gap_s=0.1) as server:
        target = MailboxTarget(
            "127.0.0.1",
            server.port,
            sender="kiosk@example.com",
            recipients=("quality@example.com",),
            security="none",
            timeout_s=1.0,
            deadline_s=2.0,
        )
        started = time.monotonic()
        result = check_mailbox(target, Settings(terminal_id="t"))
        elapsed = time.monotonic() - started
    assert 2.0 <= elapsed < 3.5, elapsed
    assert result.state == "failed"
    assert "did not finish within its deadline of 2 s" in result.detail
    assert "sync.mailbox.host" in result.hint
