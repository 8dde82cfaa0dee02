"""`parse_event`, the typed events, `handle_delivery` and `RecentDeliveries`."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from pluvo_client import GraphQLClientError
from pluvo_client.webhooks import (
    CertificateAchieved,
    RecentDeliveries,
    WebhookError,
    WebhookEvent,
    WebhookPayloadError,
    WebhookSignatureError,
    handle_delivery,
    parse_event,
    sign,
)

SECRET = "the-Secret-123"
USER = uuid.UUID("5b1f2a9e-8c7d-4e3f-9a1b-2c3d4e5f6a7b")

# The shape of Pluvo's shared example, with a field it does not document.
ACHIEVED: dict[str, Any] = {
    "id": "4f0c2d3e-0000-4000-8000-000000000001",
    "ref": "CERT-2024-0001",
    "event": "EVENT_CERTIFICATE_ACHIEVED",
    "sentDate": "2024-05-01T10:00:00.123Z",
    "training": {"id": "t-1", "name": "First Aid", "started_at": "2024-04-01"},
    "user": {"id": str(USER), "name": "Anna de Vries", "email": "anna@example.org", "ref": 7},
    "conditions": [{"type": "MODULE_GROUP", "id": 3}],
    "file": "https://acme.pluvo.com/media/certificates/1.pdf",
    "certificateTitle": "Diploma",
}


def encode(data: Any) -> bytes:
    return json.dumps(data).encode()


def headers_for(body: bytes, secret: str = SECRET, salt: str = "pepper") -> dict[str, str]:
    return {"X-Signature": sign(body, salt, secret), "X-Signature-Salt": salt}


def test_a_signed_certificate_event_parses_into_its_typed_class_keeping_unknown_fields() -> None:
    body = encode(ACHIEVED)
    event = parse_event(body, headers_for(body), SECRET)
    assert isinstance(event, CertificateAchieved)
    assert event.user.id == USER
    assert event.user.name == "Anna de Vries"
    assert event.user.model_extra == {"ref": 7}
    assert event.id == ACHIEVED["id"]
    assert event.ref == "CERT-2024-0001"
    assert event.training is not None and event.training.id == "t-1"
    assert event.training.model_extra == {"name": "First Aid", "started_at": "2024-04-01"}
    assert event.conditions == [{"type": "MODULE_GROUP", "id": 3}]
    assert event.file == ACHIEVED["file"]
    assert event.sent_date == datetime(2024, 5, 1, 10, 0, 0, 123000, tzinfo=UTC)
    assert event.model_extra == {"certificateTitle": "Diploma"}
    assert event.data == ACHIEVED


def test_header_names_are_matched_case_insensitively() -> None:
    body = encode(ACHIEVED)
    headers = {k.lower(): v for k, v in headers_for(body).items()}
    assert parse_event(body, headers, SECRET).event == "EVENT_CERTIFICATE_ACHIEVED"
    headers = {k.upper(): v for k, v in headers_for(body).items()}
    assert parse_event(body, headers, SECRET).event == "EVENT_CERTIFICATE_ACHIEVED"


def test_undocumented_fields_of_a_certificate_event_may_be_missing_or_null() -> None:
    data = {"event": "EVENT_CERTIFICATE_ACHIEVED", "user": {"id": str(USER)}, "ref": None}
    body = encode(data)
    event = parse_event(body, headers_for(body), SECRET)
    assert isinstance(event, CertificateAchieved)
    assert (event.id, event.ref, event.training, event.file, event.sent_date) == (None,) * 5


def test_numbers_and_snake_case_are_read_too() -> None:
    data = {**ACHIEVED, "id": 42, "sent_date": "2024-05-01T10:00:00Z"}
    del data["sentDate"]
    body = encode(data)
    event = parse_event(body, headers_for(body), SECRET)
    assert isinstance(event, CertificateAchieved)
    assert event.id == "42"
    assert event.sent_date == datetime(2024, 5, 1, 10, tzinfo=UTC)


def test_an_unknown_event_type_gives_a_generic_event_with_the_raw_data() -> None:
    data = {"event": "PORTFOLIO_ITEM_CREATED", "sentDate": "not a date", "item": {"id": 1}}
    body = encode(data)
    event = parse_event(body, headers_for(body), SECRET)
    assert type(event) is WebhookEvent
    assert event.event == "PORTFOLIO_ITEM_CREATED"
    assert event.sent_date is None  # malformed: None, and the text stays in `data`
    assert event.data == data
    assert event.model_extra == {"item": {"id": 1}}


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "no X-Signature header"),
        ({"X-Signature-Salt": "pepper"}, "no X-Signature header"),
        ({"X-Signature": "abc"}, "no X-Signature-Salt header"),
        ({"X-Signature": "abc", "X-Signature-Salt": "pepper"}, "does not match"),
    ],
)
def test_a_missing_or_wrong_signature_raises_a_signature_error(
    headers: dict[str, str], message: str
) -> None:
    with pytest.raises(WebhookSignatureError, match=message):
        parse_event(encode(ACHIEVED), headers, SECRET)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"[" * 100_000, "not JSON"),
        (b"[1, 2]", "a JSON list, not an object"),
        (b'"EVENT_CERTIFICATE_ACHIEVED"', "a JSON str, not an object"),
        (b"{}", "no string `event`"),
        (b'{"event": 3}', "no string `event`"),
        (b'{"event": "EVENT_CERTIFICATE_ACHIEVED"}', "user: Field required"),
        (b'{"event": "EVENT_CERTIFICATE_ACHIEVED", "user": {"id": "x"}}', "user.id"),
    ],
)
def test_a_body_that_is_not_an_event_raises_a_payload_error(body: bytes, message: str) -> None:
    with pytest.raises(WebhookPayloadError, match=message):
        parse_event(body, headers_for(body), SECRET)


def test_the_errors_derive_from_the_package_base_error_and_never_hold_the_secret() -> None:
    assert issubclass(WebhookSignatureError, WebhookError)
    assert issubclass(WebhookPayloadError, WebhookError)
    assert issubclass(WebhookError, GraphQLClientError)
    body = json.dumps({"event": "EVENT_CERTIFICATE_ACHIEVED", "user": {"id": SECRET}}).encode()
    attempts: list[tuple[bytes, dict[str, str]]] = [
        (body, {"X-Signature": SECRET, "X-Signature-Salt": SECRET}),  # the secret as signature
        (body, headers_for(body)),  # signed: fails on user.id, whose value is the secret
        (SECRET.encode(), headers_for(SECRET.encode())),  # the secret as the body
    ]
    for raw, headers in attempts:
        with pytest.raises(WebhookError) as caught:
            parse_event(raw, headers, SECRET)
        assert SECRET not in str(caught.value)
        assert SECRET not in repr(caught.value)
        assert (
            caught.value.__cause__ is None
        )  # the pydantic or JSON error, with its input, is not chained


def test_handle_delivery_answers_200_for_events_401_for_signatures_and_400_for_bodies() -> None:
    seen = RecentDeliveries()
    body = encode(ACHIEVED)
    first = handle_delivery(body, headers_for(body), SECRET, seen=seen)
    assert (first.status, first.is_new, first.duplicate) == (200, True, False)
    again = handle_delivery(body, headers_for(body, salt="other"), SECRET, seen=seen)
    assert (again.status, again.is_new, again.duplicate) == (200, False, True)
    unknown = encode({"event": "EVENT_NEW", "x": 1})
    assert handle_delivery(unknown, headers_for(unknown), SECRET, seen=seen).status == 200
    forged = handle_delivery(body, headers_for(body, secret="other"), SECRET)
    assert (forged.status, forged.event) == (401, None)
    assert isinstance(forged.error, WebhookSignatureError)
    broken = handle_delivery(b"[]", headers_for(b"[]"), SECRET)
    assert (broken.status, broken.event) == (400, None)
    assert isinstance(broken.error, WebhookPayloadError)


def test_a_redelivery_with_a_new_sent_date_has_the_same_dedupe_key() -> None:
    later = {**ACHIEVED, "sentDate": "2024-05-01T11:00:00.000Z"}
    reordered = dict(reversed(list(ACHIEVED.items())))
    keys = {
        parse_event(b, headers_for(b), SECRET).dedupe_key
        for b in (encode(ACHIEVED), encode(later), encode(reordered))
    }
    assert len(keys) == 1
    other_user = {**ACHIEVED, "user": {"id": str(uuid.uuid4())}}
    body = encode(other_user)
    assert parse_event(body, headers_for(body), SECRET).dedupe_key not in keys


def test_recent_deliveries_forgets_the_oldest_beyond_its_size() -> None:
    seen = RecentDeliveries(max_size=2)
    events = []
    for n in range(3):
        body = encode({"event": "E", "n": n})
        events.append(parse_event(body, headers_for(body), SECRET))
    assert [seen.first_time(e) for e in events] == [True, True, True]
    assert seen.first_time(events[2]) is False
    assert seen.first_time(events[0]) is True  # forgotten: it was the oldest
    with pytest.raises(ValueError):
        RecentDeliveries(max_size=0)


def test_recent_deliveries_lets_exactly_one_of_many_concurrent_redeliveries_through() -> None:
    seen = RecentDeliveries()
    body = encode(ACHIEVED)
    event = parse_event(body, headers_for(body), SECRET)
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def deliver() -> None:
        barrier.wait()
        results.append(seen.first_time(event))

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]


def test_a_forgotten_event_is_new_again() -> None:
    seen = RecentDeliveries()
    body = encode(ACHIEVED)
    event = parse_event(body, headers_for(body), SECRET)
    assert seen.first_time(event) is True
    seen.forget(event)
    assert seen.first_time(event) is True
    assert seen.first_time(event) is False
