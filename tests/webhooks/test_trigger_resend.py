"""`webhooks trigger --server` with OAuth: a request answered HTTP 401 is asked once more
with a renewed token (a 401 queues nothing), and that second ask is never silent."""

from __future__ import annotations

import pytest
from client.scripted import Reply, ScriptedRequest, graphql_reply, scripted_server

from codegen.cli import main
from codegen.webhooks.trigger import TRIGGER_PATH

SECRET = "s3cr3t-of-the-client"


@pytest.mark.parametrize("queued_before_401", [True, False])
def test_a_trigger_refused_with_401_is_asked_once_more_and_says_so(
    queued_before_401: bool, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("PLUVO_TOKEN", "PLUVO_TOKEN_URL", "PLUVO_CLIENT_ID", "PLUVO_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    handed = iter(["first-token", "second-token"])
    queued: list[bytes] = []

    def answer(request: ScriptedRequest) -> Reply:
        if request.path == "/oauth/token/":
            return graphql_reply({"access_token": next(handed)})
        assert request.path == TRIGGER_PATH
        if request.headers["authorization"] == "Bearer first-token":
            if queued_before_401:  # hostile: queues, then refuses
                queued.append(request.body)
            return Reply(401, b'{"errors": [{"message": "expired"}]}')
        queued.append(request.body)
        return graphql_reply({"queued": 1}, status=202)

    with scripted_server(answer) as server:
        code = main(
            [
                *("webhooks", "trigger", "USER_CREATED", "--server", server.url),
                *("--token-url", server.token_url, "--client-id", "c", "--client-secret", SECRET),
                *("--timeout", "5"),
            ]
        )
        paths = [request.path for request in server.requests]
    out, err = capsys.readouterr()
    assert code == 0, err
    assert paths == ["/oauth/token/", TRIGGER_PATH, "/oauth/token/", TRIGGER_PATH]
    assert len(queued) == (2 if queued_before_401 else 1)
    # One warning line, naming the route; no secret or token anywhere.
    assert err.count("\n") == 1 and err.startswith("pluvo-codegen: warning: "), err
    assert f"{server.base}{TRIGGER_PATH} answered HTTP 401 and was asked once more" in err
    for hidden in (SECRET, "first-token", "second-token"):
        assert hidden not in out + err
