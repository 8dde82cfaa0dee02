"""codegen/json_reading.py: one way to read outside JSON, and the commands that no longer crash.

Before it, `webhooks trigger --server`, the contract kit's recorder and `contract --var`
caught ValueError only: JSON nested deeper than the decoder's stack raised
RecursionError, a traceback instead of exit 2 or a recorded answer.
"""

from __future__ import annotations

import sys

import pytest
from client.scripted import Reply, ScriptedRequest, scripted_server

from codegen.cli import main
from codegen.contract.connections import parse_vars
from codegen.contract.exchange_recorder import ExchangeRecorder
from codegen.errors import CodegenError
from codegen.json_reading import JSONProblem, read_json

DEEP = "[" * 100_000 + "]" * 100_000
LONG_NUMBER = "1" * (sys.get_int_max_str_digits() + 1)


def test_json_is_read_from_text_and_from_utf8_bytes() -> None:
    assert read_json('{"a": [1, "é"]}') == {"a": [1, "é"]}
    assert read_json('{"a": "é"}'.encode()) == {"a": "é"}


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("{\n  nope", "syntax", "x.json is not JSON: Expecting property name enclosed in"),
        (b"\xff{}", "encoding", "x.json is not UTF-8 (byte 0)"),
        (DEEP, "depth", "x.json is nested too deeply"),
        (LONG_NUMBER, "number", "x.json holds a number longer than Python reads (more than"),
    ],
)
def test_each_way_json_fails_is_one_problem_naming_what_was_read(
    text: str | bytes, kind: str, message: str
) -> None:
    with pytest.raises(JSONProblem) as caught:
        read_json(text, "x.json")
    assert caught.value.kind == kind
    assert str(caught.value).startswith(message)
    if kind == "syntax":
        assert (caught.value.line, caught.value.column) == (2, 3)
        assert caught.value.detail.startswith("Expecting property name")


def test_trigger_server_answering_json_nested_too_deeply_exits_2_without_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def answer(request: ScriptedRequest) -> Reply:
        return Reply(202, DEEP.encode())

    with scripted_server(answer) as server:
        trigger = ["webhooks", "trigger", "EVENT_CERTIFICATE_ACHIEVED", "--server", server.base]
        code = main([*trigger, "--token", "t", "--timeout", "5"])
        assert len(server.requests) == 1
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"pluvo-codegen: {server.base}/webhooks/trigger/: HTTP 202: ")
    assert "Traceback" not in err


def test_the_contract_recorder_keeps_an_answer_nested_too_deeply_as_text() -> None:
    def answer(request: ScriptedRequest) -> Reply:
        return Reply(200, DEEP.encode())

    with scripted_server(answer) as server:
        recorder = ExchangeRecorder(server.url, None, timeout=5)
        try:
            exchange = recorder.post("{ __typename }")
        finally:
            recorder.close()
        assert len(server.requests) == 1
    assert exchange.status == 200
    assert exchange.body is None
    assert exchange.text.startswith("[[[[")


def test_contract_var_values_too_deep_or_too_long_are_usage_errors_and_text_is_a_string() -> None:
    assert parse_vars(["certificates.kind=ACTIVE", "certificates.first=3"]) == {
        "certificates": {"kind": "ACTIVE", "first": 3}
    }
    with pytest.raises(CodegenError, match=r"^--var certificates\.kind: the JSON is nested too"):
        parse_vars([f"certificates.kind={DEEP}"])
    with pytest.raises(CodegenError, match=r"^--var certificates\.n: the JSON holds a number"):
        parse_vars([f"certificates.n={LONG_NUMBER}"])
