from __future__ import annotations

from celery import shared_task
from django.core.cache import cache

from core.cases import services
from core.cases.figures import QUEUED_KEY


@shared_task(ignore_result=True)
def recompute_area_figures() -> None:
    """Work off the queue of kelurahan whose figures changed (and their parents)."""
    cache.delete(QUEUED_KEY)
    limit = 5000
    if services.figures_recompute_pending(limit=limit) >= limit:
        recompute_area_figures.apply_async(countdown=1)  # more queued: keep going


@shared_task(ignore_result=True)
def roll_forward_area_figures() -> None:
    """A new day for areas with people still in care (periodic)."""
    if services.figures_roll_forward():
        services.figures_recompute_pending()
