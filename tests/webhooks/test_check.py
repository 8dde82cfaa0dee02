"""`webhooks check` catches each deliberately broken receiver by the right properties."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from serving import serve_asgi

from codegen.cli import main
from codegen.errors import TargetError
from codegen.webhooks.check import PROPERTIES, CheckOptions, check_receiver

from .receivers import BUGS, SECRET, SLOW_SECONDS, receivers


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serve_asgi(receivers()) as url:
        yield url


@pytest.fixture(scope="module")
def correct_url(base: str) -> str:
    return f"{base}/hook"


def test_a_correct_receiver_holds_every_property(correct_url: str) -> None:
    report = check_receiver(CheckOptions(url=correct_url, secret=SECRET, timeout=10))
    assert [o.name for o in report.outcomes] == list(PROPERTIES)
    assert report.violated == [], [o.reason for o in report.violated]
    assert all(o.exchanges for o in report.outcomes)


@pytest.mark.parametrize("bug", sorted(BUGS))
def test_each_broken_receiver_is_caught_by_the_properties_that_should_catch_it(
    bug: str, base: str
) -> None:
    _, expected = BUGS[bug]
    timeout = SLOW_SECONDS / 2 if bug == "too_slow_for_certificates" else 10.0
    report = check_receiver(CheckOptions(url=f"{base}/bug/{bug}", secret=SECRET, timeout=timeout))
    assert {o.name for o in report.violated} == expected
    for outcome in report.violated:
        assert outcome.reason and outcome.exchanges


def test_a_410_is_reported_as_disabling_the_subscription(base: str) -> None:
    url = f"{base}/bug/answers_410_when_refusing"
    only = ("other_secrets_are_refused",)
    report = check_receiver(CheckOptions(url=url, secret=SECRET, properties=only))
    assert [o.name for o in report.outcomes] == list(only)
    (outcome,) = report.violated
    assert "HTTP 410" in (outcome.reason or "")
    assert "disable the subscription" in (outcome.reason or "")


def test_the_command_exits_0_for_a_correct_receiver_and_prints_one_line_per_property(
    correct_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["webhooks", "check", "--url", correct_url, "--secret", SECRET]) == 0
    out = capsys.readouterr().out
    for name in PROPERTIES:
        assert f"held      {name}\n" in out
    assert f"{len(PROPERTIES)} held, 0 violated" in out
    assert SECRET not in out


def test_the_command_exits_1_with_json_naming_the_violations(
    base: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, expected = BUGS["accepts_everything"]
    url = f"{base}/bug/accepts_everything"
    code = main(["webhooks", "check", "--url", url, "--secret", SECRET, "--format", "json"])
    assert code == 1
    report = json.loads(capsys.readouterr().out)
    assert report["summary"] == {"held": len(PROPERTIES) - len(expected), "violated": len(expected)}
    violated = {p["name"]: p for p in report["properties"] if p["status"] == "violated"}
    assert set(violated) == expected
    exchange = violated["wrong_signatures_are_refused"]["exchanges"][0]
    assert exchange["response"] == {"status": 200, "error": None}
    assert "X-Signature" in exchange["request"]["headers"]


def test_the_text_report_shows_each_violating_delivery(
    base: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"{base}/bug/refuses_duplicates"
    assert main(["webhooks", "check", "--url", url, "--secret", SECRET]) == 1
    out = capsys.readouterr().out
    assert "violated  redeliveries_get_2xx" in out
    assert "VIOLATED redeliveries_get_2xx" in out
    assert "the same delivery again, byte for byte" in out
    assert "answer:  HTTP 409" in out


def test_nothing_listening_is_exit_2_not_a_violation(capsys: pytest.CaptureFixture[str]) -> None:
    with serve_asgi(receivers()) as closed:
        url = f"{closed}/hook"  # closed when the block ends: nothing listens there now
    assert main(["webhooks", "check", "--url", url, "--secret", SECRET]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "cannot connect" in captured.err
    with pytest.raises(TargetError):
        check_receiver(CheckOptions(url=url, secret=SECRET))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "ftp://x/", "--secret", "s"], "must start with http:// or https://"),
        (["--url", "http://127.0.0.1:9/"], "--secret (or PLUVO_WEBHOOK_SECRET) is required"),
        (
            ["--url", "http://127.0.0.1:9/", "--secret", "s", "--timeout", "0"],
            "must be a finite number above 0",
        ),
        (["--url", "http://127.0.0.1:9/", "--secret", "s", "--property", "nope"], "nope"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    args: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PLUVO_WEBHOOK_SECRET", raising=False)
    with pytest.raises(SystemExit) as exited:
        code = main(["webhooks", "check", *args])
        raise SystemExit(code)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
