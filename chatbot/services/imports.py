"""Imports of uploaded files as jobs: small files at once, large ones by a worker.

The `ImportJob` row is the queue. The task is enqueued after commit; when the broker
is down, or a worker dies mid-import (the import is one transaction, so nothing of it
stays), the periodic sweep runs the job again. An import is an upsert, so running a
file twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from chatbot.models import ImportJob
from chatbot.services.transfer import (
    FAQ_REQUIRED,
    HOAX_REQUIRED,
    check_size,
    faq_import,
    hoax_import,
    read_records,
)
from core.exceptions import ApplicationError

logger = logging.getLogger(__name__)

# Per-row messages kept on the job (all are counted): a runaway file's 100,000
# errors would make a row of megabytes that nobody reads to the end.
KEEP_ERRORS = 1000
# A job that failed for a reason not in the file (database gone) is tried this often.
MAX_ATTEMPTS = 3
IMPORTERS = {
    ImportJob.Kind.FAQ: (faq_import, FAQ_REQUIRED),
    ImportJob.Kind.HOAX: (hoax_import, HOAX_REQUIRED),
}


def progress_key(job_id: int) -> str:
    return f"chatbot:import-progress:{job_id}"


def import_job_create(
    *, kind: str, file_name: str, content: bytes, default_status: str, user
) -> ImportJob:
    """Store an uploaded file as a job, queued: the caller runs it at once
    (`import_job_run`) or hands it to a worker (`import_job_enqueue`)."""
    check_size(len(content))
    return ImportJob.objects.create(
        kind=kind,
        file_name=file_name[:255],
        size=len(content),
        content=content,
        default_status=default_status,
        created_by=user,
    )


def import_job_enqueue(job: ImportJob) -> None:
    """Hand the job to a worker once the transaction that made it commits."""
    transaction.on_commit(lambda: _enqueue(job.pk))


def _enqueue(job_id: int) -> None:
    from chatbot.tasks import run_import_job

    try:
        # No publish retries: a down broker must not stall the curator's request.
        run_import_job.apply_async((job_id,), retry=False)
    except Exception:  # broker down: the sweep runs it (`import_jobs_due_ids`)
        logger.warning("could not enqueue import job %s; the sweep will run it", job_id)


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Import a queued job's file (or one whose worker died). Returns the job, or
    None when it was not this call's to run (taken, finished)."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.CHATBOT_IMPORT_STALE_SECONDS)
    claimed = (
        ImportJob.objects.filter(pk=job_id)
        .filter(
            Q(state=ImportJob.State.QUEUED)
            | Q(state=ImportJob.State.RUNNING, started_at__lt=stale)
        )
        .update(
            state=ImportJob.State.RUNNING, started_at=now, attempts=F("attempts") + 1
        )
    )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.attempts > MAX_ATTEMPTS:
        return _finish(
            job,
            ImportJob.State.FAILED,
            message="Impor terhenti berulang kali (galat sistem). Unggah ulang "
            "berkasnya, atau hubungi operator bila terulang.",
        )
    importer, required = IMPORTERS[job.kind]
    try:
        rows = read_records(
            bytes(job.content), filename=job.file_name, required=required
        )
    except ApplicationError as exc:
        return _finish(job, ImportJob.State.FAILED, message=exc.message)
    ImportJob.objects.filter(pk=job.pk).update(rows=len(rows))
    job.rows = len(rows)
    key = progress_key(job.pk)
    try:
        report = importer(
            rows=rows,
            default_status=job.default_status,
            user=job.created_by,
            progress=lambda done: cache.set(key, done, timeout=3600),
            file_name=job.file_name,
        )
    except Exception:
        # Not the file's fault (its rows' errors are reported, not raised): the
        # import rolled back whole; a later sweep tries again.
        logger.exception("import job %s failed (attempt %s)", job.pk, job.attempts)
        ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.QUEUED)
        raise
    finally:
        cache.delete(key)
    return _finish(
        job,
        ImportJob.State.DONE,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        error_count=len(report.errors),
        errors=report.errors[:KEEP_ERRORS],
        message=report.notice(),
    )


def _finish(job: ImportJob, state: str, **fields) -> ImportJob:
    """Record the outcome and drop the file (it is in the knowledge base now, or
    could not be read)."""
    fields.update(state=state, finished_at=timezone.now(), content=b"")
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)
    return job


def import_job_progress(job: ImportJob) -> int | None:
    """Rows done so far by a running job (None when not known)."""
    if job.state != ImportJob.State.RUNNING:
        return None
    return cache.get(progress_key(job.pk))


def import_jobs_due_ids(*, queued_for_seconds: float = 60, limit: int = 20) -> list:
    """Jobs to (re)run: queued a while ago (their task was never enqueued or was
    lost, or a run failed for a system reason) or running far longer than any
    import takes (their worker died)."""
    now = timezone.now()
    queued = now - dt.timedelta(seconds=queued_for_seconds)
    stale = now - dt.timedelta(seconds=settings.CHATBOT_IMPORT_STALE_SECONDS)
    return list(
        ImportJob.objects.filter(
            Q(state=ImportJob.State.QUEUED, created_at__lte=queued)
            | Q(state=ImportJob.State.RUNNING, started_at__lt=stale)
        )
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
