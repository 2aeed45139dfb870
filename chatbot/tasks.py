"""Celery tasks of the chatbot's knowledge base: take ids, call one service."""

from __future__ import annotations

from celery import shared_task

from chatbot.services import imports


@shared_task(ignore_result=True)
def run_import_job(job_id: int) -> None:
    imports.import_job_run(job_id=job_id)


@shared_task(ignore_result=True)
def sweep_import_jobs() -> None:
    """Imports whose task was never enqueued (broker down), was lost, or whose
    worker died mid-import."""
    for pk in imports.import_jobs_due_ids():
        run_import_job.delay(pk)
