"""Keep each conversation's lead score up to date, and the lead model fitted to the log."""

import asyncio
import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.insight.lead import LeadModel, Signals, purchased, signals
from bot.log.models import DialogueSession, Turn, utcnow

log = logging.getLogger(__name__)
FINISHED_AFTER = timedelta(days=1)  # a conversation this old is over: bought or not
MAX_TRAINING = 20_000


class Insight:
    def __init__(self, sessions: sessionmaker[Session]):
        self._sessions = sessions
        self.lead = LeadModel()

    def finished(self) -> list[tuple[Signals, bool]]:
        """The signals and outcome of finished conversations (the most recent ones), oldest
        first."""
        with self._sessions() as db:
            finished = select(DialogueSession.id).where(
                DialogueSession.created_at < utcnow() - FINISHED_AFTER,
                DialogueSession.id.in_(select(Turn.session_id)),
            )
            ids = list(
                db.scalars(finished.order_by(DialogueSession.created_at.desc()).limit(MAX_TRAINING))
            )
            rows = [(signals(db, i), purchased(db, i)) for i in reversed(ids)]
        return rows

    def refit(self) -> bool:
        """Fit the lead model to finished conversations, if that beats the prior."""
        learned = self.lead.fit(self.finished())
        log.info("Lead model: %s", self.lead.describe())
        return learned

    async def follow(self, every: float = 3600.0) -> None:
        """Refit every `every` seconds, as purchases are reported."""
        while True:
            await asyncio.sleep(every)
            try:
                await asyncio.to_thread(self.refit)
            except Exception:
                log.exception("Refitting the lead model failed; the last one stays.")

    def rescore(self, session_id: str) -> tuple[float | None, str | None]:
        """Score a conversation now and keep the score; returns it with the mood of the
        shopper's last message."""
        with self._sessions.begin() as db:
            session = db.get(DialogueSession, session_id)
            if session is None:
                return None, None
            session.lead_score = self.lead.score(signals(db, session_id))
            last = db.scalar(
                select(Turn.sentiment)
                .where(Turn.session_id == session_id)
                .order_by(Turn.id.desc())
                .limit(1)
            )
            return session.lead_score, last
