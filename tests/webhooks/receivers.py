"""A correct webhook receiver and deliberately broken ones, each with one realistic bug.

The correct one is the documented Starlette example's logic: `handle_delivery` with
`RecentDeliveries`. Each broken one differs from it in one way, and `BUGS` names the
properties of `webhooks check` that must catch it (exactly those).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pluvo_client.webhooks import (
    EVENT_CERTIFICATE_ACHIEVED,
    RecentDeliveries,
    handle_delivery,
    sign,
)

__all__ = ["BUGS", "SECRET", "SLOW_SECONDS", "receivers"]

SECRET = "whsec-test-\u00e9-secret"
SLOW_SECONDS = 1.2  # longer than the check's timeout in the tests
Handler = Callable[[bytes, Request], Awaitable[int]]


async def correct(body: bytes, request: Request) -> int:
    return handle_delivery(body, request.headers, SECRET, seen=SEEN).status


SEEN = RecentDeliveries()


async def accepts_everything(body: bytes, request: Request) -> int:
    return 200


async def answers_410_when_refusing(body: bytes, request: Request) -> int:
    status = await correct(body, request)
    return 410 if status in (400, 401) else status


async def errors_on_unknown_events(body: bytes, request: Request) -> int:
    if json.loads(body).get("event") != EVENT_CERTIFICATE_ACHIEVED:
        return 500
    return await correct(body, request)


async def refuses_duplicates(body: bytes, request: Request) -> int:
    delivery = handle_delivery(body, request.headers, SECRET, seen=SEEN)
    return 409 if delivery.duplicate else delivery.status


async def only_the_urlsafe_alphabet(body: bytes, request: Request) -> int:
    salt = request.headers.get("x-signature-salt", "")
    expected = sign(body, salt, SECRET)
    return 200 if hmac.compare_digest(request.headers.get("x-signature", ""), expected) else 401


async def only_checks_that_a_signature_is_present(body: bytes, request: Request) -> int:
    return 200 if "x-signature" in request.headers else 401


async def verifies_the_reserialised_json(body: bytes, request: Request) -> int:
    canonical = json.dumps(json.loads(body), separators=(",", ":")).encode()
    salt = request.headers.get("x-signature-salt", "")
    expected = sign(canonical, salt, SECRET)
    return 200 if request.headers.get("x-signature") == expected else 401


async def verifies_json_dumps_of_the_decoded_body(body: bytes, request: Request) -> int:
    # The commonest form of it: Flask's `request.get_json()`, then `json.dumps`.
    return await correct(json.dumps(json.loads(body)).encode(), request)


async def verifies_what_json_stringify_would_send(body: bytes, request: Request) -> int:
    # JavaScript's `JSON.stringify(req.body)`: compact, UTF-8 as is.
    compact = json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False)
    return await correct(compact.encode(), request)


async def crashes_without_a_signature(body: bytes, request: Request) -> int:
    request.headers["x-signature"]  # a KeyError, so a 500, when it is missing
    return await correct(body, request)


async def key_is_secret_then_salt(body: bytes, request: Request) -> int:
    salt = request.headers.get("x-signature-salt", "")
    key = hashlib.sha1((SECRET + salt).encode()).digest()
    mac = base64.urlsafe_b64encode(hmac.new(key, body, hashlib.sha1).digest()).rstrip(b"=")
    ok = hmac.compare_digest(mac.decode(), request.headers.get("x-signature", ""))
    return 200 if ok else 401


async def too_slow_for_certificates(body: bytes, request: Request) -> int:
    status = await correct(body, request)
    if status == 200 and json.loads(body).get("event") == EVENT_CERTIFICATE_ACHIEVED:
        await asyncio.sleep(SLOW_SECONDS)  # processing inline instead of queueing it
    return status


REFUSALS = {
    "tampered_bodies_are_refused",
    "wrong_signatures_are_refused",
    "missing_signatures_are_refused",
    "other_secrets_are_refused",
}
ACCEPTANCES = {
    "valid_events_get_2xx",
    "redeliveries_get_2xx",
    "unknown_events_get_2xx",
    "both_alphabets_are_accepted",
}

# bug -> (handler, the properties that must be violated: exactly these)
BUGS: dict[str, tuple[Handler, set[str]]] = {
    "accepts_everything": (accepts_everything, REFUSALS),
    "answers_410_when_refusing": (answers_410_when_refusing, REFUSALS),
    "errors_on_unknown_events": (errors_on_unknown_events, {"unknown_events_get_2xx"}),
    "refuses_duplicates": (refuses_duplicates, {"redeliveries_get_2xx"}),
    "only_the_urlsafe_alphabet": (only_the_urlsafe_alphabet, {"both_alphabets_are_accepted"}),
    "only_checks_that_a_signature_is_present": (
        only_checks_that_a_signature_is_present,
        REFUSALS - {"missing_signatures_are_refused"},
    ),
    "verifies_the_reserialised_json": (verifies_the_reserialised_json, ACCEPTANCES),
    "verifies_json_dumps_of_the_decoded_body": (
        verifies_json_dumps_of_the_decoded_body,
        ACCEPTANCES,
    ),
    "verifies_what_json_stringify_would_send": (
        verifies_what_json_stringify_would_send,
        ACCEPTANCES,
    ),
    "crashes_without_a_signature": (
        crashes_without_a_signature,
        {"missing_signatures_are_refused"},
    ),
    "key_is_secret_then_salt": (key_is_secret_then_salt, ACCEPTANCES),
    "too_slow_for_certificates": (
        too_slow_for_certificates,
        ACCEPTANCES - {"unknown_events_get_2xx"},
    ),
}


def receivers() -> Starlette:
    """One app for all: the correct receiver at `/hook`, each broken one at `/bug/NAME`."""

    def route(path: str, handler: Handler) -> Route:
        async def endpoint(request: Request) -> Response:
            try:
                status = await handler(await request.body(), request)
            except Exception:  # the framework's default: an unhandled error is a 500
                status = 500
            return Response(status_code=status)

        return Route(path, endpoint, methods=["POST"])

    routes = [route("/hook", correct)]
    routes += [route(f"/bug/{name}", handler) for name, (handler, _) in BUGS.items()]
    return Starlette(routes=routes)
