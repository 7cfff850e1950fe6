"""The operator PIN: its hash, and the lockout after five wrong tries."""

from __future__ import annotations

import pytest

from kiosk.operator import (
    LOCKOUT_S,
    MAX_WRONG_TRIES,
    PinFormatError,
    PinGuard,
    hash_pin,
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


def test_five_wrong_tries_lock_for_five_minutes():
    now = [0.0]
    guard = PinGuard(clock=lambda: now[0])
    for _ in range(MAX_WRONG_TRIES - 1):
        guard.record(False)
        assert guard.locked_for_s == 0
    guard.record(False)
    assert guard.locked_for_s == LOCKOUT_S == 300
    now[0] += LOCKOUT_S - 1
    assert guard.locked_for_s == 1
    now[0] += 1
    assert guard.locked_for_s == 0


def test_a_right_pin_resets_the_count():
    guard = PinGuard(clock=lambda: 0.0)
    for _ in range(MAX_WRONG_TRIES - 1):
        guard.record(False)
    guard.record(True)
    guard.record(False)
    assert guard.locked_for_s == 0
