"""Celery tasks: take ids, call one service, reschedule on a wait."""

from __future__ import annotations

import time

from celery import shared_task

from chatbot.channels import outbox, processing


@shared_task(ignore_result=True)
def process_update(update_id: int) -> None:
    processing.chat_updates_process(update_id=update_id)


@shared_task(bind=True, ignore_result=True)
def deliver_outbound(self, message_id: int) -> None:
    for _ in range(20):
        wait = outbox.chat_outbound_deliver(message_id=message_id)
        if wait is None:
            return
        if wait == 0:
            continue
        if self.app.conf.task_always_eager or self.request.is_eager:
            # No broker (development, tests): a short pause inline; longer waits
            # are left to the periodic sweep.
            if wait > 1.5:
                return
            time.sleep(wait)
            continue
        try:
            self.apply_async((message_id,), countdown=max(wait, 0.05))
        except Exception:  # broker gone: the sweep resumes this chat
            pass
        return


@shared_task(ignore_result=True)
def sweep_inbound() -> None:
    """Updates whose processing task was lost (broker down) or failed transiently."""
    for pk in processing.inbound_stale_ids():
        process_update.delay(pk)


@shared_task(ignore_result=True)
def sweep_outbound() -> None:
    """Retries due, waits over, and any send whose enqueue was lost."""
    for pk in outbox.outbound_due_ids():
        deliver_outbound.delay(pk)


@shared_task(ignore_result=True)
def sweep_broadcasts() -> None:
    """Broadcasts whose fan-out was never enqueued (broker down) or was lost."""
    from chatbot.channels.broadcasts import broadcast_stale_ids

    for pk in broadcast_stale_ids():
        broadcast_fanout.delay(pk)


@shared_task(ignore_result=True)
def broadcast_fanout(broadcast_id: int) -> None:
    from chatbot.channels.broadcasts import broadcast_fanout as fanout

    fanout(broadcast_id=broadcast_id)
