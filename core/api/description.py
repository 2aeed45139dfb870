"""The API's description in its OpenAPI schema (settings read it: no imports)."""

API_DESCRIPTION = """
Self-check, isolation monitoring, risk areas, teleconsultation, hospital beds, PSC 119
and the chatbot, for Indonesia's health offices. Bahasa Indonesia first: send
`Accept-Language: en` for English.

**Errors.** Every 4xx and 5xx answers `{"error": {"code", "message", "fields"}}`
(the `Error` schema): `code` is stable and meant for programs, `message` for people,
`fields` names each field in error with what is wrong. A 429 or 503 carries
`Retry-After` when the wait is known. Writes that a phone may retry carry a client id
or key (`client_key` on self-checks, `client_id` on check-ins): the same request again
answers 200 with what was stored, a different request under the same id a 409.

**Lists.** A list that grows with use comes a page at a time:
`{"next", "previous", "results"}`, `next`/`previous` links (null at either end) to
follow as they are. `page_size` sets the rows per page (1 to 200; the default is
each list's own) and `cursor` where a page starts; any other `page_size`, or a cursor
the API did not give, is a 400 on that field (`invalid_cursor`). Each list keeps its
order across pages (the health workers' alerts: danger first, newest first).

**Signing in.** Residents: `POST /api/v1/auth/otp/request {"phone"}`, then
`POST /api/v1/auth/otp/verify {"phone", "code"}` gives a token; send it as
`Authorization: Token <token>`. On the embedded default (`make run`, DEBUG on) the
code is printed on the server's console (`[sigap sms] sign-in code 123456`), never
sent. Staff sign in with `POST /api/v1/auth/password`.

**Websockets** (same host and port, `ws://` or `wss://`). Native apps, which send no
`Origin`, authenticate with `?token=<token>`; browsers with their session. A refused
socket is accepted and then closed, so the client sees the code: 4401 not signed in,
4403 wrong role, 4404 not a participant, 4409 room not open.
- `ws/dashboard/` (health workers) and `ws/psc/` (PSC operators): live feeds.
  Client frames `{"type": "replay", "after": <last seq applied>}` (on every connect,
  on a gap, every 20 s) and `{"type": "ping"}`; server frames
  `{"type": "event", "event": {"seq", ...}}` (each seq once per connection),
  `{"type": "replayed", "last_seq", "more"}`, `{"type": "pong"}`,
  `{"type": "error", "code", "message"}`. `GET /api/v1/isolation/events?after=N`
  gives the same events over HTTP.
- `ws/teleconsult/{id}/` (the patient and the doctor of a consultation, from 10
  minutes before its start to 30 after its end): `{"type": "history", "messages"}`
  on join, then `{"type": "message", "text"}` both ways.
- `ws/chat/`: the chatbot. In `{"type": "message", "text"}`, `{"type": "choice",
  "id"}`, `{"type": "location", "lat", "lng"}`; out `{"type": "reply", "text",
  "choices": [{"id", "title", "description"}], "request_location"}`.
"""
