"""The index follows publish/archive without a restart, in every process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.core.cache import cache

from chatbot import index
from chatbot.models import FaqEntry, HoaxEntry, Synonym
from chatbot.services import entries_set_status, faq_save, synonym_save
from tests.helpers import child_database_url, require_postgres, require_redis

pytestmark = pytest.mark.django_db


def make_faq(**kw) -> FaqEntry:
    fields = {
        "question": "Kapan posyandu lansia dibuka?",
        "answer": "Setiap Selasa pukul 08.00.",
        "alternates": ["Jadwal posyandu lansia"],
        "status": "published",
    }
    return faq_save(entry=FaqEntry(**{**fields, **kw}))


def answer(text):
    return index.engine_get().answer(text, thresholds=index.thresholds())


def test_it_picks_up_a_published_entry_without_a_restart(
    django_capture_on_commit_callbacks,
):
    assert answer("jadwal posyandu lansia kapan").kind == "fallback"
    with django_capture_on_commit_callbacks(execute=True):
        entry = make_faq(status="draft")
    assert answer("jadwal posyandu lansia kapan").kind == "fallback"
    with django_capture_on_commit_callbacks(execute=True):
        entries_set_status(entries=[entry], status="published")
    out = answer("jadwal posyandu lansia kapan")
    assert (out.kind, out.faq.entry_id) == ("faq", entry.pk)
    with django_capture_on_commit_callbacks(execute=True):
        entries_set_status(entries=[entry], status="archived")
    assert answer("jadwal posyandu lansia kapan").kind == "fallback"


def test_it_applies_new_synonyms(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_faq()
    before = answer("kapan posbindu lansia dibuka").faq_hits[0].score
    with django_capture_on_commit_callbacks(execute=True):
        synonym_save(synonym=Synonym(term="posbindu", canonical="posyandu"))
    assert answer("kapan posbindu lansia dibuka").faq_hits[0].score > before


@pytest.mark.django_db(transaction=True)
def test_it_keeps_answering_while_rebuilding_in_the_background(settings):
    settings.CHATBOT_INDEX_REBUILD_IN_BACKGROUND = True
    old = index.engine_get()
    make_faq()
    assert index.engine_get() is old  # served at once by the previous index
    deadline = time.monotonic() + 10
    while index.engine_get() is old and time.monotonic() < deadline:
        time.sleep(0.05)
    assert answer("jadwal posyandu lansia kapan").kind == "faq"


def test_it_checks_the_shared_version_at_most_every_interval(settings):
    settings.CHATBOT_INDEX_CHECK_SECONDS = 60
    first = index.engine_get()
    cache.set(index.VERSION_KEY, "changed-elsewhere", None)
    assert index.engine_get() is first
    settings.CHATBOT_INDEX_CHECK_SECONDS = 0
    assert index.engine_get() is not first


def test_it_derives_the_version_from_the_database_without_the_cache():
    cache.delete(index.VERSION_KEY)
    v1 = index.current_version()
    cache.delete(index.VERSION_KEY)
    assert index.current_version() == v1
    HoaxEntry.objects.create(claim="klaim", verdict="hoax", explanation="x")
    cache.delete(index.VERSION_KEY)
    assert index.current_version() != v1


CHILD = textwrap.dedent(
    """
    import sys, django
    django.setup()
    from chatbot.index import engine_get, thresholds
    def kind():
        return engine_get().answer("jadwal posyandu lansia kapan", thresholds=thresholds()).kind
    print(kind(), flush=True)
    sys.stdin.readline()
    print(kind(), flush=True)
    """
)


@pytest.mark.django_db(transaction=True)
def test_another_process_sees_a_publish():
    """A second Python process (like another web worker) notices through Redis."""
    require_redis()
    require_postgres()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "core.settings",
        "DATABASE_URL": child_database_url(),
        "CHATBOT_INDEX_CHECK_SECONDS": "0",
        "CHATBOT_INDEX_REBUILD_IN_BACKGROUND": "0",
    }
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "fallback"
        make_faq()  # committed: on_commit bumps the version in Redis
        child.stdin.write("go\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "faq"
    finally:
        child.kill()
        child.wait(5)
