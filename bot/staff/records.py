"""What the desk writes to the log: who holds a conversation, and what staff said in it."""

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.log.models import Correction, DialogueSession, StaffMessage, Turn
from bot.log.store import WITH_AGENT, NotFound


class DeskRecords:
    def __init__(self, sessions: sessionmaker[Session]):
        self._sessions = sessions

    def claim(self, session_id: str, agent: str) -> str | None:
        """Take a conversation over, atomically across replicas: None when `agent` now holds
        it, else who already does."""
        with self._sessions.begin() as db:
            taken = db.execute(
                update(DialogueSession)
                .where(DialogueSession.id == session_id, DialogueSession.agent.is_(None))
                .values(state=WITH_AGENT, agent=agent)
            )
            if getattr(taken, "rowcount", 0) == 1:
                return None
            session = db.get(DialogueSession, session_id)
            if session is None:
                raise NotFound(f"There is no conversation {session_id} in the log yet.")
            return session.agent

    def hand_back(self, session_id: str, agent: str) -> bool:
        """Give a conversation `agent` holds back to the assistant; False if they do not."""
        with self._sessions.begin() as db:
            handed = db.execute(
                update(DialogueSession)
                .where(DialogueSession.id == session_id, DialogueSession.agent == agent)
                .values(state="bot", agent=None, handover_reason=None)
            )
            return getattr(handed, "rowcount", 0) == 1

    def holder_and_customer(self, session_id: str) -> tuple[str | None, dict[str, Any] | None]:
        """Who holds the conversation, and who the shop says the shopper is."""
        with self._sessions() as db:
            session = db.get(DialogueSession, session_id)
            return (session.agent, session.customer) if session is not None else (None, None)

    def say(
        self, session_id: str, agent: str, name: str, kind: str, text: str,
        draft: str | None = None, turn_id: int | None = None,
    ) -> StaffMessage:  # fmt: skip
        """Log what staff said; a reply in place of the assistant's (`turn_id`) is also a
        correction, the most valuable training data."""
        with self._sessions.begin() as db:
            said = StaffMessage(
                session_id=session_id, agent=agent, name=name, kind=kind, text=text,
                draft=draft, turn_id=turn_id,
            )  # fmt: skip
            db.add(said)
            if turn_id is not None:
                db.add(Correction(session_id=session_id, turn_id=turn_id, agent=agent, text=text))
            db.flush()
            return said

    def handled(self, session_id: str, agent: str) -> str:
        """A one-line summary of `agent`'s part since they joined, for the hand-back note."""
        said = [m for m in self.messages(session_id) if m.agent == agent]
        joins = [i for i, m in enumerate(said) if m.kind == "joined"]
        since = said[joins[-1]].created_at if joins else None
        written = sum(m.kind == "message" for m in said[joins[-1] if joins else 0 :])
        with self._sessions() as db:
            query = select(func.count()).where(Turn.session_id == session_id)
            if since is not None:
                query = query.where(Turn.created_at >= since)
            asked = db.scalar(query) or 0
        return f"{agent} wrote {written} message(s); the shopper wrote {asked} meanwhile."

    def messages(self, session_id: str) -> list[StaffMessage]:
        with self._sessions() as db:
            query = select(StaffMessage).where(StaffMessage.session_id == session_id)
            return list(db.scalars(query.order_by(StaffMessage.id)))

    def waiting_or_held(self) -> list[DialogueSession]:
        """Conversations a person should see even when their shopper has left."""
        with self._sessions() as db:
            query = select(DialogueSession).where(DialogueSession.state != "bot")
            return list(db.scalars(query.order_by(DialogueSession.created_at).limit(500)))
