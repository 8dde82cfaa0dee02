"""The kit's transport against an endpoint that trickles its answers for ever: every
exchange ends within the timeout, a mutation is not sent again, and the endpoint is
reported unreachable. Over real HTTP on loopback (`client/test_hostile_answers.py`)."""

from __future__ import annotations

import pytest
from client.test_hostile_answers import RawServer, _chunked_for_ever, _use, raw_server

from codegen.contract.exchange_recorder import ExchangeRecorder, OutcomeUnknownError
from codegen.errors import TargetError

__all__ = ["raw_server"]

TIMEOUT = 0.4


def test_a_mutation_whose_answer_trickles_in_for_ever_is_outcome_unknown_sent_once(
    raw_server: RawServer,
) -> None:
    server = _use(raw_server, _chunked_for_ever(0.05, b" "))
    recorder = ExchangeRecorder(f"{server.base}/graphql/", None, timeout=TIMEOUT)
    try:
        # Ended by the timeout: a trickle that stopped would be "the connection failed".
        with pytest.raises(OutcomeUnknownError, match=f"no answer came within {TIMEOUT:g} s"):
            recorder.post('mutation { generateCertificate(id: "x", userIds: []) { __typename } }')
    finally:
        recorder.close()
    assert server.paths == ["/graphql/"]


def test_an_endpoint_that_trickles_every_answer_is_unreachable_within_the_timeouts(
    raw_server: RawServer,
) -> None:
    server = _use(raw_server, _chunked_for_ever(0.05, b" "))
    recorder = ExchangeRecorder(f"{server.base}/graphql/", None, timeout=TIMEOUT)
    try:
        with pytest.raises(TargetError, match=f"unreachable.*no answer came within {TIMEOUT:g} s"):
            recorder.post("{ __typename }")
    finally:
        recorder.close()
    assert server.paths == ["/graphql/", "/graphql/"]  # the query, then the liveness check
