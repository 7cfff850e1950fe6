"""Property: claims come alerts first, then by the moment written (whatever the UTC offset)."""

from __future__ import annotations

import datetime
import tempfile

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.outbox import Outbox

BASE = datetime.datetime(2026, 11, 22, 12, 0, tzinfo=datetime.timezone.utc)

messages = st.lists(
    st.tuples(st.booleans(), st.integers(0, 600), st.sampled_from([-8, -5, 0, 1, 2, 5.5, 9, 14])),
    max_size=12,
)


@settings(max_examples=25, deadline=None)
@given(messages)
def test_claim_order(specs):
    with tempfile.TemporaryDirectory() as data_dir, Outbox(data_dir, reserve_bytes=0) as box:
        box.register_targets(["manager"])
        expected = []
        for seq, (alert, minutes, offset_h) in enumerate(specs):
            moment = BASE + datetime.timedelta(minutes=minutes)
            local = moment.astimezone(datetime.timezone(datetime.timedelta(hours=offset_h)))
            message_id = box.add({"created_at": local.isoformat(), "alert": alert})
            expected.append((not alert, moment, seq, message_id))

        claimed = [delivery.message_id for delivery in box.claim("manager", limit=100)]

    assert claimed == [message_id for *_, message_id in sorted(expected)]
