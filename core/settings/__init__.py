"""Sigap settings, driven by environment variables only; Django reads this package
(DJANGO_SETTINGS_MODULE=core.settings), each module of it one concern.

No DATABASE_URL -> SQLite; no REDIS_URL -> in-memory channel layer, local-memory cache
and eager Celery (plus the embedded scheduler for periodic jobs). See .env.example.
"""

from core.settings.accounts import *  # noqa: F403
from core.settings.api import *  # noqa: F403
from core.settings.areas import *  # noqa: F403
from core.settings.chatbot import *  # noqa: F403
from core.settings.database import *  # noqa: F403
from core.settings.env import env, env_bool, env_int, env_list  # noqa: F401
from core.settings.log import *  # noqa: F403
from core.settings.redis_celery import *  # noqa: F403
from core.settings.satusehat import *  # noqa: F403
from core.settings.web import *  # noqa: F403
