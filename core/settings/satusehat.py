"""The SATUSEHAT bridge (core.satusehat): off unless its URLs, client and organization
are set."""

from __future__ import annotations

from core.settings.env import env, env_int

# Kemenkes' FHIR R4 platform. Off unless all of the URLs, client id/secret and the
# organization id are set. Sandbox: auth https://api-satusehat-stg.dto.kemkes.go.id/oauth2/v1,
# FHIR https://api-satusehat-stg.dto.kemkes.go.id/fhir-r4/v1; production: the same paths
# on https://api-satusehat.kemkes.go.id.
SATUSEHAT_AUTH_URL = env("SATUSEHAT_AUTH_URL").rstrip("/")
SATUSEHAT_BASE_URL = env("SATUSEHAT_BASE_URL").rstrip("/")
SATUSEHAT_CLIENT_ID = env("SATUSEHAT_CLIENT_ID")
SATUSEHAT_CLIENT_SECRET = env("SATUSEHAT_CLIENT_SECRET")
SATUSEHAT_ORGANIZATION_ID = env("SATUSEHAT_ORGANIZATION_ID")
# Cases per transaction Bundle; seconds of HTTP timeout; retry back-off base (doubles per
# attempt, capped at an hour); seconds a claimed outbox row stays with its sender.
SATUSEHAT_BUNDLE_CASES = env_int("SATUSEHAT_BUNDLE_CASES", 25)
# Bundles in flight at once per sender.
SATUSEHAT_CONCURRENCY = env_int("SATUSEHAT_CONCURRENCY", 4)
SATUSEHAT_TIMEOUT = float(env("SATUSEHAT_TIMEOUT", "30"))
SATUSEHAT_RETRY_BASE_SECONDS = float(env("SATUSEHAT_RETRY_BASE_SECONDS", "30"))
SATUSEHAT_LEASE_SECONDS = env_int("SATUSEHAT_LEASE_SECONDS", 300)
# Key that encrypts the NIKs kept for the bridge (Fernet, derived from it); default
# SIGAP_PERSON_KEY_SECRET, else SECRET_KEY.
SATUSEHAT_NIK_KEY = env("SATUSEHAT_NIK_KEY")
