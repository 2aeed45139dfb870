"""HTTP client for SATUSEHAT: OAuth2 client credentials and the FHIR endpoints.

The token is shared through the cache by every process and kept until shortly before
it expires; a 401 (revoked or expired early) gets one fresh token and one retry."""

from __future__ import annotations

import logging
import time

import httpx
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)
TOKEN_CACHE_KEY = "satusehat:token"
TOKEN_MARGIN_S = 60  # refresh this long before the centre says it expires


class SatusehatError(Exception):
    def __init__(self, message: str, *, status: int | None = None, outcome=None):
        super().__init__(message)
        self.status = status
        self.outcome = outcome


class TransientError(SatusehatError):
    """Worth retrying later: 429, 5xx, timeouts, refused connections."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw):
        super().__init__(message, **kw)
        self.retry_after = retry_after


class CredentialsError(TransientError):
    """The token endpoint refused Sigap's client id/secret."""


class PermanentError(SatusehatError):
    """The centre refused the content (4xx other than 401/429): retrying the same
    payload cannot help."""


def enabled() -> bool:
    return all(
        (
            settings.SATUSEHAT_AUTH_URL,
            settings.SATUSEHAT_BASE_URL,
            settings.SATUSEHAT_CLIENT_ID,
            settings.SATUSEHAT_CLIENT_SECRET,
            settings.SATUSEHAT_ORGANIZATION_ID,
        )
    )


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _json(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


class SatusehatClient:
    def __init__(self, http: httpx.Client | None = None):
        self.http = http or httpx.Client(timeout=settings.SATUSEHAT_TIMEOUT)
        self.auth_url = settings.SATUSEHAT_AUTH_URL
        self.base_url = settings.SATUSEHAT_BASE_URL

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> SatusehatClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- OAuth2 -------------------------------------------------------------------------

    def token(self, *, fresh: bool = False) -> str:
        if not fresh:
            cached = cache.get(TOKEN_CACHE_KEY)
            if cached:
                return cached
        try:
            response = self.http.post(
                f"{self.auth_url}/accesstoken",
                params={"grant_type": "client_credentials"},
                data={
                    "client_id": settings.SATUSEHAT_CLIENT_ID,
                    "client_secret": settings.SATUSEHAT_CLIENT_SECRET,
                },
            )
        except httpx.HTTPError as exc:
            raise TransientError(f"token: {type(exc).__name__}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise TransientError(
                f"token: HTTP {response.status_code}",
                status=response.status_code,
                retry_after=_retry_after(response),
            )
        body = _json(response)
        if response.status_code != 200 or not body.get("access_token"):
            # Wrong or revoked credentials are the configuration's fault, not the
            # records': they stay due, with this text, until an operator fixes it.
            raise CredentialsError(
                f"token refused (HTTP {response.status_code}): "
                f"{body.get('fault') or body.get('error') or response.text[:200]}",
                status=response.status_code,
            )
        # SATUSEHAT sends expires_in as a string ("14399").
        expires_in = int(float(body.get("expires_in") or 3600))
        timeout = max(1, expires_in - TOKEN_MARGIN_S)
        cache.set(TOKEN_CACHE_KEY, body["access_token"], timeout)
        return body["access_token"]

    # --- FHIR ---------------------------------------------------------------------------

    def request(self, method: str, path: str, **kwargs) -> dict:
        """One FHIR call with a valid token; the parsed body of a 2xx answer."""
        fresh = False
        for _ in range(2):
            headers = {
                "Authorization": f"Bearer {self.token(fresh=fresh)}",
                "Accept": "application/fhir+json",
            }
            if "json" in kwargs:
                headers["Content-Type"] = "application/fhir+json"
            started = time.monotonic()
            try:
                response = self.http.request(
                    method,
                    f"{self.base_url}/{path.lstrip('/')}",
                    headers=headers,
                    **kwargs,
                )
            except httpx.HTTPError as exc:
                raise TransientError(
                    f"{type(exc).__name__} on {method} {path}"
                ) from exc
            logger.debug(
                "satusehat %s %s -> %s in %.0f ms",
                method,
                path.split("?")[0],
                response.status_code,
                (time.monotonic() - started) * 1000,
            )
            if response.status_code == 401 and not fresh:
                cache.delete(TOKEN_CACHE_KEY)
                fresh = True
                continue
            break
        body = _json(response)
        status = response.status_code
        if 200 <= status < 300:
            return body
        from core.satusehat.fhir import outcome_text

        text = outcome_text(body) or response.text[:300]
        message = f"HTTP {status}: {text}"
        if status == 429 or status >= 500:
            raise TransientError(
                message, status=status, outcome=body, retry_after=_retry_after(response)
            )
        raise PermanentError(message, status=status, outcome=body)

    def transaction(self, bundle: dict) -> dict:
        return self.request("POST", "", json=bundle)

    def search(self, resource_type: str, params: dict) -> list[dict]:
        """Every resource matching a search, following the Bundle's `next` links."""
        found: list[dict] = []
        page = self._read("GET", resource_type, params=params)
        while True:
            found.extend(
                e["resource"] for e in page.get("entry") or [] if e.get("resource")
            )
            nxt = next(
                (
                    link["url"]
                    for link in page.get("link") or []
                    if link.get("relation") == "next"
                ),
                None,
            )
            if not nxt:
                return found
            path = nxt[len(self.base_url) :] if nxt.startswith(self.base_url) else nxt
            page = self._read("GET", path)

    def _read(self, method: str, path: str, attempts: int = 6, **kwargs) -> dict:
        """A read is safe to repeat: transient errors are retried here, with back-off."""
        for attempt in range(attempts):
            try:
                return self.request(method, path, **kwargs)
            except TransientError as exc:
                if attempt == attempts - 1:
                    raise
                wait = settings.SATUSEHAT_RETRY_BASE_SECONDS * 2**attempt
                time.sleep(min(30.0, max(wait, exc.retry_after or 0)))
        raise AssertionError("unreachable")
