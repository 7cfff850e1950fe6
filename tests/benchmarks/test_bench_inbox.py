"""The inbox benchmark's code on 1,000 messages: its data, its pages and its bare queries agree.

``make bench`` runs it on a million messages (bench_inbox.py); this runs the
same code small, so that it keeps working between benchmark runs.
"""

from __future__ import annotations

import pytest

from benchmarks.bench_inbox import (
    GRANTED_SITES,
    OPEN_EVERY,
    PAGES,
    SITES,
    TERMINALS_PER_SITE,
    check_answers,
    measure,
)

#: A PostgreSQL cluster and a Django process of its own: some seconds.
pytestmark = pytest.mark.slow

MESSAGES = 1000


def test_the_pages_show_what_the_bare_queries_find_on_1000_messages():
    result = measure(MESSAGES, requests=2, log=lambda line: None)
    check_answers(result)
    answers = result["answers"]
    # The open cases (1 in 25 new, the next in progress) of the manager's 10 sites of 50,
    # the terminals taking the messages in turn: 16 of the 1,000.
    terminals = SITES * TERMINALS_PER_SITE
    granted = GRANTED_SITES * TERMINALS_PER_SITE
    open_cases = [g for g in range(MESSAGES) if g % terminals < granted and g % OPEN_EVERY < 2]
    assert len(answers["first page"]["ids"]) == len(open_cases) == 16
    # One site's new cases of the last 30 days: 1000 messages span 8 hours.
    filtered = answers["filtered page"]["ids"]
    assert 0 < len(filtered) <= MESSAGES // OPEN_EVERY
    assert "Message number" in answers["message page"]["html"]
    for page in PAGES:
        assert len(result["times"][page]["page"]) == len(result["times"][page]["bare"]) == 2
