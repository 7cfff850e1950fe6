"""The operator PIN: its hash, and the lockout after five wrong tries."""

from __future__ import annotations

import pytest

from kiosk.operator import (
    LOCKOUT_FILE,
    LOCKOUT_S,
    LOCKOUT_STEPS_S,
    MAX_WRONG_TRIES,
    PinFormatError,
    PinGuard,
    hash_pin,
    read_pin_lockout,
    verify_pin,
)


def test_the_hash_verifies_its_pin_and_no_other():
    stored = hash_pin("2468")
    assert "2468" not in stored
    assert verify_pin("2468", stored)
    assert not verify_pin("2469", stored)
    assert hash_pin("2468") != stored, "each hash has its own salt"


@pytest.mark.parametrize("pin", ["123", "12ab", "1234567890123", ""])
def test_a_pin_is_4_to_12_digits(pin):
    with pytest.raises(ValueError):
        hash_pin(pin)


def test_a_file_that_holds_no_hash_says_how_to_make_one():
    with pytest.raises(PinFormatError, match="kiosk pin"):
        verify_pin("2468", "2468")


class Clocks:
    """A wall clock and a monotonic one, moved by the test."""

    def __init__(self, wall: float = 1_800_000_000.0):
        self.wall = wall
        self.mono = 1000.0

    def advance(self, seconds: float) -> None:
        self.wall += seconds
        self.mono += seconds

    def guard(self, data_dir=None) -> PinGuard:
        return PinGuard(data_dir, clock=lambda: self.wall, monotonic=lambda: self.mono)


def lock_once(guard: PinGuard) -> None:
    for _ in range(MAX_WRONG_TRIES):
        guard.record(False)


def test_five_wrong_tries_lock_for_five_minutes():
    clocks = Clocks()
    guard = clocks.guard()
    for _ in range(MAX_WRONG_TRIES - 1):
        guard.record(False)
        assert guard.locked_for_s == 0
    guard.record(False)
    assert guard.locked_for_s == LOCKOUT_S == 300
    clocks.advance(LOCKOUT_S - 1)
    assert guard.locked_for_s == 1
    clocks.advance(1)
    assert guard.locked_for_s == 0


def test_a_right_pin_resets_the_count():
    guard = Clocks().guard()
    for _ in range(MAX_WRONG_TRIES - 1):
        guard.record(False)
    guard.record(True)
    guard.record(False)
    assert guard.locked_for_s == 0


def test_each_lockout_in_a_row_lasts_longer_until_a_right_pin():
    clocks = Clocks()
    guard = clocks.guard()
    lengths = []
    for _ in range(len(LOCKOUT_STEPS_S) + 1):
        lock_once(guard)
        lengths.append(guard.locked_for_s)
        clocks.advance(guard.locked_for_s)
    assert lengths == [300, 1800, 3 * 3600, 12 * 3600, 12 * 3600]
    guard.record(True)
    lock_once(guard)
    assert guard.locked_for_s == 300


def test_a_restart_neither_ends_the_lockout_nor_forgets_the_wrong_tries(tmp_path):
    clocks = Clocks()
    lock_once(clocks.guard(tmp_path))
    clocks.advance(100)
    clocks.mono = 5.0  # a reboot starts the monotonic clock again
    again = clocks.guard(tmp_path)
    assert again.locked_for_s == 200
    clocks.advance(200)
    again.record(False)
    again.record(False)
    third = clocks.guard(tmp_path)
    assert third.wrong_tries == 2
    for _ in range(MAX_WRONG_TRIES - 2):
        third.record(False)
    assert third.locked_for_s == 1800, "the second lockout, though the app restarted"
    assert read_pin_lockout(tmp_path)["lockouts"] == 2


def test_a_clock_stepped_back_cannot_stretch_a_lockout(tmp_path):
    clocks = Clocks()
    lock_once(clocks.guard(tmp_path))
    clocks.wall -= 5 * 365 * 86400  # NTP corrects a clock that was years ahead
    assert clocks.guard(tmp_path).locked_for_s == LOCKOUT_S


def test_a_damaged_record_keeps_the_pad_locked(tmp_path):
    (tmp_path / LOCKOUT_FILE).write_text("{garbage")
    assert Clocks().guard(tmp_path).locked_for_s > 0
