"""The webhook outbox: deliveries stored in SQLite before they are sent.

A trigger on `portfolio_item` inserts one `EVENT_CERTIFICATE_ACHIEVED` delivery per
new item for the subscribed URL, inside the transaction that issues the certificate:
the event exists exactly when the certificate does, and a restart with the same
database loses none. The delivery worker (`codegen.server.delivery`) reads the
outbox; nothing here does any I/O but SQLite.

A URL that answered 410 is disabled: its pending deliveries are dropped and no new
ones are queued for it until `serve --webhook-url` names it again (which, like adding
the subscription again in Pluvo's admin interface, re-enables it).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from codegen.runtime.webhooks import EVENT_CERTIFICATE_ACHIEVED
from codegen.server.storage import Storage

__all__ = ["Outbox", "PendingDelivery", "State"]

TABLES = """
CREATE TABLE IF NOT EXISTS webhook_subscription (
    url TEXT PRIMARY KEY,
    active INTEGER NOT NULL DEFAULT 0,
    disabled_at TEXT,
    base_url TEXT
);
CREATE TABLE IF NOT EXISTS webhook_delivery (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    event TEXT NOT NULL,
    portfolio_item_id INTEGER,
    payload TEXT,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_status INTEGER,
    last_error TEXT,
    created_at TEXT NOT NULL,
    base_url TEXT
);
CREATE INDEX IF NOT EXISTS webhook_delivery_queue ON webhook_delivery (state, url, id);
"""
# `base_url` (the server's address when the event was queued) came after the first
# version of these tables; a database made by that version gets the column added.
ADDED_COLUMNS = (("webhook_subscription", "base_url"), ("webhook_delivery", "base_url"))
# Recreated at every start, so that a database made by an older version gets this one.
TRIGGER = f"""
DROP TRIGGER IF EXISTS webhook_certificate_achieved;
CREATE TRIGGER webhook_certificate_achieved AFTER INSERT ON portfolio_item
BEGIN
    INSERT INTO webhook_delivery (url, event, portfolio_item_id, base_url, created_at)
    SELECT url, '{EVENT_CERTIFICATE_ACHIEVED}', NEW.id, base_url, NEW.created_at
    FROM webhook_subscription WHERE active = 1 AND disabled_at IS NULL;
END;
"""


class State:
    """The states of a delivery."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # every retry was used up
    DROPPED = "dropped"  # its URL answered 410


@dataclass(frozen=True)
class PendingDelivery:
    """The oldest pending delivery of one URL."""

    id: int
    url: str
    event: str
    attempts: int
    next_attempt_at: float


class Outbox:
    """The outbox tables in the server's database (the same connection as the storage)."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.db: sqlite3.Connection = storage.db
        self.db.executescript(TABLES)
        for table, column in ADDED_COLUMNS:
            columns = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
            if column not in columns:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")
        self.db.executescript(TRIGGER)

    def subscribe(self, url: str | None, base_url: str | None = None) -> None:
        """Make `url` the one subscribed URL (re-enabling it); None subscribes none.

        `base_url` is the server's own address: each event queued from now on keeps
        it for its `file` URL, so that every attempt sends the same body even after
        a restart on another port (a receiver drops redeliveries by their content).
        """
        with self.storage.transaction():
            self.db.execute("UPDATE webhook_subscription SET active = 0")
            if url is not None:
                self.db.execute(
                    "INSERT INTO webhook_subscription (url, active, base_url) VALUES (?, 1, ?)"
                    " ON CONFLICT (url) DO UPDATE SET active = 1, disabled_at = NULL,"
                    " base_url = excluded.base_url",
                    (url, base_url),
                )

    def subscribed_url(self) -> str | None:
        """The URL new events go to, if any is subscribed and not disabled."""
        row = self.db.execute(
            "SELECT url FROM webhook_subscription WHERE active = 1 AND disabled_at IS NULL"
        ).fetchone()
        return None if row is None else str(row[0])

    def enqueue(self, event: str, payload: dict[str, Any]) -> list[int]:
        """Queue one event (any type) for the subscribed URL; the ids of the new deliveries."""
        url = self.subscribed_url()
        if url is None:
            return []
        cursor = self.db.execute(
            "INSERT INTO webhook_delivery (url, event, payload, created_at) VALUES (?, ?, ?, ?)",
            (url, event, json.dumps(payload), datetime.now(UTC).isoformat()),
        )
        return [int(cursor.lastrowid or 0)]

    def heads(self) -> list[PendingDelivery]:
        """For each URL, its oldest pending delivery, due or not: order per URL."""
        rows = self.db.execute(
            "SELECT d.id, d.url, d.event, d.attempts, d.next_attempt_at FROM webhook_delivery d"
            " WHERE d.id IN (SELECT MIN(id) FROM webhook_delivery WHERE state = 'pending'"
            " GROUP BY url) ORDER BY d.id"
        ).fetchall()
        return [PendingDelivery(*row) for row in rows]

    def due(self, now: float) -> list[PendingDelivery]:
        """For each URL, its oldest pending delivery if that one is due: order per URL."""
        return [head for head in self.heads() if head.next_attempt_at <= now]

    def next_due_at(self) -> float | None:
        """When the earliest head of a URL's queue becomes due; None if nothing is pending."""
        row = self.db.execute(
            "SELECT MIN(next_attempt_at) FROM webhook_delivery WHERE id IN"
            " (SELECT MIN(id) FROM webhook_delivery WHERE state = 'pending' GROUP BY url)"
        ).fetchone()
        return None if row[0] is None else float(row[0])

    def payload(self, delivery_id: int, base_url: str) -> dict[str, Any]:
        """The event's body without `sentDate`: as stored, or read from its portfolio item.

        Portfolio items and users never change, and the `file` URL uses the base URL
        the delivery was queued with (`base_url` only for one queued without), so
        every attempt sends the same body; reading it again costs less than writing
        it back (one commit less per delivery).
        """
        row = self.db.execute(
            "SELECT portfolio_item_id, payload, base_url FROM webhook_delivery WHERE id = ?",
            (delivery_id,),
        ).fetchone()
        if row[1] is not None:
            stored: dict[str, Any] = json.loads(row[1])
            return stored
        return self._certificate_achieved(int(row[0]), row[2] or base_url)

    def _certificate_achieved(self, item_id: int, base_url: str) -> dict[str, Any]:
        row = self.db.execute(
            "SELECT p.id, p.user_id, p.certificate_id, p.training_id, p.files,"
            " u.name, u.email FROM portfolio_item p JOIN user u ON u.id = p.user_id"
            " WHERE p.id = ?",
            (item_id,),
        ).fetchone()
        if row is None:
            raise LookupError(f"portfolio item {item_id} no longer exists")
        files = json.loads(row[4])
        return {
            "id": str(row[0]),
            "ref": row[2],
            "event": EVENT_CERTIFICATE_ACHIEVED,
            "training": None if row[3] is None else {"id": row[3]},
            "user": {"id": row[1], "name": row[5], "email": row[6]},
            "conditions": [],
            "file": f"{base_url}{files[0]}" if files else None,
        }

    def record_success(self, delivery_id: int, status: int) -> None:
        """The receiver answered 2xx."""
        self._record(delivery_id, State.DELIVERED, status, None, None)

    def record_failure(
        self, delivery_id: int, status: int | None, error: str, retry_at: float | None
    ) -> None:
        """The attempt failed: retry at `retry_at`, or give up when it is None."""
        state = State.FAILED if retry_at is None else State.PENDING
        self._record(delivery_id, state, status, error, retry_at)

    def disable(self, url: str, delivery_id: int) -> int:
        """`url` answered 410: disable it and drop its pending deliveries; how many were dropped."""
        now = datetime.now(UTC).isoformat()
        with self.storage.transaction():
            self.db.execute(
                "UPDATE webhook_subscription SET disabled_at = ? WHERE url = ?", (now, url)
            )
            self._record(delivery_id, State.DROPPED, 410, "410 Gone", None)
            cursor = self.db.execute(
                "UPDATE webhook_delivery SET state = 'dropped', last_error = ?"
                " WHERE url = ? AND state = 'pending'",
                (f"{url} answered 410 Gone", url),
            )
        return int(cursor.rowcount) + 1

    def counts(self) -> dict[str, int]:
        """How many deliveries are in each state."""
        rows = self.db.execute("SELECT state, COUNT(*) FROM webhook_delivery GROUP BY state")
        return {str(state): int(count) for state, count in rows}

    def _record(
        self,
        delivery_id: int,
        state: str,
        status: int | None,
        error: str | None,
        retry_at: float | None,
    ) -> None:
        self.db.execute(
            "UPDATE webhook_delivery SET state = ?, attempts = attempts + 1, last_status = ?,"
            " last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at) WHERE id = ?",
            (state, status, error, retry_at, delivery_id),
        )
