"""The rule for unexpected errors: a few are recovered from, a stream of them ends the app."""

from __future__ import annotations

from kiosk.faults import FAULT_WINDOW_S, MAX_FAULTS_IN_WINDOW, FaultBudget


class Clock:
    def __init__(self):
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def test_errors_spread_out_are_recovered_from_for_ever():
    clock = Clock()
    budget = FaultBudget(clock=clock)
    for _ in range(10 * MAX_FAULTS_IN_WINDOW):
        assert budget.allows_another()
        clock.now += FAULT_WINDOW_S / MAX_FAULTS_IN_WINDOW + 0.01


def test_one_error_too_many_within_the_window_gives_up():
    clock = Clock()
    budget = FaultBudget(clock=clock)
    for _ in range(MAX_FAULTS_IN_WINDOW):
        assert budget.allows_another()
        clock.now += 0.5
    assert not budget.allows_another()
    assert budget.recent == MAX_FAULTS_IN_WINDOW + 1


def test_an_error_in_every_frame_gives_up_at_once():
    clock = Clock()
    budget = FaultBudget(clock=clock)
    answers = []
    for _ in range(MAX_FAULTS_IN_WINDOW + 1):
        answers.append(budget.allows_another())
        clock.now += 1 / 60
    assert answers == [True] * MAX_FAULTS_IN_WINDOW + [False]


def test_the_window_slides():
    clock = Clock()
    budget = FaultBudget(clock=clock)
    for _ in range(MAX_FAULTS_IN_WINDOW):
        budget.allows_another()
    clock.now += FAULT_WINDOW_S
    assert budget.allows_another(), "the earlier burst is out of the window"
    assert budget.recent == 1
