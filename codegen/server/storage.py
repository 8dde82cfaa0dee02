"""SQLite storage for templates, users and portfolio items.

One connection, used only from the event loop's thread: resolvers are
synchronous, so each GraphQL call runs to completion before the next starts,
and a `generateCertificate` call is one `BEGIN IMMEDIATE` transaction.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["Certificate", "Storage", "StorageIssueResult", "User"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS certificate (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    title TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS certificate_order ON certificate (name, id);
CREATE TABLE IF NOT EXISTS user (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS portfolio_item (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL REFERENCES user (id),
    certificate_id TEXT NOT NULL REFERENCES certificate (id),
    training_id TEXT,
    title TEXT NOT NULL,
    description TEXT,
    start_date TEXT NOT NULL,
    end_date TEXT,
    files TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS portfolio_item_user ON portfolio_item (user_id, id);
"""


@dataclass(frozen=True)
class Certificate:
    """A certificate template."""

    id: uuid.UUID
    name: str
    title: str | None


@dataclass(frozen=True)
class User:
    """A user who can receive certificates."""

    id: uuid.UUID
    name: str
    email: str


@dataclass(frozen=True)
class StorageIssueResult:
    """The outcome of one `generateCertificate` call, each id once, in input order."""

    succeeded: list[uuid.UUID]
    failed: list[uuid.UUID]


class Storage:
    """Typed access to the SQLite database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.executescript(SCHEMA)
        self._count: int | None = None

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def is_empty(self) -> bool:
        """True for a database that has never been seeded (or was seeded with nothing)."""
        row = self.db.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM certificate) AND NOT EXISTS (SELECT 1 FROM user)"
        ).fetchone()
        return bool(row[0])

    def seed(self, certificates: Iterable[Certificate], users: Iterable[User]) -> None:
        """Insert the seed data in one transaction."""
        with self.transaction():
            self.db.executemany(
                "INSERT INTO certificate (id, name, title) VALUES (?, ?, ?)",
                [(str(c.id), c.name, c.title) for c in certificates],
            )
            self.db.executemany(
                "INSERT INTO user (id, name, email) VALUES (?, ?, ?)",
                [(str(u.id), u.name, u.email) for u in users],
            )
        self._count = None

    def transaction(self) -> _Transaction:
        """`with storage.transaction():` runs the block as one immediate transaction."""
        return _Transaction(self.db)

    def count_certificates(self) -> int:
        """The number of templates; they never change while serving, so it is cached."""
        if self._count is None:
            self._count = int(self.db.execute("SELECT COUNT(*) FROM certificate").fetchone()[0])
        return self._count

    def page_certificates(
        self,
        after: tuple[str, str] | None,
        before: tuple[str, str] | None,
        limit: int,
        descending: bool,
    ) -> list[Certificate]:
        """Up to `limit` templates strictly between the keys, in (name, id) order or reversed.

        Keyset pagination: the index on (name, id) makes a deep page cost what the
        first page costs.
        """
        where: list[str] = []
        params: list[str] = []
        if after is not None:
            where.append("(name, id) > (?, ?)")
            params.extend(after)
        if before is not None:
            where.append("(name, id) < (?, ?)")
            params.extend(before)
        order = "DESC" if descending else "ASC"
        sql = (
            "SELECT id, name, title FROM certificate"
            + (f" WHERE {' AND '.join(where)}" if where else "")
            + f" ORDER BY name {order}, id {order} LIMIT ?"
        )
        rows = self.db.execute(sql, [*params, limit]).fetchall()
        return [Certificate(uuid.UUID(r["id"]), r["name"], r["title"]) for r in rows]

    def find_certificate(self, certificate_id: uuid.UUID) -> Certificate | None:
        """The template with this id, if any."""
        row = self.db.execute(
            "SELECT id, name, title FROM certificate WHERE id = ?", (str(certificate_id),)
        ).fetchone()
        return None if row is None else Certificate(uuid.UUID(row["id"]), row["name"], row["title"])

    def list_users(self) -> list[User]:
        """Every user, by id."""
        rows = self.db.execute("SELECT id, name, email FROM user ORDER BY id").fetchall()
        return [User(uuid.UUID(r["id"]), r["name"], r["email"]) for r in rows]

    def list_certificate_ids(self) -> list[uuid.UUID]:
        """Every template id, in (name, id) order."""
        rows = self.db.execute("SELECT id FROM certificate ORDER BY name, id").fetchall()
        return [uuid.UUID(r["id"]) for r in rows]

    def issue(
        self,
        certificate: Certificate,
        user_ids: Sequence[uuid.UUID],
        title: str,
        training_id: uuid.UUID | None,
        start_date: datetime,
        now: datetime,
    ) -> StorageIssueResult:
        """Give each known user one portfolio item, in one transaction."""
        distinct = list(dict.fromkeys(user_ids))
        with self.transaction():
            known = self._known_users(distinct)
            succeeded = [u for u in distinct if u in known]
            stamp = now.isoformat()
            self.db.executemany(
                "INSERT INTO portfolio_item (user_id, certificate_id, training_id, title,"
                " start_date, files, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        str(user_id),
                        str(certificate.id),
                        None if training_id is None else str(training_id),
                        title,
                        start_date.isoformat(),
                        json.dumps([f"/media/certificates/{certificate.id}/{user_id}.pdf"]),
                        stamp,
                        stamp,
                    )
                    for user_id in succeeded
                ],
            )
        return StorageIssueResult(succeeded, [u for u in distinct if u not in known])

    def _known_users(self, user_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        known: set[uuid.UUID] = set()
        chunk = 500  # below SQLite's limit on bound parameters
        for start in range(0, len(user_ids), chunk):
            ids = [str(u) for u in user_ids[start : start + chunk]]
            marks = ", ".join("?" * len(ids))
            rows = self.db.execute(f"SELECT id FROM user WHERE id IN ({marks})", ids)
            known.update(uuid.UUID(r["id"]) for r in rows)
        return known

    def count_portfolio_items(self, user_id: uuid.UUID | None) -> int:
        """How many items `portfolio_items(user_id)` returns."""
        if user_id is None:
            row = self.db.execute("SELECT COUNT(*) FROM portfolio_item").fetchone()
        else:
            row = self.db.execute(
                "SELECT COUNT(*) FROM portfolio_item WHERE user_id = ?", [str(user_id)]
            ).fetchone()
        return int(row[0])

    def portfolio_items(self, user_id: uuid.UUID | None) -> list[dict[str, Any]]:
        """Portfolio items with their user, oldest first; all of them without `user_id`."""
        sql = (
            "SELECT p.*, u.name AS user_name, u.email AS user_email FROM portfolio_item p"
            " JOIN user u ON u.id = p.user_id"
        )
        params: list[str] = []
        if user_id is not None:
            sql += " WHERE p.user_id = ?"
            params.append(str(user_id))
        rows = self.db.execute(sql + " ORDER BY p.id", params).fetchall()
        return [
            {
                "id": str(r["id"]),
                "user": {
                    "id": uuid.UUID(r["user_id"]),
                    "name": r["user_name"],
                    "email": r["user_email"],
                },
                "title": r["title"],
                "description": r["description"],
                "startDate": datetime.fromisoformat(r["start_date"]),
                "endDate": None if r["end_date"] is None else datetime.fromisoformat(r["end_date"]),
                "files": json.loads(r["files"]),
                "createdAt": datetime.fromisoformat(r["created_at"]),
                "updatedAt": datetime.fromisoformat(r["updated_at"]),
                "trainingId": r["training_id"],
            }
            for r in rows
        ]


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")
