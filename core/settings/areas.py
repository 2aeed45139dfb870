"""Risk areas, the public map, open data and case integration (core.areas,
core.cases)."""

from __future__ import annotations

from core.settings.env import env, env_bool, env_int
from core.settings.web import BASE_DIR

SIGAP_BOUNDARIES_FILE = env(
    "SIGAP_BOUNDARIES_FILE",
    str(BASE_DIR.parent / "shared" / "data" / "kecamatan.geojson.gz"),
)

# A point outside every kecamatan but this close to one resolves to it, flagged approximate.
SIGAP_AREAS_APPROX_METERS = env_int("SIGAP_AREAS_APPROX_METERS", 2000)
# A point at sea among an archipelago kecamatan's islands (its outline), or this close
# to one of them, is that kecamatan (approximate): the file lacks the smallest islands.
SIGAP_AREAS_ISLAND_METERS = env_int("SIGAP_AREAS_ISLAND_METERS", 25000)
# Public area responses: Cache-Control max-age (they are also cached server-side).
SIGAP_AREAS_CACHE_SECONDS = env_int("SIGAP_AREAS_CACHE_SECONDS", 300)
# How often a process checks whether boundaries changed (rebuilds its spatial index).
SIGAP_AREAS_INDEX_CHECK_SECONDS = env_int("SIGAP_AREAS_INDEX_CHECK_SECONDS", 10)
# Per-client rate of the public area endpoints (cheap, cached reads).
SIGAP_THROTTLE_AREAS = env("SIGAP_THROTTLE_AREAS", "3000/min")
# Counts 1-4 at kelurahan/desa level published as "<5" (map, API, open data alike).
SMALL_COUNT_SUPPRESSION = env_bool("SMALL_COUNT_SUPPRESSION", True)
# Basemap tiles for the public map (e.g. https://tile.example/{z}/{x}/{y}.png); empty:
# the polygons alone, which work offline.
MAP_TILE_URL = env("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "")
# Public map data (zones per day, shapes): Cache-Control max-age.
SIGAP_MAP_CACHE_SECONDS = env_int("SIGAP_MAP_CACHE_SECONDS", 300)
# Open data (/data/): who publishes it and under which licence (catalogue metadata).
OPEN_DATA_PUBLISHER = env("OPEN_DATA_PUBLISHER", "Dinas Kesehatan (Sigap)")
OPEN_DATA_LICENSE = env(
    "OPEN_DATA_LICENSE", "https://creativecommons.org/licenses/by/4.0/"
)
# /kantor/: a source with no report for this many hours is flagged as quiet.
SIGAP_SOURCE_QUIET_HOURS = env_int("SIGAP_SOURCE_QUIET_HOURS", 48)
SIGAP_THROTTLE_INTEGRATOR = env("SIGAP_THROTTLE_INTEGRATOR", "600/min")
SIGAP_CASES_BATCH_MAX = env_int("SIGAP_CASES_BATCH_MAX", 1000)
# Key of the hashes that match people across sources (NIK is never stored). Changing it
# breaks matching with earlier reports: set once per deployment. Default: SECRET_KEY.
SIGAP_PERSON_KEY_SECRET = env("SIGAP_PERSON_KEY_SECRET")
