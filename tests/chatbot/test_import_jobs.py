"""Large admin uploads imported by a worker: progress, outages, a dead worker."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chatbot.models import HoaxEntry, ImportJob
from chatbot.services import imports
from chatbot.tasks import run_import_job, sweep_import_jobs

pytestmark = pytest.mark.django_db

IMPORT = "/admin/chatbot/hoaxentry/import/"


def archive(n: int, *, bad: int = 0) -> bytes:
    """A fact-check archive as CSV: `n` claims, the last `bad` without a verdict."""
    lines = ["claim,verdict,explanation,narrative"]
    for i in range(n):
        verdict = "" if i >= n - bad else "hoaks"
        lines.append(
            f'"Klaim nomor {i} tentang vaksin",{verdict},"Penjelasan {i}.",'
            f'"Narasi yang beredar nomor {i}, sebarkan!"'
        )
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def background(settings):
    """Every upload over 200 bytes goes to a worker."""
    settings.CHATBOT_IMPORT_INLINE_BYTES = 200


def stored(content: bytes) -> ImportJob:
    """A hoax archive stored as a queued job (as the admin does for a large file)."""
    return imports.import_job_create(
        kind="hoax",
        file_name="arsip.csv",
        content=content,
        default_status="published",
        user=None,
    )


def upload(client, data: bytes, name: str = "arsip.csv"):
    return client.post(
        IMPORT, {"file": SimpleUploadedFile(name, data), "status": "published"}
    )


def test_a_large_upload_is_imported_by_a_worker_while_the_curator_watches(
    background, curator_client, chat_curator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        r = upload(curator_client, archive(40, bad=2))
    job = ImportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == f"{IMPORT}{job.pk}/"
    assert len(enqueued) == 1  # handed to the worker after commit
    page = curator_client.get(r["Location"]).content.decode()
    assert "Dalam antrean" in page and 'http-equiv="refresh"' in page
    assert job.state == ImportJob.State.QUEUED and not HoaxEntry.objects.exists()

    enqueued[0]()  # the worker runs the task (eager here; a real one below)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert (job.rows, job.created, job.error_count) == (40, 38, 2)
    assert job.content == b""  # the file is not kept once imported
    assert HoaxEntry.objects.count() == 38
    # The history names the curator, though no request was there to say so.
    assert {h.history_user for h in HoaxEntry.history.all()} == {chat_curator}
    page = html.unescape(curator_client.get(f"{IMPORT}{job.pk}/").content.decode())
    assert "Selesai" in page and "38 baru, 0 diperbarui, 0 tetap, 2 galat" in page
    assert "baris 40" in page and 'http-equiv="refresh"' not in page
    listing = curator_client.get(IMPORT).content.decode()
    assert "Impor terakhir" in listing and f"{IMPORT}{job.pk}/" in listing


def test_progress_is_shown_while_a_job_runs(background, curator_client):
    job = stored(archive(1200))
    seen = []
    original = imports.hoax_import

    def watched(**kwargs):
        def progress(done):
            kwargs_progress(done)
            job.refresh_from_db()
            seen.append(
                html.unescape(curator_client.get(f"{IMPORT}{job.pk}/").content.decode())
            )

        kwargs_progress = kwargs.pop("progress")
        return original(**kwargs, progress=progress)

    imports.IMPORTERS[ImportJob.Kind.HOAX] = (watched, imports.HOAX_REQUIRED)
    try:
        imports.import_job_run(job_id=job.pk)
    finally:
        imports.IMPORTERS[ImportJob.Kind.HOAX] = (original, imports.HOAX_REQUIRED)
    assert "Sedang diimpor" in seen[0] and "500 dari 1.200 baris" in seen[0]
    assert "1.000 dari 1.200 baris" in seen[1]
    assert len(seen) == 3


def test_a_job_the_broker_never_got_is_run_by_the_sweep(
    background, curator_client, django_capture_on_commit_callbacks, monkeypatch
):
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379.")

    monkeypatch.setattr(run_import_job, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        r = upload(curator_client, archive(20))
    assert r.status_code == 302  # the curator is not kept waiting for the broker
    monkeypatch.undo()
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.QUEUED
    assert imports.import_jobs_due_ids() == []  # young: its task may be on its way
    ImportJob.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    sweep_import_jobs()
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and HoaxEntry.objects.count() == 20
    # A late task, or the next sweep, finds nothing to do.
    run_import_job(job.pk)
    sweep_import_jobs()
    assert HoaxEntry.objects.count() == 20 and job.attempts == 1


def test_a_job_whose_worker_died_is_run_again_without_duplicates(background, settings):
    job = stored(archive(30))
    # Its worker took it and died mid-import: the transaction rolled back.
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.RUNNING, started_at=timezone.now(), attempts=1
    )
    assert imports.import_jobs_due_ids() == []  # may still be running
    assert imports.import_job_run(job_id=job.pk) is None  # not taken twice
    ImportJob.objects.filter(pk=job.pk).update(
        started_at=timezone.now()
        - dt.timedelta(seconds=settings.CHATBOT_IMPORT_STALE_SECONDS + 1)
    )
    assert imports.import_jobs_due_ids() == [job.pk]
    sweep_import_jobs()
    job.refresh_from_db()
    assert (job.state, job.attempts, job.created) == (ImportJob.State.DONE, 2, 30)
    assert HoaxEntry.objects.count() == 30


def test_a_system_error_is_retried_then_reported(background, monkeypatch):
    job = stored(archive(5))

    def database_gone(**kwargs):
        raise RuntimeError("server closed the connection unexpectedly")

    monkeypatch.setitem(
        imports.IMPORTERS, ImportJob.Kind.HOAX, (database_gone, imports.HOAX_REQUIRED)
    )
    for attempt in range(1, imports.MAX_ATTEMPTS + 1):
        with pytest.raises(RuntimeError):
            imports.import_job_run(job_id=job.pk)
        job.refresh_from_db()
        assert (job.state, job.attempts) == (ImportJob.State.QUEUED, attempt)
        assert job.content  # kept for the next try
    imports.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and "berulang kali" in job.message
    assert job.content == b"" and not HoaxEntry.objects.exists()


def test_a_file_with_many_bad_rows_keeps_the_first_messages(
    background, curator_client, monkeypatch
):
    monkeypatch.setattr(imports, "KEEP_ERRORS", 3)
    job = stored(archive(10, bad=8))
    imports.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.created, job.error_count, len(job.errors)) == (2, 8, 3)
    page = html.unescape(curator_client.get(f"{IMPORT}{job.pk}/").content.decode())
    assert "… dan 5 galat lainnya" in page


def test_a_small_upload_is_still_imported_at_once(curator_client):
    r = upload(curator_client, archive(3))
    assert r.status_code == 302 and r["Location"].endswith("/hoaxentry/")
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.DONE and job.created == 3


def test_only_curators_see_import_jobs(background, client, curator_client):
    from core.models import User

    job = stored(archive(3))
    assert curator_client.get(f"{IMPORT}{job.pk}/").status_code == 200
    # A job of the other kind is not found under this list.
    assert (
        curator_client.get(f"/admin/chatbot/faqentry/import/{job.pk}/").status_code
        == 404
    )
    staff = User.objects.create_user(
        "+6281299990009", "staff-pass", role="resident", is_staff=True
    )
    client.force_login(staff)
    r = client.get(f"{IMPORT}{job.pk}/")
    assert r.status_code == 302 and "arsip.csv" not in r.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_an_upload(background, chat_curator, celery_worker_live):
    import time

    from django.test import Client

    client = Client()
    client.force_login(chat_curator)
    r = upload(client, archive(50))
    assert r.status_code == 302
    job = ImportJob.objects.get()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            break
        time.sleep(0.2)
    assert job.state == ImportJob.State.DONE and job.created == 50
    assert {h.history_user for h in HoaxEntry.history.all()} == {chat_curator}


def test_the_history_says_which_file_changed_an_entry(background, curator_client):
    job = stored(archive(2))
    imports.import_job_run(job_id=job.pk)
    reasons = set(HoaxEntry.history.values_list("history_change_reason", flat=True))
    assert reasons == {"Impor berkas arsip.csv"}
