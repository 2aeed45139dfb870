"""A fake SATUSEHAT: a real HTTP server (in a thread) with the OAuth2 token endpoint
and the FHIR endpoints Sigap uses, answering like the real platform.

- POST {auth}/accesstoken?grant_type=client_credentials, form client_id/client_secret
  -> {"access_token", "expires_in": "<seconds as a string>", ...}; 401 on a bad secret.
- FHIR calls need `Authorization: Bearer <token>`; an expired or unknown token -> 401.
- POST {fhir}/ with a transaction Bundle: the Bundle and every resource in it is
  validated with fhir.resources (R4B); conditional creates (`ifNoneExist`) match by
  identifier; references to urn:uuid entries are rewritten; a transaction-response
  Bundle comes back, or an OperationOutcome (400) and nothing is stored.
- GET {fhir}/<Type>?identifier=system|value (value optional), paged with `next` links.
- `failure_rate` of the FHIR calls fail, deterministically (seeded): 503 or 429 before
  doing anything, or 504 *after* committing (the answer lost on the way back).
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

CLIENT_ID = "sigap-test-client"
CLIENT_SECRET = "sigap-test-secret"
ORG_ID = "100011111"


def outcome(code: str, text: str, severity: str = "error") -> dict:
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": severity,
                "code": code,
                "details": {"text": text},
                "diagnostics": text,
            }
        ],
    }


class FakeCentre:
    def __init__(
        self,
        *,
        failure_rate: float = 0.0,
        seed: int = 20,
        token_ttl: int = 14399,
        rejected_niks: set[str] | None = None,
        validate: bool = True,
    ):
        self.failure_rate = failure_rate
        self.random = random.Random(seed)
        self.token_ttl = token_ttl
        self.rejected_niks = rejected_niks or set()
        self.validate = validate
        self.lock = threading.Lock()
        self.store: dict[str, dict[str, dict]] = {}  # type -> id -> resource
        self.by_identifier: dict[tuple[str, str, str], str] = {}
        self.tokens: dict[str, float] = {}
        self.token_requests = 0
        self.calls = 0
        self.failures = 0
        self.unauthorized = 0
        self.received_resources = 0
        self.server: ThreadingHTTPServer | None = None

    # --- lifecycle ----------------------------------------------------------------------

    def start(self, port: int = 0) -> FakeCentre:
        centre = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                centre.handle(self, "POST")

            def do_GET(self):
                centre.handle(self, "GET")

            def do_PUT(self):
                centre.handle(self, "PUT")

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def auth_url(self) -> str:
        return f"{self.url}/oauth2/v1"

    @property
    def base_url(self) -> str:
        return f"{self.url}/fhir-r4/v1"

    def expire_tokens(self) -> None:
        with self.lock:
            self.tokens.clear()

    def resources(self, resource_type: str) -> list[dict]:
        with self.lock:
            return list(self.store.get(resource_type, {}).values())

    def count(self, resource_type: str) -> int:
        with self.lock:
            return len(self.store.get(resource_type, {}))

    def identifiers(self, resource_type: str) -> list[tuple[str, str]]:
        return [
            (i["system"], i["value"])
            for r in self.resources(resource_type)
            for i in r.get("identifier") or []
        ]

    def stats(self) -> dict:
        """Resources held per type, and how many share a business identifier with
        another one of their type (a duplicate: must stay 0)."""
        with self.lock:
            counts = {t: len(items) for t, items in self.store.items()}
            duplicates = {}
            for rtype, items in self.store.items():
                keys = [
                    (i.get("system"), i.get("value"))
                    for r in items.values()
                    for i in r.get("identifier") or []
                ]
                duplicates[rtype] = len(keys) - len(set(keys))
            return {
                "counts": counts,
                "duplicates": duplicates,
                "calls": self.calls,
                "failures": self.failures,
                "unauthorized": self.unauthorized,
                "token_requests": self.token_requests,
            }

    # --- HTTP ---------------------------------------------------------------------------

    def _send(self, handler, status: int, body: dict, headers: dict | None = None):
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/fhir+json")
        handler.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            handler.send_header(k, v)
        handler.end_headers()
        handler.wfile.write(data)

    def handle(self, handler, method: str) -> None:
        parsed = urlparse(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        if parsed.path == "/oauth2/v1/accesstoken" and method == "POST":
            return self._token(handler, parsed, raw)
        if parsed.path == "/_fake/stats":  # for tests and the bench, not SATUSEHAT's
            return self._send(handler, 200, self.stats())
        if not parsed.path.startswith("/fhir-r4/v1"):
            return self._send(handler, 404, outcome("not-found", "Unknown path"))
        auth = handler.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else ""
        with self.lock:
            expires = self.tokens.get(token)
        if not expires or expires < time.time():
            with self.lock:
                self.unauthorized += 1
            return self._send(
                handler,
                401,
                {
                    "fault": {
                        "faultstring": "Invalid Access Token",
                        "detail": {
                            "errorcode": "keymanagement.service.invalid_access_token"
                        },
                    }
                },
            )
        with self.lock:
            self.calls += 1
            failing = self.random.random() < self.failure_rate
            mode = self.random.choice(("503", "429", "504-after")) if failing else ""
            if failing:
                self.failures += 1
        if mode == "503":
            return self._send(handler, 503, outcome("transient", "Service Unavailable"))
        if mode == "429":
            return self._send(
                handler,
                429,
                outcome("throttled", "Too Many Requests"),
                {"Retry-After": "0"},
            )
        path = parsed.path[len("/fhir-r4/v1") :].strip("/")
        if method == "POST" and path == "":
            status, body = self._transaction(raw)
        elif method == "GET" and path and "/" not in path:
            status, body = self._search(path, parse_qs(parsed.query))
        else:
            status, body = 404, outcome("not-supported", f"{method} /{path}")
        if mode == "504-after":
            return self._send(handler, 504, outcome("timeout", "Gateway Timeout"))
        return self._send(handler, status, body)

    def _token(self, handler, parsed, raw: bytes) -> None:
        query = parse_qs(parsed.query)
        form = parse_qs(raw.decode())
        ok = (
            query.get("grant_type") == ["client_credentials"]
            and form.get("client_id") == [CLIENT_ID]
            and form.get("client_secret") == [CLIENT_SECRET]
        )
        if not ok:
            return self._send(
                handler, 401, {"fault": {"faultstring": "Invalid client credentials"}}
            )
        token = uuid.uuid4().hex
        with self.lock:
            self.token_requests += 1
            self.tokens[token] = time.time() + self.token_ttl
        return self._send(
            handler,
            200,
            {
                "refresh_token_expires_in": "0",
                "api_product_list": "[api-dev]",
                "organization_name": "ihs-prod-1",
                "developer.email": "dev@sigap.example",
                "token_type": "BearerToken",
                "issued_at": str(int(time.time() * 1000)),
                "client_id": CLIENT_ID,
                "access_token": token,
                "application_name": "sigap",
                "scope": "",
                "expires_in": str(self.token_ttl),
                "refresh_count": "0",
                "status": "approved",
            },
        )

    # --- FHIR ---------------------------------------------------------------------------

    def _transaction(self, raw: bytes) -> tuple[int, dict]:
        try:
            bundle = json.loads(raw)
        except ValueError:
            return 400, outcome("structure", "Body is not JSON")
        if (
            bundle.get("resourceType") != "Bundle"
            or bundle.get("type") != "transaction"
        ):
            return 400, outcome("invalid", "Expected a transaction Bundle")
        if self.validate:
            try:
                Bundle.model_validate(bundle)
                for entry in bundle.get("entry") or []:
                    resource = entry["resource"]
                    get_fhir_model_class(resource["resourceType"]).model_validate(
                        resource
                    )
            except Exception as exc:
                return 400, outcome("invalid", f"Resource invalid: {exc}"[:500])
        entries = bundle.get("entry") or []
        for entry in entries:
            resource = entry["resource"]
            if resource["resourceType"] == "Patient":
                for identifier in resource.get("identifier") or []:
                    if identifier.get("value") in self.rejected_niks:
                        return 400, outcome(
                            "business-rule",
                            "Patient dengan NIK tersebut tidak ditemukan di Dukcapil",
                        )
        with self.lock:
            self.received_resources += len(entries)
            staged: dict[str, dict[str, dict]] = {}
            staged_ids: dict[tuple[str, str, str], str] = {}
            refs: dict[str, str] = {}
            answers = []
            # First pass: ids for every entry (conditional creates matched).
            for entry in entries:
                resource, request = entry["resource"], entry["request"]
                rtype = resource["resourceType"]
                if request["method"] == "PUT":
                    rid = request["url"].split("/", 1)[1]
                    if rid not in self.store.get(rtype, {}):
                        return 404, outcome("not-found", f"{rtype}/{rid} not found")
                    answers.append(("200 OK", rtype, rid, True))
                else:
                    match = None
                    cond = request.get("ifNoneExist", "")
                    if cond.startswith("identifier="):
                        system, _, value = cond[len("identifier=") :].partition("|")
                        key = (rtype, system, value)
                        match = self.by_identifier.get(key) or staged_ids.get(key)
                    if match:
                        answers.append(("200 OK", rtype, match, False))
                    else:
                        rid = uuid.uuid4().hex[:20]
                        for i in resource.get("identifier") or []:
                            staged_ids[(rtype, i.get("system"), i.get("value"))] = rid
                        answers.append(("201 Created", rtype, rid, True))
                refs[entry.get("fullUrl", "")] = f"{answers[-1][1]}/{answers[-1][2]}"
            # Second pass: store with references resolved.
            for entry, (_, rtype, rid, write) in zip(entries, answers, strict=True):
                if not write:
                    continue
                resource = json.loads(_resolve(json.dumps(entry["resource"]), refs))
                resource["id"] = rid
                staged.setdefault(rtype, {})[rid] = resource
            for rtype, items in staged.items():
                self.store.setdefault(rtype, {}).update(items)
            self.by_identifier.update(staged_ids)
        return 200, {
            "resourceType": "Bundle",
            "type": "transaction-response",
            "entry": [
                {
                    "response": {
                        "status": status,
                        "location": f"{rtype}/{rid}/_history/1",
                        "etag": 'W/"1"',
                    }
                }
                for status, rtype, rid, _ in answers
            ],
        }

    def _search(self, rtype: str, query: dict) -> tuple[int, dict]:
        identifier = (query.get("identifier") or [""])[0]
        system, _, value = identifier.partition("|")
        count = int((query.get("_count") or ["100"])[0])
        offset = int((query.get("_offset") or ["0"])[0])
        since = (query.get("recorded-date") or [""])[0].removeprefix("ge")
        found = []
        for resource in self.resources(rtype):
            ids = resource.get("identifier") or []
            if identifier and not any(
                i.get("system") == system and (not value or i.get("value") == value)
                for i in ids
            ):
                continue
            if since and (resource.get("recordedDate") or "") < since:
                continue
            found.append(resource)
        found.sort(key=lambda r: r["id"])
        page = found[offset : offset + count]
        body = {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(found),
            "entry": [{"resource": r} for r in page],
            "link": [],
        }
        if offset + count < len(found):
            params = f"identifier={identifier}&_count={count}&_offset={offset + count}"
            if since:
                params += f"&recorded-date=ge{since}"
            body["link"].append(
                {"relation": "next", "url": f"{self.base_url}/{rtype}?{params}"}
            )
        return 200, body


def _resolve(text: str, refs: dict[str, str]) -> str:
    for full_url, ref in refs.items():
        if full_url:
            text = text.replace(f'"{full_url}"', f'"{ref}"')
    return text


class CentreProcess:
    """The fake centre in a process of its own (a real second CPU for big runs, and
    reachable by a Celery worker process)."""

    def __init__(self, *, failure_rate: float = 0.0, seed: int = 20):
        import subprocess
        import sys
        from pathlib import Path

        code = (
            "import sys, time; from tests.satusehat.fake_centre import FakeCentre; "
            f"c = FakeCentre(failure_rate={failure_rate}, seed={seed}).start(); "
            "print(c.server.server_address[1], flush=True); time.sleep(10**6)"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=Path(__file__).resolve().parents[2],
            stdout=subprocess.PIPE,
            text=True,
        )
        self.url = f"http://127.0.0.1:{int(self.process.stdout.readline())}"
        self.auth_url = f"{self.url}/oauth2/v1"
        self.base_url = f"{self.url}/fhir-r4/v1"

    def stats(self) -> dict:
        import httpx

        return httpx.get(f"{self.url}/_fake/stats", timeout=30).json()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
