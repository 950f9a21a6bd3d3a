"""Write and read the dialogue log. Every accepted message is committed before it is answered."""

import asyncio
import hashlib
import logging
import re
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, make_url, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.log.models import (
    ApiKey,
    Correction,
    DialogueSession,
    Feedback,
    ShopEvent,
    Turn,
    utcnow,
)

MIGRATIONS = Path(__file__).parent / "migrations"
WAITING = "waiting_for_human"
WITH_AGENT = "with_agent"  # a person from the shop holds the conversation
T = TypeVar("T")
CLOSE_RETRY_PAUSES = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
log = logging.getLogger(__name__)


REVIEWS = ("good", "bad")
ORDER = "order"  # the event the shop's server reports; the page's events are in bot.protocol


class NotFound(LookupError):
    """An id the log does not hold (or not in that session); the message says which."""


KEY_PREFIX = "sb-"
API_KEY_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass
class TurnOutcome:
    status: str
    reply: str = ""
    products: list[dict[str, Any]] = field(default_factory=list)
    model: str = ""
    adapter: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    ttft_ms: float | None = None
    total_ms: float | None = None
    grounding: list[dict[str, str]] = field(default_factory=list)
    error_code: str | None = None
    error_message: str | None = None
    intent: str | None = None
    sentiment: str | None = None
    sentiment_score: float | None = None
    action: str | None = None
    lead_prompt: str | None = None
    lead_text: str | None = None
    handover_reason: str | None = None
    profile: dict[str, Any] | None = None


def _sqlite_pragmas(synchronous: str) -> Callable[[Any, Any], None]:
    def pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # WAL lets staff read the log while the service writes; busy_timeout rides out short
        # locks. In WAL mode "normal" flushes to disk at checkpoints, not at every commit: a
        # commit survives the process dying, and the file is never left corrupt.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={SYNCHRONOUS[synchronous]}")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return pragmas


SYNCHRONOUS = {"normal": "NORMAL", "full": "FULL"}


def open_engine(url: str, *, synchronous: str = "normal") -> Engine:
    """The log's database; for SQLite, `synchronous` is "normal" or "full" (`Settings`)."""
    if synchronous not in SYNCHRONOUS:
        raise ValueError(f"synchronous must be one of {sorted(SYNCHRONOUS)}, not {synchronous!r}")
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    sqlite = make_url(url).get_backend_name() == "sqlite"
    # A server's connection can go stale (a restart, a failover): checked before each use. A
    # SQLite file's cannot, and the check would cost a query per use.
    engine = create_engine(url, pool_pre_ping=not sqlite)
    if sqlite:
        event.listen(engine, "connect", _sqlite_pragmas(synchronous))
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class DialogueLog:
    def __init__(self, url: str, *, synchronous: str = "normal"):
        self.engine = open_engine(url, synchronous=synchronous)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # One writer thread: turns are written in order and never wait on each other's locks.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dialogue-log")

    def migrate(self) -> None:
        migrate(self.engine)

    def close(self) -> None:
        self._writer.shutdown(wait=True)
        self.engine.dispose()

    # The service calls the async wrappers; SQLAlchemy's sync API runs in the writer thread.
    async def _run(self, call: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._writer, call, *args)

    async def write(self, call: Callable[..., T], *args: Any) -> T:
        """Run `call` (another part's write to this database) in the log's writer thread, in
        turn with the log's own writes rather than against them for SQLite's one write lock,
        where a waiting writer sleeps in steps of up to 100 ms."""
        return await self._run(call, *args)

    async def open_turn(
        self, session_id: str, channel: str, user_text: str, client_id: str | None = None
    ) -> int:
        return await self._run(self._open_turn, session_id, channel, user_text, client_id)

    async def turn_of_client(self, session_id: str, client_id: str) -> Turn | None:
        """The turn a client's message id already made in this session, if any."""
        return await self._run(self._turn_of_client, session_id, client_id)

    def _turn_of_client(self, session_id: str, client_id: str) -> Turn | None:
        with self._sessions() as db:
            query = select(Turn).where(Turn.session_id == session_id, Turn.client_id == client_id)
            return db.scalars(query).first()

    async def close_turn(self, turn_id: int, outcome: TurnOutcome) -> None:
        """Record how a turn ended. A database away for a moment (a restart, a failover, a
        dropped connection) is waited for, about 30 s in all: the shopper has seen the answer,
        and it must not stay `pending` or be lost."""
        for pause in CLOSE_RETRY_PAUSES:
            try:
                await self._run(self._close_turn, turn_id, outcome)
                return
            except OperationalError as exc:
                log.warning("Recording turn %s failed (%s); trying again in %s s.",
                            turn_id, exc.orig, pause)  # fmt: skip
                await asyncio.sleep(pause)
        await self._run(self._close_turn, turn_id, outcome)

    async def history(self, session_id: str) -> list[Turn] | None:
        return await self._run(self.turns, session_id)

    def _open_turn(
        self, session_id: str, channel: str, user_text: str, client_id: str | None = None
    ) -> int:
        with self._sessions.begin() as db:
            _ensure_session(db, session_id, channel)
            turn = Turn(session_id=session_id, user_text=user_text, client_id=client_id)
            db.add(turn)
            db.flush()
            return turn.id

    def _close_turn(self, turn_id: int, outcome: TurnOutcome) -> None:
        # Two UPDATEs, nothing read first: this runs once per turn in the log's one writer.
        fields = vars(outcome).copy()
        profile, reason = fields.pop("profile"), fields.pop("handover_reason")
        changes: dict[str, Any] = {} if profile is None else {"profile": profile}
        if reason is not None:
            changes |= {"state": WAITING, "handover_reason": reason}
        with self._sessions.begin() as db:
            closed = update(Turn).where(Turn.id == turn_id).values(**fields)
            session_id = db.execute(closed.returning(Turn.session_id)).scalar_one()
            if changes:
                db.execute(
                    update(DialogueSession)
                    .where(DialogueSession.id == session_id)
                    .values(**changes)
                )

    async def session_state(self, session_id: str) -> str | None:
        return await self._run(self._session_state, session_id)

    def _session_state(self, session_id: str) -> str | None:
        with self._sessions() as db:
            session = db.get(DialogueSession, session_id)
            return session.state if session is not None else None

    async def profile(self, session_id: str) -> dict[str, Any] | None:
        return await self._run(self._profile, session_id)

    def _profile(self, session_id: str) -> dict[str, Any] | None:
        with self._sessions() as db:
            session = db.get(DialogueSession, session_id)
            return session.profile if session is not None else None

    def create_api_key(self, name: str) -> str:
        """A new key for `/v1`, returned once; only its hash is stored."""
        if not API_KEY_NAME.fullmatch(name):
            raise ValueError("A key name is 1-64 letters, digits, '.', '-' or '_'.")
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        with self._sessions.begin() as db:
            if db.scalar(select(ApiKey).where(ApiKey.name == name)) is not None:
                raise ValueError(f"There is already a key named {name}; pick another name.")
            db.add(ApiKey(name=name, key_hash=_key_hash(key), prefix=key[:12]))
        return key

    def api_keys(self) -> list[ApiKey]:
        with self._sessions() as db:
            return list(db.scalars(select(ApiKey).order_by(ApiKey.id)))

    def revoke_api_key(self, name: str) -> bool:
        with self._sessions.begin() as db:
            key = db.scalar(select(ApiKey).where(ApiKey.name == name))
            if key is None or key.revoked_at is not None:
                return False
            key.revoked_at = utcnow()
            return True

    def api_key_valid(self, key: str) -> bool:
        with self._sessions() as db:
            found = db.scalar(select(ApiKey).where(ApiKey.key_hash == _key_hash(key)))
            return found is not None and found.revoked_at is None

    def close_interrupted(self) -> int:
        """Close the turns a stopped or killed service left `pending`: nothing accepted stays
        open forever. Call at start-up, before this process accepts messages (one service per
        log; replicas sharing a database must not call it while another one is answering)."""
        with self._sessions.begin() as db:
            result = db.execute(
                update(Turn)
                .where(Turn.status == "pending")
                .values(
                    status="error",
                    error_code="interrupted",
                    error_message="The service stopped before this message was answered.",
                )
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def hand_back(self, session_id: str) -> bool:
        """Give a session waiting for a person back to the assistant; False if unknown."""
        with self._sessions.begin() as db:
            session = db.get(DialogueSession, session_id)
            if session is None:
                return False
            session.state, session.handover_reason = "bot", None
            return True

    def waiting(self) -> list[DialogueSession]:
        with self._sessions() as db:
            query = select(DialogueSession).where(DialogueSession.state == WAITING)
            return list(db.scalars(query.order_by(DialogueSession.created_at)))

    def turns(self, session_id: str) -> list[Turn] | None:
        """All turns of a session, oldest first; None when the session is unknown."""
        with self._sessions() as db:
            if db.get(DialogueSession, session_id) is None:
                return None
            return list(
                db.scalars(select(Turn).where(Turn.session_id == session_id).order_by(Turn.id))
            )

    def session(self) -> Session:
        return self._sessions()

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self._sessions

    # --- what the log learns from: ratings, shop events, corrections, review marks ----------
    async def identify(self, session_id: str, customer: dict[str, Any]) -> None:
        await self._run(self._identify, session_id, customer)

    def _identify(self, session_id: str, customer: dict[str, Any]) -> None:
        with self._sessions.begin() as db:
            _ensure_session(db, session_id, "ws")
            db.get_one(DialogueSession, session_id).customer = customer

    async def rate(self, session_id: str, turn_id: int, rating: str, comment: str | None) -> None:
        await self._run(self._rate, session_id, turn_id, rating, comment)

    def _rate(self, session_id: str, turn_id: int, rating: str, comment: str | None) -> None:
        with self._sessions.begin() as db:
            turn = db.get(Turn, turn_id)
            if turn is None or turn.session_id != session_id or turn.status != "ok":
                raise NotFound(f"There is no answered message {turn_id} in this conversation.")
            found = db.scalar(select(Feedback).where(Feedback.turn_id == turn_id))
            if found is None:
                db.add(Feedback(session_id=session_id, turn_id=turn_id, rating=rating,
                                comment=comment))  # fmt: skip
            else:
                found.rating, found.comment, found.created_at = rating, comment, utcnow()

    async def record_event(
        self,
        session_id: str,
        kind: str,
        *,
        product_id: str | None = None,
        quantity: int | None = None,
        turn_id: int | None = None,
        channel: str = "ws",
    ) -> int | None:
        """Log a widget event; returns the answer it is tied to (the given `turn_id`, else the
        latest answer of the session that showed the product), None when none showed it."""
        return await self._run(
            self._record_event, session_id, kind, product_id, quantity, turn_id, channel
        )

    def _record_event(
        self,
        session_id: str,
        kind: str,
        product_id: str | None,
        quantity: int | None,
        turn_id: int | None,
        channel: str,
    ) -> int | None:
        with self._sessions.begin() as db:
            # The shopper may browse before writing anything: the conversation starts here.
            _ensure_session(db, session_id, channel)
            if turn_id is not None:
                turn = db.get(Turn, turn_id)
                if turn is None or turn.session_id != session_id:
                    raise NotFound(f"There is no message {turn_id} in this conversation.")
            elif product_id is not None:
                turn_id = _shown_in(db, session_id).get(product_id)
            event = ShopEvent(
                session_id=session_id, turn_id=turn_id, kind=kind, product_id=product_id,
                quantity=quantity, source="widget",
            )  # fmt: skip
            db.add(event)
            return turn_id

    def record_order(
        self,
        session_id: str,
        order_id: str,
        items: list[dict[str, Any]],
        total: str | None,
        currency: str | None,
    ) -> bool:
        """Log an order the shop's server reports; False when this order id is already logged
        (reporting again is safe). Raises NotFound for a session the log does not hold."""
        with self._sessions.begin() as db:
            if db.get(DialogueSession, session_id) is None:
                raise NotFound(f"There is no conversation {session_id}.")
            known = select(ShopEvent.id).where(
                ShopEvent.kind == ORDER, ShopEvent.order_id == order_id
            )
            if db.scalar(known) is not None:
                return False
            answers = _shown_in(db, session_id)
            ordered = {str(item["product_id"]) for item in items}
            shown = {p: answers[p] for p in sorted(ordered) if p in answers}
            db.add(ShopEvent(
                session_id=session_id, kind=ORDER, order_id=order_id, value=total,
                currency=currency, source="server", details={"items": items, "shown_in": shown},
            ))  # fmt: skip
            return True

    def correct(self, turn_id: int, agent: str, text: str) -> str:
        """Log an agent's reply in place of the assistant's answer `turn_id`; returns the
        session it belongs to. The latest correction of a turn is the one learned from."""
        with self._sessions.begin() as db:
            turn = db.get(Turn, turn_id)
            if turn is None:
                raise NotFound(f"There is no message {turn_id} in the log.")
            db.add(Correction(session_id=turn.session_id, turn_id=turn_id, agent=agent, text=text))
            return turn.session_id

    def mark_review(self, session_id: str, verdict: str | None, note: str | None = None) -> None:
        """Mark a reviewed conversation "good" or "bad" (never learned from); None clears it."""
        if verdict is not None and verdict not in REVIEWS:
            raise ValueError(f"A review is one of {', '.join(REVIEWS)}, not {verdict!r}.")
        with self._sessions.begin() as db:
            session = db.get(DialogueSession, session_id)
            if session is None:
                raise NotFound(f"There is no conversation {session_id}.")
            session.review, session.review_note = verdict, note if verdict else None


def _ensure_session(db: Session, session_id: str, channel: str) -> None:
    if db.get(DialogueSession, session_id) is None:
        db.add(DialogueSession(id=session_id, channel=channel))
        db.flush()


def _shown_in(db: Session, session_id: str) -> dict[str, int]:
    """Each product the session's answers showed, with the latest answer that showed it."""
    query = select(Turn.id, Turn.products).where(Turn.session_id == session_id, Turn.status == "ok")
    shown: dict[str, int] = {}
    for turn_id, products in db.execute(query.order_by(Turn.id)):
        for product in products or []:
            if isinstance(product, dict) and product.get("id") is not None:
                shown[str(product["id"])] = int(turn_id)
    return shown
