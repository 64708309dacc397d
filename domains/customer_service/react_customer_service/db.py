"""The demo bank's SQLite database: schema, deterministic seed data, reads and transactional writes.

Every operation opens its own connection (tools run on worker threads); writes run inside
``BEGIN IMMEDIATE ... COMMIT`` and roll back on any error.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS customers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    joined TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cards (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    kind TEXT NOT NULL CHECK (kind IN ('physical', 'virtual')),
    last4 TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'frozen', 'in_delivery', 'cancelled')),
    posted_on TEXT,
    expires TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS transfers (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    amount_pence INTEGER NOT NULL CHECK (amount_pence > 0),
    currency TEXT NOT NULL,
    recipient TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'completed', 'failed', 'declined', 'cancelled')),
    created TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id TEXT REFERENCES customers(id),
    kind TEXT NOT NULL CHECK (kind IN ('ticket', 'escalation')),
    subject TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open',
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

CUSTOMERS = [
    ("C1001", "Alice Martin", "alice@example.com", "2023-02-14"),
    ("C1002", "Ben Okafor", "ben@example.com", "2023-06-01"),
    ("C1003", "Chloe Dubois", "chloe@example.com", "2024-01-20"),
    ("C1004", "Dev Patel", "dev@example.com", "2024-09-03"),
    ("C1005", "Eva Novak", "eva@example.com", "2025-03-11"),
]
CARDS = [
    ("CARD-2001", "C1001", "physical", "4821", "active", "2023-02-15", "2027-02"),
    ("CARD-2002", "C1001", "virtual", "7730", "active", None, "2028-05"),
    ("CARD-2003", "C1002", "physical", "1194", "in_delivery", "2025-11-20", "2029-11"),
    ("CARD-2004", "C1002", "physical", "5507", "frozen", "2023-06-02", "2026-06"),
    ("CARD-2005", "C1003", "physical", "3362", "active", "2024-01-22", "2025-12"),
    ("CARD-2006", "C1004", "physical", "9018", "cancelled", "2024-09-04", "2028-09"),
    ("CARD-2007", "C1004", "physical", "2245", "in_delivery", "2025-11-25", "2029-11"),
    ("CARD-2008", "C1005", "virtual", "6673", "active", None, "2029-03"),
]
TRANSFERS = [
    ("TR-3001", "C1001", 25000, "GBP", "J. Smith", "completed", "2025-11-24", ""),
    ("TR-3002", "C1001", 120000, "EUR", "Maison Lenoir SARL", "pending", "2025-11-28", "awaiting compliance check"),
    ("TR-3003", "C1002", 4999, "GBP", "Flatshare Rent", "failed", "2025-11-21", "receiving bank rejected the account number"),
    ("TR-3004", "C1003", 80000, "USD", "Acme Imports Inc", "declined", "2025-11-26", "daily limit reached"),
    ("TR-3005", "C1004", 1500, "GBP", "R. Jones", "pending", "2025-11-28", "scheduled for the next working day"),
    ("TR-3006", "C1005", 30000, "GBP", "M. Novak", "completed", "2025-11-27", ""),
    ("TR-3007", "C1003", 6000, "GBP", "Green Energy Ltd", "cancelled", "2025-11-19", "cancelled by the customer"),
]

CUSTOMER_ID = re.compile(r"^C\d{4}$")
CARD_ID = re.compile(r"^CARD-\d{4}$")
TRANSFER_ID = re.compile(r"^TR-\d{4}$")


def default_db_path() -> Path:
    """``<react cache>/customer_service/bank.db``."""
    from react_core import cache_dir

    return cache_dir() / "customer_service" / "bank.db"


class Bank:
    """The demo bank's records in one SQLite file, created and seeded on first use."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._initialise()

    # --- connections -------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA foreign_keys = ON")
        return con

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            con.close()

    def _initialise(self) -> None:
        con = self._connect()
        try:
            con.executescript(SCHEMA)
        finally:
            con.close()
        with self._transaction() as con:
            if con.execute("SELECT 1 FROM meta WHERE key = 'seeded'").fetchone():
                return
            con.executemany("INSERT INTO customers VALUES (?, ?, ?, ?)", CUSTOMERS)
            con.executemany("INSERT INTO cards VALUES (?, ?, ?, ?, ?, ?, ?)", CARDS)
            con.executemany("INSERT INTO transfers VALUES (?, ?, ?, ?, ?, ?, ?, ?)", TRANSFERS)
            con.execute("INSERT INTO meta VALUES ('seeded', '1')")

    def _one(self, sql: str, args: tuple[Any, ...]) -> dict[str, Any] | None:
        con = self._connect()
        try:
            row = con.execute(sql, args).fetchone()
        finally:
            con.close()
        return dict(row) if row is not None else None

    def _all(self, sql: str, args: tuple[Any, ...]) -> list[dict[str, Any]]:
        con = self._connect()
        try:
            return [dict(r) for r in con.execute(sql, args).fetchall()]
        finally:
            con.close()

    # --- reads -------------------------------------------------------------------------
    def customer(self, customer_id: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM customers WHERE id = ?", (customer_id,))

    def card(self, card_id: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM cards WHERE id = ?", (card_id,))

    def cards_of(self, customer_id: str) -> list[dict[str, Any]]:
        return self._all("SELECT * FROM cards WHERE customer_id = ? ORDER BY id", (customer_id,))

    def transfer(self, transfer_id: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM transfers WHERE id = ?", (transfer_id,))

    def names(self) -> list[str]:
        """The people and payees the records name (customers and transfer recipients): what the
        grounding check refuses in an answer unless the run looked it up."""
        rows = self._all("SELECT name FROM customers UNION SELECT recipient FROM transfers", ())
        return sorted(r["name"] for r in rows)

    def tickets(self, customer_id: str | None = None) -> list[dict[str, Any]]:
        if customer_id is None:
            return self._all("SELECT * FROM tickets ORDER BY id", ())
        return self._all("SELECT * FROM tickets WHERE customer_id = ? ORDER BY id", (customer_id,))

    # --- writes (each one transaction) ---------------------------------------------------
    def freeze_card(self, card_id: str) -> dict[str, Any]:
        """Set an active or in-delivery card to ``frozen``; returns the card before the change.

        Raises ``LookupError`` for an unknown card and ``ValueError`` when it cannot be frozen.
        """
        with self._transaction() as con:
            row = con.execute("SELECT * FROM cards WHERE id = ?", (card_id,)).fetchone()
            if row is None:
                raise LookupError(card_id)
            before = dict(row)
            if before["status"] not in ("active", "in_delivery"):
                raise ValueError(before["status"])
            con.execute("UPDATE cards SET status = 'frozen' WHERE id = ?", (card_id,))
        return before

    def create_ticket(self, customer_id: str | None, subject: str, details: str = "",
                      kind: str = "ticket") -> int:
        """Insert a ticket (or an escalation) and return its number."""
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._transaction() as con:
            cur = con.execute(
                "INSERT INTO tickets (customer_id, kind, subject, details, status, created) VALUES (?, ?, ?, ?, ?, ?)",
                (customer_id, kind, subject, details, "open", now))
            return int(cur.lastrowid)
