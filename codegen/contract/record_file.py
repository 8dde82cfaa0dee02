"""`--record FILE`: every exchange of a run, in full, as JSON Lines."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from codegen.contract.exchange_recorder import Exchange, ExchangeRecorder
from codegen.errors import CodegenError

if TYPE_CHECKING:
    import httpx

__all__ = ["RecordFileRecorder", "RecordSink", "open_record"]


class RecordSink:
    """Appends one JSON line per exchange to a file, from any thread."""

    def __init__(self, file: IO[str] | None) -> None:
        self._file = file
        self._lock = threading.Lock()

    def write(self, lane: str, label: str, exchange: Exchange) -> None:
        """Write the exchange: the request as sent, the status, the whole body or its text."""
        if self._file is None:
            return
        line = {
            "lane": lane,
            "property": label,
            "request": dict(exchange.request),
            "status": exchange.status,
            "body": exchange.body,
        }
        if exchange.text:
            line["text"] = exchange.text
        text = json.dumps(line, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            self._file.write(text + "\n")


@contextlib.contextmanager
def open_record(path: Path | None) -> Iterator[RecordSink]:
    """A sink writing to `path` (created or truncated), or one that drops everything."""
    if path is None:
        yield RecordSink(None)
        return
    try:
        file = path.open("w", encoding="utf-8")
    except OSError as exc:
        raise CodegenError(f"{path}: cannot write the record ({exc.strerror})") from exc
    with file:
        yield RecordSink(file)


class RecordFileRecorder(ExchangeRecorder):
    """An ExchangeRecorder that also writes every exchange to the `--record` file's sink."""

    def __init__(
        self, url: str, auth: httpx.Auth | None, timeout: float, sink: RecordSink, lane: str
    ) -> None:
        super().__init__(url, auth, timeout=timeout)
        self._sink = sink
        self._lane = lane
        # The property (and connection) now running, which each line names.
        self.label = "setup"

    def post(self, query: str, variables: Mapping[str, Any] | None = None) -> Exchange:
        """Send, record, and write the exchange to the sink."""
        before = len(self.exchanges)
        try:
            exchange = super().post(query, variables)
        except Exception:
            for failed in self.exchanges[before:]:
                self._sink.write(self._lane, self.label, failed)  # the request that got no answer
            raise
        for each in self.exchanges[before:]:  # a 401 before a resend, then the answer
            self._sink.write(self._lane, self.label, each)
        return exchange
