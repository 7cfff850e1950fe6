"""The delivery loop: wake-up, skipping, pauses that survive restarts, independent targets."""

from __future__ import annotations

import email
import email.policy
import time

import pytest

from support.delivery_service import running
from support.manager_server import Reply
from support.ports import free_port
from support.smtp_server import SMTPServer
from support.waiting import wait_for
from sync.backoff import Backoff
from sync.outbox import Outbox
from sync.service import DeliveryService
from sync.targets.mailbox import MailboxTarget

FAST = Backoff(base_s=0.01, cap_s=0.05)


def mailbox_target(port, send="alerts"):
    return MailboxTarget(
        "127.0.0.1",
        port,
        sender="kiosk@example.com",
        recipients=("quality@example.com",),
        security="none",
        send=send,
        timeout_s=2,
    )


def test_a_new_message_is_picked_up_within_a_second(
    data_dir, make_message, manager_server, manager_target_factory
):
    with Outbox(data_dir, reserve_bytes=0) as service_box, Outbox(data_dir) as app_box:
        service = DeliveryService(
            service_box, [manager_target_factory(manager_server.url)], backoff=FAST
        )
        with running(service):
            time.sleep(0.5)  # idle: nothing due, the worker sleeps
            message_id = app_box.add(make_message())  # the app, through its own connection
            # Without the wake-up it would wait for the 60 s fallback; the
            # latency itself is measured by the benchmarks, not here.
            wait_for(lambda: message_id in manager_server.messages, timeout_s=15)


def test_the_mailbox_sends_a_batch_on_one_connection_and_closes_it(data_dir, make_message):
    with Outbox(data_dir, reserve_bytes=0) as box, SMTPServer() as smtp:
        for _ in range(5):
            box.add(make_message(alert=True))
        target = mailbox_target(smtp.port)
        DeliveryService(box, [target], backoff=FAST).run(once=True)
        assert box.counts()["mailbox"]["delivered"] == 5
        assert target._smtp is None, "no connection held between batches"
    assert len(smtp.received) == 5
    assert len({mail.peer for mail in smtp.received}) == 1


def test_over_the_mail_rate_alerts_come_in_one_digest_and_none_is_dropped(data_dir, make_message):
    import json

    with Outbox(data_dir, reserve_bytes=0) as box, SMTPServer() as smtp:
        box.register_targets(["mailbox"])
        ids = [box.add(make_message(alert=True, text=f"alert {n}")) for n in range(6)]
        target = MailboxTarget(
            "127.0.0.1",
            smtp.port,
            sender="kiosk@example.com",
            recipients=("quality@example.com",),
            security="none",
            timeout_s=2,
            max_mails_per_hour=2,
            digest_period_s=0.5,
        )
        with running(DeliveryService(box, [target], backoff=FAST)):
            wait_for(lambda: box.counts()["mailbox"]["delivered"] == 6, timeout_s=20)
    mails = [email.message_from_bytes(r.data, policy=email.policy.default) for r in smtp.received]
    assert len(mails) == 3, [m["Subject"] for m in mails]
    digest = mails[-1]
    assert "(digest)" in digest["Subject"]
    [listing] = [p for p in digest.iter_attachments() if p.get_filename() == "messages.json"]
    in_digest = {m["id"] for m in json.loads(listing.get_content())}
    alone = {m["X-Kiosk-Message-Id"] for m in mails[:2]}
    assert len(in_digest) == 4 and in_digest | alone == set(ids)
    assert "    alert 5" in digest.get_body(("plain",)).get_content()


def test_send_alerts_mails_alerts_first_and_skips_the_rest(data_dir, make_message):
    with Outbox(data_dir, reserve_bytes=0) as box, SMTPServer() as smtp:
        plain = box.add(make_message(alert=False, created_at="2026-11-22T10:00:00+01:00"))
        alert = box.add(make_message(alert=True, created_at="2026-11-22T11:00:00+01:00"))
        target = mailbox_target(smtp.port)
        DeliveryService(box, [target], backoff=FAST).run(once=True)
        counts = box.counts()["mailbox"]
    assert (counts["delivered"], counts["skipped"], counts["pending"]) == (1, 1, 0)
    [received] = smtp.received
    assert alert.encode() in received.data and plain.encode() not in received.data


def test_wrong_credentials_pause_the_manager_across_a_restart(
    data_dir, make_message, manager_server, manager_target_factory
):
    with Outbox(data_dir, reserve_bytes=0) as box:
        ids = [box.add(make_message()) for _ in range(5)]
        manager_server.script = [Reply(401, body=b'{"title": "unknown token"}')]
        DeliveryService(box, [manager_target_factory(manager_server.url)]).run(once=True)

        pause = box.target_pause("manager")
        assert pause is not None and 299 <= pause.until - time.time() <= 301
        assert "unknown token" in pause.reason
        assert len(manager_server.requests) == 1  # one try, not one per message
        assert box.counts()["manager"]["pending"] == 5
        assert box.counts()["manager"]["last_errors"] == []  # the message was not at fault

    # A restart (new outbox, new service) keeps the pause: nothing is sent.
    with Outbox(data_dir, reserve_bytes=0) as box:
        service = DeliveryService(box, [manager_target_factory(manager_server.url)])
        with running(service):
            time.sleep(1.5)
        assert len(manager_server.requests) == 1

        # Five minutes later (made so): one probe, accepted, and the rest follows.
        box.pause_target("manager", time.time() - 1, pause.reason)
        DeliveryService(box, [manager_target_factory(manager_server.url)]).run(once=True)
        assert box.target_pause("manager") is None
        assert set(manager_server.messages) == set(ids)


def test_a_failed_probe_extends_the_pause(
    data_dir, make_message, manager_server, manager_target_factory
):
    with Outbox(data_dir, reserve_bytes=0) as box:
        for _ in range(3):
            box.add(make_message())
        box.pause_target("manager", time.time() - 1, "401")
        manager_server.script = [Reply(403)]
        DeliveryService(box, [manager_target_factory(manager_server.url)]).run(once=True)
        assert len(manager_server.requests) == 1
        assert box.target_pause("manager").until > time.time() + 290


def test_a_dead_mail_server_never_delays_the_manager(
    data_dir, make_message, manager_server, manager_target_factory
):
    with Outbox(data_dir, reserve_bytes=0) as box:
        ids = [box.add(make_message(alert=True)) for _ in range(20)]
        service = DeliveryService(
            box,
            [manager_target_factory(manager_server.url), mailbox_target(free_port())],
            backoff=Backoff(1, 5),
        )
        with running(service):
            wait_for(lambda: len(manager_server.messages) == 20, timeout_s=20)
        assert set(manager_server.messages) == set(ids)
        mailbox = box.counts()["mailbox"]
        assert mailbox["pending"] == 20 and "cannot send" in mailbox["last_errors"][0]["error"]


def test_a_rejection_is_final_and_the_others_go_on(
    data_dir, make_message, manager_server, manager_target_factory
):
    with Outbox(data_dir, reserve_bytes=0) as box:
        _rejected, second = box.add(make_message()), box.add(make_message())
        manager_server.script = [Reply(422, body=b'{"title": "Unprocessable", "detail": "x"}')]
        DeliveryService(box, [manager_target_factory(manager_server.url)]).run(once=True)
        counts = box.counts()["manager"]
    assert (counts["rejected"], counts["delivered"]) == (1, 1)
    assert "422" in counts["last_errors"][0]["error"]
    assert set(manager_server.messages) == {second}


def test_retry_after_is_kept_in_the_database(
    data_dir, make_message, manager_server, manager_target_factory
):
    with Outbox(data_dir, reserve_bytes=0) as box:
        box.add(make_message())
        manager_server.script = [Reply(503, {"Retry-After": "120"})]
        before = time.time()
        DeliveryService(box, [manager_target_factory(manager_server.url)]).run(once=True)
        due = box.next_due_at("manager")
    assert before + 119 <= due <= time.time() + 121


@pytest.mark.slow
def test_stop_releases_a_delivery_in_flight(
    data_dir, make_message, manager_server, manager_target_factory
):
    import threading

    from support.manager_server import Stall

    with Outbox(data_dir, reserve_bytes=0) as box:
        box.add(make_message())
        manager_server.script = [Stall(15.0)]
        service = DeliveryService(
            box, [manager_target_factory(manager_server.url, read_timeout_s=60)]
        )
        thread = threading.Thread(target=service.run)
        thread.start()
        wait_for(lambda: manager_server.requests, timeout_s=5)
        service.request_stop()
        thread.join(8)
        # The upload stalls for 15 s: stopping did not wait for it.
        assert not thread.is_alive()
        # Released: due again at once, no attempt counted.
        assert box.next_due_at("manager") <= time.time()
        assert box.counts()["manager"]["last_errors"] == []
        assert service.join(30)  # the stalled upload ends on its own
