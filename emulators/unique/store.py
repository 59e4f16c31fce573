"""SQLite persistence of the emulated Unique tenant: scopes, scope accesses, users, groups with
members, contents, the timestamps submitted to file-diff, issued tokens and the emulated clock offset.

Knows nothing about HTTP or GraphQL: rows go in and out as dicts with snake_case keys.
Blobs live in files under `<db>.blobs/` next to the database (see blob_path). Every write is
committed at once, so a restart with the same database file loses nothing.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from .content_queries import ContentFilter, content_where_sql

ROOT_SCOPE_ID = "root-confluence"
ROOT_SCOPE_NAME = "Confluence"
COMPANY_ID = "demo-company"
SERVICE_USER_ID = "demo-user"
SEED_USERS = (   # (id, email, display name, active): the service user and two people
    (SERVICE_USER_ID, "confluence-connector@service.example.com", "Confluence connector (service user)", True),
    ("user-alice", "alice@example.com", "Alice", True),
    ("user-bob", "bob@example.com", "Bob", False),
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS scopes (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, parent_id TEXT, external_id TEXT,
    company_id TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS scopes_parent ON scopes(parent_id);
CREATE TABLE IF NOT EXISTS scope_accesses (
    scope_id TEXT NOT NULL, entity_id TEXT NOT NULL, entity_type TEXT NOT NULL,
    access_type TEXT NOT NULL, PRIMARY KEY (scope_id, entity_id, entity_type, access_type));
CREATE TABLE IF NOT EXISTS contents (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, key TEXT NOT NULL,
    title TEXT, mime_type TEXT, owner_type TEXT, owner_id TEXT, url TEXT, byte_size INTEGER,
    metadata TEXT, ingestion_config TEXT, expires_at TEXT, file_access TEXT,
    ingestion_state TEXT, source_kind TEXT, source_name TEXT, base_url TEXT,
    store_internally INTEGER, file_url TEXT, blob_key TEXT UNIQUE, blob_size INTEGER,
    source_updated_at TEXT, failed_offered_at TEXT, internally_stored_at TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS contents_key ON contents(key);
CREATE INDEX IF NOT EXISTS contents_owner ON contents(owner_id);
CREATE TABLE IF NOT EXISTS diff_offers (key TEXT PRIMARY KEY, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, email TEXT NOT NULL,
    email_folded TEXT UNIQUE NOT NULL, display_name TEXT, active INTEGER NOT NULL, company_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS user_groups (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS group_members (
    group_id TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (group_id, user_id));
CREATE INDEX IF NOT EXISTS group_members_user ON group_members(user_id);
"""

_JSON_COLUMNS = ("metadata", "ingestion_config", "file_access")


def fold_email(email: str) -> str:
    """The form e-mails are compared in: unique per company and looked up ignoring case (an assumption)."""
    return email.strip().lower()


def iso_utc(epoch_seconds: float) -> str:
    """2026-11-22T15:05:52.123Z"""
    moment = datetime.fromtimestamp(epoch_seconds, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class Store:
    """One tenant (company `demo-company`) in one SQLite file. Thread-safe via one lock."""

    def __init__(self, db_path: str | Path):
        self.db_path = Path(db_path)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self.blob_dir = self.db_path.with_name(self.db_path.name + ".blobs")
        self.blob_dir.mkdir(exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.db_path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        if self._meta("seeded") is None:
            self.create_scope(ROOT_SCOPE_NAME, parent_id=None, scope_id=ROOT_SCOPE_ID)
            self._set_meta("seeded", "1")
        if self._meta("users_seeded") is None:      # databases written before users were stored
            for user_id, email, display_name, active in SEED_USERS:
                if self.get_user(user_id) is None and self.user_by_email(email) is None:
                    self.put_user(user_id, email, display_name, active)
            self._set_meta("users_seeded", "1")

    # ── plumbing ──────────────────────────────────────────────────────
    def _rows(self, sql: str, params=()) -> list[dict]:
        with self._lock:
            return [dict(row) for row in self._db.execute(sql, params).fetchall()]

    def _write(self, sql: str, params=()) -> int:
        with self._lock:
            return self._db.execute(sql, params).rowcount

    def _meta(self, name: str) -> str | None:
        rows = self._rows("SELECT value FROM meta WHERE name = ?", (name,))
        return rows[0]["value"] if rows else None

    def _set_meta(self, name: str, value: str) -> None:
        self._write("INSERT INTO meta(name, value) VALUES (?, ?) "
                    "ON CONFLICT(name) DO UPDATE SET value = excluded.value", (name, value))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ── clock (wall clock + a persisted offset moved by /__emulator/advance-clock) ──
    def now(self) -> float:
        return time.time() + float(self._meta("clock_offset_seconds") or 0)

    def now_iso(self) -> str:
        return iso_utc(self.now())

    def advance_clock(self, seconds: float) -> None:
        self._set_meta("clock_offset_seconds", str(float(self._meta("clock_offset_seconds") or 0) + seconds))

    # ── scopes ────────────────────────────────────────────────────────
    def create_scope(self, name: str, parent_id: str | None, scope_id: str | None = None,
                     external_id: str | None = None) -> dict:
        scope_id = scope_id or f"scope_{uuid.uuid4().hex[:20]}"
        now = self.now_iso()
        self._write("INSERT INTO scopes(id, name, parent_id, external_id, company_id, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", (scope_id, name, parent_id, external_id, COMPANY_ID, now, now))
        return self.get_scope(scope_id)

    def get_scope(self, scope_id: str) -> dict | None:
        rows = self._rows("SELECT * FROM scopes WHERE id = ?", (scope_id,))
        return rows[0] if rows else None

    def child_scope_named(self, parent_id: str | None, name: str) -> dict | None:
        rows = self._rows("SELECT * FROM scopes WHERE parent_id IS ? AND name = ? ORDER BY created_at, rowid",
                          (parent_id, name))
        return rows[0] if rows else None

    def find_scopes(self, conditions: list[tuple[str, str, object]], skip: int, take: int | None) -> tuple[list[dict], int]:
        """conditions: (column, "eq"|"in"|"is_null", value) joined with AND."""
        clauses, params = [], []
        for column, operator, value in conditions:
            if operator == "is_null":
                clauses.append(f"{column} IS NULL")
            elif operator == "in":
                clauses.append(f"{column} IN ({','.join('?' * len(value))})" if value else "0")
                params.extend(value)
            else:
                clauses.append(f"{column} = ?")
                params.append(value)
        where = " AND ".join(clauses) or "1"
        total = self._rows(f"SELECT COUNT(*) AS n FROM scopes WHERE {where}", params)[0]["n"]
        limit = -1 if take is None else take
        rows = self._rows(f"SELECT * FROM scopes WHERE {where} ORDER BY created_at, rowid LIMIT ? OFFSET ?",
                          [*params, limit, skip])
        return rows, total

    def update_scope(self, scope_id: str, **columns) -> dict:
        if columns:
            assignments = ", ".join(f"{column} = ?" for column in columns)
            self._write(f"UPDATE scopes SET {assignments}, updated_at = ? WHERE id = ?",
                        (*columns.values(), self.now_iso(), scope_id))
        return self.get_scope(scope_id)

    def scope_by_external_id(self, external_id: str) -> dict | None:
        rows = self._rows("SELECT * FROM scopes WHERE external_id = ?", (external_id,))
        return rows[0] if rows else None

    def child_scopes(self, scope_id: str) -> list[dict]:
        return self._rows("SELECT * FROM scopes WHERE parent_id = ? ORDER BY created_at, rowid", (scope_id,))

    def all_scopes(self) -> list[dict]:
        return self._rows("SELECT * FROM scopes ORDER BY created_at, rowid")

    def scope_ancestry(self, scope_id: str) -> list[dict]:
        """[scope, parent, grandparent, ...]; stops at a missing parent or a cycle."""
        chain, seen, current = [], set(), self.get_scope(scope_id)
        while current is not None and current["id"] not in seen:
            chain.append(current)
            seen.add(current["id"])
            current = self.get_scope(current["parent_id"]) if current["parent_id"] else None
        return chain

    def scope_path(self, scope_id: str) -> str:
        return "/" + "/".join(scope["name"] for scope in reversed(self.scope_ancestry(scope_id)))

    def delete_scope(self, scope_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM scope_accesses WHERE scope_id = ?", (scope_id,))
            self._db.execute("DELETE FROM scopes WHERE id = ?", (scope_id,))

    # ── scope accesses ────────────────────────────────────────────────
    def add_scope_access(self, scope_id: str, entity_id: str, entity_type: str, access_type: str) -> None:
        self._write("INSERT OR IGNORE INTO scope_accesses VALUES (?, ?, ?, ?)",
                    (scope_id, entity_id, entity_type, access_type))

    def remove_scope_access(self, scope_id: str, entity_id: str, entity_type: str, access_type: str) -> None:
        self._write("DELETE FROM scope_accesses WHERE scope_id = ? AND entity_id = ? AND entity_type = ? "
                    "AND access_type = ?", (scope_id, entity_id, entity_type, access_type))

    def scope_accesses(self, scope_id: str) -> list[dict]:
        return self._rows("SELECT * FROM scope_accesses WHERE scope_id = ? ORDER BY entity_id, access_type",
                          (scope_id,))

    def accesses_of(self, principals: list[tuple[str, str]]) -> list[dict]:
        """Every scope access held by one of the (entity_type, entity_id) principals."""
        if not principals:
            return []
        clause = " OR ".join("(entity_type = ? AND entity_id = ?)" for _ in principals)
        return self._rows(f"SELECT * FROM scope_accesses WHERE {clause} ORDER BY scope_id, entity_id, access_type",
                          [value for principal in principals for value in principal])

    def scope_parents(self) -> dict[str, str | None]:
        """scope id → parent id, for every scope (one query; the access model walks it in memory)."""
        return {row["id"]: row["parent_id"] for row in self._rows("SELECT id, parent_id FROM scopes")}

    # ── users and groups (group membership is managed outside the connector) ──
    def put_user(self, user_id: str, email: str, display_name: str | None, active: bool) -> dict:
        """Creates the user, or replaces the one with this id. E-mail must be unique, ignoring case."""
        self._write("INSERT INTO users(id, email, email_folded, display_name, active, company_id) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET email = excluded.email, "
                    "email_folded = excluded.email_folded, display_name = excluded.display_name, "
                    "active = excluded.active",
                    (user_id, email, fold_email(email), display_name, int(active), COMPANY_ID))
        return self.get_user(user_id)

    def get_user(self, user_id: str) -> dict | None:
        rows = self._rows("SELECT * FROM users WHERE id = ?", (user_id,))
        return rows[0] if rows else None

    def user_by_email(self, email: str) -> dict | None:
        rows = self._rows("SELECT * FROM users WHERE email_folded = ?", (fold_email(email),))
        return rows[0] if rows else None

    def all_users(self) -> list[dict]:
        return self._rows("SELECT * FROM users ORDER BY seq")

    def put_group(self, group_id: str, name: str, member_ids: list[str]) -> dict:
        """Creates the group, or replaces the one with this id (name and the whole member list)."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.execute("INSERT INTO user_groups(id, name) VALUES (?, ?) "
                                 "ON CONFLICT(id) DO UPDATE SET name = excluded.name", (group_id, name))
                self._db.execute("DELETE FROM group_members WHERE group_id = ?", (group_id,))
                self._db.executemany("INSERT OR IGNORE INTO group_members VALUES (?, ?)",
                                     [(group_id, member_id) for member_id in member_ids])
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return self.get_group(group_id)

    def get_group(self, group_id: str) -> dict | None:
        rows = self._rows("SELECT id, name FROM user_groups WHERE id = ?", (group_id,))
        if not rows:
            return None
        members = self._rows("SELECT user_id FROM group_members WHERE group_id = ? ORDER BY user_id", (group_id,))
        return {**rows[0], "members": [row["user_id"] for row in members]}

    def all_groups(self) -> list[dict]:
        return [self.get_group(row["id"]) for row in self._rows("SELECT id FROM user_groups ORDER BY seq")]

    def groups_of(self, user_id: str) -> list[str]:
        return [row["group_id"] for row in
                self._rows("SELECT group_id FROM group_members WHERE user_id = ? ORDER BY group_id", (user_id,))]

    # ── contents ──────────────────────────────────────────────────────
    def get_content(self, content_id: str) -> dict | None:
        rows = self._content_rows("SELECT * FROM contents WHERE id = ?", (content_id,))
        return rows[0] if rows else None

    def content_by_identity(self, key: str, owner_id: str | None) -> dict | None:
        """The upsert identity: "same key and scopeId will update the content" (protocol §3.2)."""
        rows = self._content_rows("SELECT * FROM contents WHERE key = ? AND owner_id IS ?", (key, owner_id))
        return rows[0] if rows else None

    def content_by_blob_key(self, blob_key: str) -> dict | None:
        rows = self._content_rows("SELECT * FROM contents WHERE blob_key = ?", (blob_key,))
        return rows[0] if rows else None

    def insert_content(self, columns: dict) -> dict:
        content_id = f"cont_{uuid.uuid4().hex[:24]}"
        now = self.now_iso()
        row = {**columns, "id": content_id, "blob_key": content_id, "created_at": now, "updated_at": now}
        encoded = self._encode(row)
        names = ", ".join(encoded)
        self._write(f"INSERT INTO contents({names}) VALUES ({','.join('?' * len(encoded))})",
                    tuple(encoded.values()))
        return self.get_content(content_id)

    def update_content(self, content_id: str, columns: dict, touch: bool = True) -> dict:
        encoded = self._encode({**columns, **({"updated_at": self.now_iso()} if touch else {})})
        if encoded:
            assignments = ", ".join(f"{name} = ?" for name in encoded)
            self._write(f"UPDATE contents SET {assignments} WHERE id = ?", (*encoded.values(), content_id))
        return self.get_content(content_id)

    def query_contents(self, content_filter: ContentFilter, skip: int, take: int | None) -> tuple[list[dict], int]:
        where, params = content_where_sql(content_filter)
        total = self._rows(f"SELECT COUNT(*) AS n FROM contents WHERE {where}", params)[0]["n"]
        if take == 0:
            return [], total
        rows = self._content_rows(f"SELECT * FROM contents WHERE {where} ORDER BY seq LIMIT ? OFFSET ?",
                                  (*params, -1 if take is None else take, skip))
        return rows, total

    def contents_with_key_part(self, partial_key: str, mode: str) -> list[dict]:
        """Stored set of a file diff: keys that contain (or start with) partial_key, literally."""
        if mode == "startsWith":
            return self._content_rows("SELECT * FROM contents WHERE substr(key, 1, length(?)) = ? ORDER BY seq",
                                      (partial_key, partial_key))
        return self._content_rows("SELECT * FROM contents WHERE instr(key, ?) > 0 ORDER BY seq", (partial_key,))

    def contents_owned_by(self, scope_id: str) -> list[dict]:
        return self._content_rows("SELECT * FROM contents WHERE owner_id = ? ORDER BY seq", (scope_id,))

    def content_owners(self) -> list[dict]:
        """{id, owner_type, owner_id} of every content, in creation order (no JSON decoding)."""
        return self._rows("SELECT id, owner_type, owner_id FROM contents ORDER BY seq")

    def all_contents(self) -> list[dict]:
        return self._content_rows("SELECT * FROM contents ORDER BY seq")

    def delete_contents(self, content_ids: list[str]) -> list[str]:
        """Deletes the rows and blobs that exist; returns their ids in request order."""
        deleted = []
        for content_id in dict.fromkeys(content_ids):
            row = self.get_content(content_id)
            if row is None:
                continue
            self._write("DELETE FROM contents WHERE id = ?", (content_id,))
            self.blob_path(row["blob_key"]).unlink(missing_ok=True)
            deleted.append(content_id)
        return deleted

    def _content_rows(self, sql: str, params=()) -> list[dict]:
        rows = self._rows(sql, params)
        for row in rows:
            for column in _JSON_COLUMNS:
                row[column] = json.loads(row[column]) if row[column] is not None else None
        return rows

    @staticmethod
    def _encode(columns: dict) -> dict:
        return {name: (json.dumps(value) if name in _JSON_COLUMNS and value is not None else value)
                for name, value in columns.items()}

    # ── blobs ─────────────────────────────────────────────────────────
    def blob_path(self, blob_key: str) -> Path:
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in blob_key)
        return self.blob_dir / safe

    # ── updatedAt values submitted to file-diff, by full key ─────────
    def record_offers(self, updated_at_by_key: dict[str, str]) -> None:
        with self._lock:
            self._db.executemany("INSERT INTO diff_offers(key, updated_at) VALUES (?, ?) "
                                 "ON CONFLICT(key) DO UPDATE SET updated_at = excluded.updated_at",
                                 list(updated_at_by_key.items()))

    def offered_updated_at(self, key: str) -> str | None:
        rows = self._rows("SELECT updated_at FROM diff_offers WHERE key = ?", (key,))
        return rows[0]["updated_at"] if rows else None

    # ── tokens ────────────────────────────────────────────────────────
    def issue_token(self, user_id: str, ttl_seconds: float) -> str:
        token = f"uqt_{uuid.uuid4().hex}"
        self._write("INSERT INTO tokens VALUES (?, ?, ?)", (token, user_id, self.now() + ttl_seconds))
        return token

    def token_user(self, token: str) -> str | None:
        rows = self._rows("SELECT user_id, expires_at FROM tokens WHERE token = ?", (token,))
        if not rows or rows[0]["expires_at"] <= self.now():
            return None
        return rows[0]["user_id"]
