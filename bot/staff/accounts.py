"""Staff accounts, their roles and signed-in sessions, and the audit trail."""

import asyncio
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.log.models import AuditEntry, StaffAccount, StaffSession, utcnow

ROLES = {"viewer": 1, "agent": 2, "admin": 3}  # each role may do what the ones below it may
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Verified when the username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why."""


@dataclass(frozen=True)
class Staff:
    """Who is signed in, as the routes see them."""

    id: int
    username: str
    name: str
    role: str
    session: str  # the hash of the session token
    csrf: str

    def may(self, role: str) -> bool:
        return ROLES[self.role] >= ROLES[role]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"A password needs at least {MIN_PASSWORD} characters.")
    if len(password) > 256:
        raise AccountError("A password can have at most 256 characters.")


class Accounts:
    def __init__(self, sessions: sessionmaker[Session], session_hours: float = 12.0):
        self._sessions = sessions
        self.session_hours = session_hours

    def create(
        self, username: str, password: str, role: str, display_name: str | None = None
    ) -> None:
        if not USERNAME.fullmatch(username):
            raise AccountError(
                "A username has 1 to 64 lower-case letters, digits, dots, dashes or "
                "underscores, starting with a letter or digit."
            )
        if role not in ROLES:
            raise AccountError(f"A role is one of {', '.join(ROLES)}, not {role!r}.")
        check_password(password)
        name = (display_name or username).strip()[:64] or username
        with self._sessions.begin() as db:
            if db.scalar(select(StaffAccount).where(StaffAccount.username == username)):
                raise AccountError(f"There is already an account {username}.")
            db.add(
                StaffAccount(
                    username=username, display_name=name, role=role,
                    password_hash=_hasher.hash(password),
                )
            )  # fmt: skip

    def all(self) -> list[StaffAccount]:
        with self._sessions() as db:
            return list(db.scalars(select(StaffAccount).order_by(StaffAccount.username)))

    def has_admin(self) -> bool:
        with self._sessions() as db:
            query = select(StaffAccount.id).where(
                StaffAccount.role == "admin", StaffAccount.disabled_at.is_(None)
            )
            return db.scalar(query.limit(1)) is not None

    def set_password(self, username: str, password: str) -> None:
        check_password(password)
        with self._sessions.begin() as db:
            account = self._account(db, username)
            account.password_hash = _hasher.hash(password)
            self._end_sessions(db, account.id)

    def disable(self, username: str) -> list[str]:
        """Disable an account and end its sessions; returns the ended sessions' ids."""
        with self._sessions.begin() as db:
            account = self._account(db, username)
            account.disabled_at = account.disabled_at or utcnow()
            return self._end_sessions(db, account.id)

    def _account(self, db: Session, username: str) -> StaffAccount:
        account = db.scalar(select(StaffAccount).where(StaffAccount.username == username))
        if account is None:
            raise AccountError(f"There is no account {username}.")
        return account

    def _end_sessions(self, db: Session, account_id: int) -> list[str]:
        live = select(StaffSession.id).where(
            StaffSession.account_id == account_id, StaffSession.revoked_at.is_(None)
        )
        ended = list(db.scalars(live))
        db.execute(
            update(StaffSession).where(StaffSession.id.in_(ended)).values(revoked_at=utcnow())
        )
        return ended

    # --- signing in -------------------------------------------------------------------------
    def sign_in(self, username: str, password: str) -> tuple[str, Staff] | None:
        """A new session token and who it signs in, or None for a wrong name or password."""
        with self._sessions.begin() as db:
            account = db.scalar(select(StaffAccount).where(StaffAccount.username == username))
            try:
                _hasher.verify(account.password_hash if account else _DUMMY, password)
            except (VerificationError, InvalidHashError):
                return None
            if account is None or account.disabled_at is not None:
                return None
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
            expires = utcnow() + timedelta(hours=self.session_hours)
            session = StaffSession(
                id=_token_hash(token), account_id=account.id, csrf=csrf, expires_at=expires
            )
            db.add(session)
            return token, _staff(account, session)

    def signed_in(self, token: str | None) -> Staff | None:
        if not token or len(token) > 200:
            return None
        with self._sessions() as db:
            session = db.get(StaffSession, _token_hash(token))
            return self._live(db, session)

    def still_valid(self, session_id: str) -> bool:
        with self._sessions() as db:
            return self._live(db, db.get(StaffSession, session_id)) is not None

    def _live(self, db: Session, session: StaffSession | None) -> Staff | None:
        if session is None or session.revoked_at is not None:
            return None
        if _aware(session.expires_at) <= datetime.now(UTC):
            return None
        account = db.get(StaffAccount, session.account_id)
        if account is None or account.disabled_at is not None:
            return None
        return _staff(account, session)

    def sign_out(self, session_id: str) -> None:
        with self._sessions.begin() as db:
            session = db.get(StaffSession, session_id)
            if session is not None and session.revoked_at is None:
                session.revoked_at = utcnow()

    # --- the audit trail --------------------------------------------------------------------
    def audit(self, actor: str, action: str, session_id: str | None = None, **details: Any) -> None:
        with self._sessions.begin() as db:
            entry = AuditEntry(actor=actor, action=action, session_id=session_id)
            entry.details = details or None
            db.add(entry)

    async def audited(
        self, actor: str, action: str, session_id: str | None = None, **details: Any
    ) -> None:
        """`audit`, off the event loop: what routes and the desk call."""
        await asyncio.to_thread(self.audit, actor, action, session_id, **details)

    def audit_trail(self, session_id: str | None = None, limit: int = 200) -> list[AuditEntry]:
        with self._sessions() as db:
            query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
            if session_id is not None:
                query = query.where(AuditEntry.session_id == session_id)
            return list(db.scalars(query))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite drops the zone


def _staff(account: StaffAccount, session: StaffSession) -> Staff:
    return Staff(
        account.id, account.username, account.display_name, account.role, session.id, session.csrf
    )
