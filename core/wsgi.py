"""WSGI entry point: the HTTP side as deployed (granian's WSGI workers, README
"Deployment"); websockets are served by `core.asgi` on daphne."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
application = get_wsgi_application()

from core.warmup import warm_up  # noqa: E402

warm_up()

# Everything loaded so far (Django, the apps, URL patterns) lives as long as the
# process: keep it out of the garbage collector's full collections.
from core.longlived import freeze_after_build, tune_collector  # noqa: E402

freeze_after_build()
tune_collector()
