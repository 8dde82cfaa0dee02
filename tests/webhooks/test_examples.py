"""The receiver examples in docs/webhooks.md, run as written and checked by `webhooks check`."""

from __future__ import annotations

import re
import types
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import httpx
import pytest
from server.reference import REPO
from serving import serve_asgi, serve_wsgi

from codegen.webhooks.check import PROPERTIES, CheckOptions, check_receiver
from codegen.webhooks.samples import SignedDelivery, certificate_achieved
from pluvo_client.webhooks import CertificateAchieved

DOCS = REPO / "docs" / "webhooks.md"
SECRET = "docs-example-secret"
EXAMPLE = re.compile(r"```python\n# example: (\w+)\n(.*?)```", re.DOTALL)
SERVERS: dict[str, Callable[[Any], AbstractContextManager[str]]] = {
    "starlette": serve_asgi,
    "flask": serve_wsgi,
}


def load_example(name: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[Any]]:
    """Run the example's code as a module; return its `app` and the events it processed."""
    examples = dict(EXAMPLE.findall(DOCS.read_text(encoding="utf-8")))
    assert set(examples) == set(SERVERS)
    monkeypatch.setenv("PLUVO_WEBHOOK_SECRET", SECRET)
    module = types.ModuleType(f"webhook_example_{name}")
    exec(compile(examples[name], f"{DOCS}:{name}", "exec"), module.__dict__)
    processed: list[Any] = []
    original: Callable[[Any], None] = getattr(module, "process")  # noqa: B009

    def process(event: Any) -> None:
        processed.append(event)
        if getattr(event, "data", {}).get("fail") == len(processed):
            raise RuntimeError("the queue is down")  # the example's own processing fails
        original(event)

    module.process = process  # type: ignore[attr-defined]
    return getattr(module, "app"), processed  # noqa: B009


@pytest.fixture(params=sorted(SERVERS))
def example(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    if request.param == "flask":
        pytest.importorskip("flask", reason="Flask is in the dev dependency group")
    app, processed = load_example(request.param, monkeypatch)
    with SERVERS[request.param](app) as base:
        yield f"{base}/pluvo/webhooks", processed


def test_each_documented_receiver_holds_every_property(example: tuple[str, list[Any]]) -> None:
    url, _ = example
    report = check_receiver(CheckOptions(url=url, secret=SECRET, timeout=10))
    assert [o.name for o in report.outcomes] == list(PROPERTIES)
    assert report.violated == [], [o.reason for o in report.violated]


def test_each_documented_receiver_processes_an_event_once_however_often_it_comes(
    example: tuple[str, list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    url, processed = example
    user = uuid.uuid4()
    data = certificate_achieved(user)
    for _ in range(3):  # three deliveries, each with a new salt
        delivery = SignedDelivery.of(data, SECRET)
        response = httpx.post(url, content=delivery.body, headers=delivery.headers)
        assert response.status_code == 200
    forged = SignedDelivery.of(certificate_achieved(user), "not the secret")
    assert httpx.post(url, content=forged.body, headers=forged.headers).status_code == 401
    assert len(processed) == 1
    (event,) = processed
    assert isinstance(event, CertificateAchieved)
    assert event.user.id == user
    assert f"for user {user}" in capsys.readouterr().out


def test_an_event_whose_processing_failed_is_processed_when_pluvo_retries_it(
    example: tuple[str, list[Any]],
) -> None:
    url, processed = example
    data = {**certificate_achieved(), "fail": 1}  # the first processing raises
    statuses = []
    for _ in range(3):
        delivery = SignedDelivery.of(data, SECRET)
        statuses.append(
            httpx.post(url, content=delivery.body, headers=delivery.headers).status_code
        )
    assert statuses == [500, 200, 200]
    assert len(processed) == 2  # the failed try, then the retry; the third was a duplicate
