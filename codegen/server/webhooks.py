"""Webhooks on the reference server: the outbox, the worker, and `POST /webhooks/trigger/`.

House policy: every certificate `generateCertificate` issues emits one
`EVENT_CERTIFICATE_ACHIEVED` per user (the outbox's trigger on `portfolio_item`).
`POST /webhooks/trigger/` (bearer token, JSON `{"event", "userId"?, "certificateId"?}`)
stands in for Pluvo's automatic issuance: for `EVENT_CERTIFICATE_ACHIEVED` it issues
a template (the given one, else the first in (name, id) order) to the user (the given
one, else the first by id), which emits the event like any issuance; any other event
name queues a sample event of that name. It answers 202, or 409 when no webhook URL
is subscribed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from codegen.runtime.webhooks import EVENT_CERTIFICATE_ACHIEVED
from codegen.server.app import BodyTooLarge, ClientGone, gone, json_error, read_body
from codegen.server.auth import TokenIssuer
from codegen.server.delivery import DeliveryWorker, WebhookSettings
from codegen.server.outbox import Outbox
from codegen.server.storage import Storage

# The route `webhooks trigger --server` posts to: one constant for both ends.
from codegen.webhooks.trigger import TRIGGER_PATH

__all__ = ["WebhookSettings", "start_webhooks"]


_BODY_LIMIT = 64 * 1024


def add_trigger_route(
    app: Starlette, storage: Storage, outbox: Outbox, issuer: TokenIssuer
) -> None:
    """Add `POST /webhooks/trigger/` to the app."""

    async def trigger(request: Request) -> Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not issuer.accepts(token.strip()):
            return json_error(401, "Authentication required: send Authorization: Bearer <token>.")
        try:
            data: Any = json.loads(await read_body(request, _BODY_LIMIT))
            event = data["event"]
            user_id = uuid.UUID(data["userId"]) if data.get("userId") else None
            template_id = uuid.UUID(data["certificateId"]) if data.get("certificateId") else None
            if not isinstance(event, str) or not event:
                raise TypeError(event)
        except BodyTooLarge:
            return json_error(413, "The body is larger than 64 KiB.")
        except ClientGone:
            return gone()
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return json_error(
                400, 'Expected JSON {"event": NAME, "userId"?: UUID, "certificateId"?}.'
            )
        if outbox.subscribed_url() is None:
            return json_error(
                409, "No webhook URL is subscribed: start the server with --webhook-url."
            )
        if event != EVENT_CERTIFICATE_ACHIEVED:
            payload: dict[str, Any] = {"id": str(uuid.uuid4())}
            if user_id is not None:
                payload["user"] = {"id": str(user_id)}
            outbox.enqueue(event, payload)
            return JSONResponse({"event": event, "queued": 1}, status_code=202)
        return _issue_automatically(storage, user_id, template_id)

    app.router.routes.append(Route(TRIGGER_PATH, trigger, methods=["POST"]))


def _issue_automatically(
    storage: Storage, user_id: uuid.UUID | None, template_id: uuid.UUID | None
) -> Response:
    if user_id is None:
        users = storage.list_users()
        if not users:
            return json_error(409, "The server has no users to issue a certificate to.")
        user_id = users[0].id
    if template_id is None:
        templates = storage.list_certificate_ids()
        if not templates:
            return json_error(409, "The server has no certificate templates.")
        template_id = templates[0]
    certificate = storage.find_certificate(template_id)
    if certificate is None:
        return json_error(400, f"No certificate template has the id {template_id}.")
    now = datetime.now(UTC)
    title = certificate.title if certificate.title is not None else certificate.name
    result = storage.issue(certificate, [user_id], title, None, now, now)
    if not result.succeeded:
        return json_error(400, f"No user has the id {user_id}.")
    return JSONResponse(
        {"event": EVENT_CERTIFICATE_ACHIEVED, "userId": str(user_id), "queued": 1},
        status_code=202,
    )


def start_webhooks(
    app: Starlette,
    storage: Storage,
    issuer: TokenIssuer,
    settings: WebhookSettings | None,
    base_url: str,
) -> Callable[[], Awaitable[None]]:
    """Set up the outbox and the trigger route, start delivering; return what stops it.

    Call it from a running event loop. Without settings nothing is subscribed:
    certificates are issued without events, and deliveries still pending from an
    earlier run wait in the outbox.
    """
    outbox = Outbox(storage)
    outbox.subscribe(None if settings is None else settings.url, base_url)
    add_trigger_route(app, storage, outbox, issuer)
    if settings is None:
        return _nothing
    task = asyncio.create_task(DeliveryWorker(outbox, settings, base_url).run())

    async def stop() -> None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return stop


async def _nothing() -> None:
    pass
