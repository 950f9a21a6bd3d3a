"""The shopper websocket `/ws/chat`: translate frames to the chat service and back."""

import asyncio
import contextlib
import json
import logging

from fastapi import APIRouter, WebSocket
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import SQLAlchemyError
from starlette.websockets import WebSocketDisconnect
from uvicorn.protocols.utils import ClientDisconnected

from bot.chat import ChatService, Done, Event, Handover, Products, Token
from bot.chat.events import Turn
from bot.chat.profile import ShopperProfile
from bot.config import Settings
from bot.errors import BadRequest, LogUnavailable, SalesbotError
from bot.log.store import NotFound, TurnOutcome
from bot.metrics import METRICS
from bot.protocol import (
    SESSION_ID,
    AckFrame,
    ClientFrame,
    DoneFrame,
    ErrorFrame,
    EventFrame,
    FeedbackFrame,
    HandoverFrame,
    MessageFrame,
    ProductCard,
    ProductsFrame,
    SessionFrame,
    Timings,
    TokenFrame,
    TokenUsage,
)
from bot.sessions import (
    API_PREFIX,
    ChatSession,
    Limits,
    ResumeTokens,
    new_session_id,
    origin_allowed,
    service_secret,
)

log = logging.getLogger(__name__)
router = APIRouter()
MAX_QUEUED = 4
INTERNAL = SalesbotError("Something went wrong on our side while answering. Please try again.")


def limits_for(settings: Settings) -> Limits:
    return Limits(
        settings.rate_limit_messages, settings.rate_limit_ip_messages, settings.rate_limit_window
    )


CLIENT_FRAMES: dict[str, type[ClientFrame]] = {
    "message": MessageFrame,
    "feedback": FeedbackFrame,
    "event": EventFrame,
}


def parse_frame(raw: str | bytes | None, max_bytes: int) -> ClientFrame:
    if raw is None or isinstance(raw, bytes):
        raise BadRequest("Send JSON text frames, not binary ones.", code="bad_frame")
    if len(raw.encode()) > max_bytes:
        raise BadRequest(
            f"The frame is larger than {max_bytes} bytes. Send shorter messages.",
            code="frame_too_large",
        )
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BadRequest(f"The frame is not valid JSON ({exc.msg}).", code="invalid_json") from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise BadRequest('A frame is a JSON object with a "type".', code="invalid_frame")
    kind = CLIENT_FRAMES.get(data["type"])
    if kind is None:
        known = ", ".join(f'"{name}"' for name in CLIENT_FRAMES)
        raise BadRequest(
            f'Unknown frame type "{data["type"][:40]}". Client frames are {known}.',
            code="unknown_type",
        )
    try:
        return kind.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "frame"
        message = f"Invalid {data['type']} frame: {where}: {first['msg']}."
        raise BadRequest(message, code="invalid_frame") from None


class Connection:
    def __init__(
        self,
        websocket: WebSocket,
        service: ChatService,
        settings: Settings,
        limits: Limits | None = None,
        tokens: ResumeTokens | None = None,
    ):
        self.ws = websocket
        self.service = service
        self.settings = settings
        self.limits = limits or limits_for(settings)
        self.tokens = tokens or ResumeTokens(service_secret(settings.secret_key, settings.data_dir))
        client = getattr(websocket, "client", None)
        self.address = client.host if client else None
        self.session = ChatSession(new_session_id())
        self.queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
        self.started = False
        self._send_lock = asyncio.Lock()

    async def send(self, frame: BaseModel) -> None:
        async with self._send_lock:
            await self.ws.send_text(frame.model_dump_json())

    async def send_error(
        self, exc: SalesbotError, message_id: int | None = None, *, counted: bool = False
    ) -> None:
        """Send an error frame. `counted`: the turn's logged outcome already counted it."""
        if not counted:
            METRICS.errors.labels(exc.code).inc()
        await self.send(ErrorFrame(code=exc.code, message=exc.message, message_id=message_id))

    async def resume(self, session_id: str | None, token: str | None = None) -> None:
        """Switch to an existing session and send its history. An unknown id, or one without
        its resume token, gets the same error: nobody learns which ids exist."""
        resumed = False
        if session_id is not None:
            usable = (
                SESSION_ID.match(session_id)
                and not session_id.startswith(API_PREFIX)
                and self.tokens.valid(session_id, token)
            )
            logged = await self.service.log.history(session_id) if usable else None
            if logged is None:
                await self.send_error(
                    BadRequest(
                        f"There is no session {session_id[:64]} to resume with that token; this "
                        "is a new conversation.",
                        code="session_not_found",
                    )
                )
            else:
                self.session.id = session_id
                self.session.load(logged)
                stored = await self.service.log.profile(session_id)
                self.session.profile = ShopperProfile.model_validate(stored or {})
                resumed = True
        items = self.session.history_items()
        token = self.tokens.token(self.session.id)
        await self.send(
            SessionFrame(
                session_id=self.session.id, resume_token=token, resumed=resumed, history=items
            )
        )

    async def run(self, session_id: str | None, token: str | None = None) -> None:
        await self.resume(session_id, token)
        worker = asyncio.create_task(self.work())
        try:
            await self.read()
        finally:
            worker.cancel()
            # Whatever ended the worker (a send to a client that just left), the messages it
            # had not reached are still closed in the log.
            await asyncio.gather(worker, return_exceptions=True)
            await self.abandon_queued()

    async def read(self) -> None:
        while True:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            try:
                raw = message.get("text")
                raw = message.get("bytes") if raw is None else raw
                frame = parse_frame(raw, self.settings.max_frame_bytes)
                if isinstance(frame, MessageFrame):
                    await self.accept(frame)
                else:
                    await self.signal(frame)
            except SalesbotError as exc:
                await self.send_error(exc)

    async def accept(self, frame: MessageFrame) -> None:
        if frame.session_id and frame.session_id != self.session.id:
            if self.started:
                raise BadRequest(
                    "This connection already has a conversation; reconnect to resume another.",
                    code="session_mismatch",
                )
            await self.resume(frame.session_id, frame.resume_token)
        self.service.validate(frame.text)
        if self.queue.qsize() >= MAX_QUEUED:
            raise BadRequest(
                "Still answering your earlier messages. Please wait for the answer.", code="busy"
            )
        self.limits.check(self.session.id, self.address)
        self.started = True
        turn_id = await self.service.accept(self.session.id, "ws", frame.text)
        self.queue.put_nowait((turn_id, frame.text))

    async def signal(self, frame: FeedbackFrame | EventFrame) -> None:
        """Log a rating or a shop event for this connection's conversation and acknowledge it."""
        self.limits.check_signal(self.session.id)
        log_ = self.service.log
        try:
            if isinstance(frame, FeedbackFrame):
                said = (frame.comment or "").strip()
                comment = self.service.loggable(said) if said else None
                await log_.rate(self.session.id, frame.message_id, frame.rating, comment)
                await self.send(AckFrame(of="feedback", message_id=frame.message_id))
            else:
                shown_in = await log_.record_event(
                    self.session.id, frame.name, product_id=frame.product_id,
                    quantity=frame.quantity, turn_id=frame.message_id,
                )  # fmt: skip
                await self.send(AckFrame(of="event", message_id=shown_in))
        except NotFound as exc:
            raise BadRequest(str(exc), code="unknown_message") from None
        except SQLAlchemyError:
            log.exception("Could not log a %s of session %s.", frame.type, self.session.id)
            raise LogUnavailable("That could not be saved just now. Please try again.") from None

    async def work(self) -> None:
        while True:
            turn_id, text = await self.queue.get()
            try:
                try:
                    await self.answer(turn_id, text)
                except SalesbotError as exc:
                    await self.send_error(exc, turn_id, counted=True)
                except (WebSocketDisconnect, ClientDisconnected):
                    raise
                except Exception:
                    log.exception("Answering message %s failed.", turn_id)
                    await self.send_error(INTERNAL, turn_id, counted=True)
            except (WebSocketDisconnect, ClientDisconnected, RuntimeError):
                return  # the client left; the reader ends the connection and closes the rest

    async def answer(self, turn_id: int, text: str) -> None:
        events = self.service.answer(
            turn_id, text, profile=self.session.profile, session_id=self.session.id
        )
        async with contextlib.aclosing(events):
            async for event in events:
                await self.forward(turn_id, text, event)

    async def forward(self, turn_id: int, text: str, event: Event) -> None:
        if isinstance(event, Products):
            cards = [
                ProductCard(
                    **h.product.card(), score=round(h.score, 4), note=event.notes.get(h.product.id)
                )
                for h in event.hits
            ]
            await self.send(ProductsFrame(message_id=turn_id, products=cards))
        elif isinstance(event, Handover):
            frame = HandoverFrame(message_id=turn_id, reason=event.reason, message=event.message)
            await self.send(frame)
        elif isinstance(event, Token):
            await self.send(TokenFrame(message_id=turn_id, text=event.text))
        elif isinstance(event, Done):
            self.session.turns.append(Turn(text, event.text))
            if event.profile is not None:
                self.session.profile = event.profile
            timings = Timings(ttft_ms=event.ttft_ms, total_ms=event.total_ms)
            usage = TokenUsage(**vars(event.usage))
            profile = event.profile.model_dump(mode="json") if event.profile else None
            done = DoneFrame(
                message_id=turn_id, text=event.text, timings=timings, usage=usage,
                intent=event.intent, action=event.action, profile=profile,
            )  # fmt: skip
            await self.send(done)

    async def abandon_queued(self) -> None:
        while not self.queue.empty():
            turn_id, _ = self.queue.get_nowait()
            outcome = TurnOutcome(
                status="cancelled",
                error_code="client_disconnected",
                error_message="The shopper left before this message was answered.",
            )
            await self.service.log.close_turn(turn_id, outcome)


@router.websocket("/ws/chat")
async def chat_socket(
    websocket: WebSocket, session_id: str | None = None, token: str | None = None
) -> None:
    """Chat with the shop assistant: JSON frames in, streamed grounded answers out."""
    settings: Settings = websocket.app.state.settings
    origin = websocket.headers.get("origin")
    if not origin_allowed(origin, websocket.headers.get("host"), settings.allowed_origins):
        log.info("Refused a chat socket from the page at %s (not in allowed_origins).", origin)
        await websocket.close(code=1008, reason="This page may not use this chat service.")
        return
    await websocket.accept()
    METRICS.sockets.inc()
    state = websocket.app.state
    if getattr(state, "limits", None) is None:
        state.limits = limits_for(settings)
        state.tokens = ResumeTokens(service_secret(settings.secret_key, settings.data_dir))
    connection = Connection(websocket, state.chat, settings, state.limits, state.tokens)
    try:
        await connection.run(session_id, token)
    except WebSocketDisconnect:
        pass
    finally:
        METRICS.sockets.dec()
