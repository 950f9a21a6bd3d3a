"""The shopper websocket `/ws/chat`: translate frames to the chat service and back."""

import asyncio
import contextlib
import json
import logging

from fastapi import APIRouter, WebSocket
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import SQLAlchemyError
from starlette.websockets import WebSocketDisconnect

from bot.chat.hub import INTERNAL, Conversation, Hub
from bot.config import Settings
from bot.errors import BadRequest, LogUnavailable, SalesbotError, is_unicode, not_text
from bot.log.store import NotFound
from bot.metrics import METRICS
from bot.protocol import (
    SESSION_ID,
    AcceptedFrame,
    AckFrame,
    ClientFrame,
    ErrorFrame,
    EventFrame,
    FeedbackFrame,
    IdentifyFrame,
    MessageFrame,
    SessionFrame,
    StopFrame,
)
from bot.sessions import (
    API_PREFIX,
    Limits,
    ResumeTokens,
    new_session_id,
    origin_allowed,
    service_secret,
)

log = logging.getLogger(__name__)
router = APIRouter()
# Frames queued for one connection before it counts as not reading (a whole answer is a few
# hundred); it is then closed with 1013 and can resume where it left off.
MAX_OUTBOX = 4096
TOO_SLOW = "The client stopped reading; reconnect to resume."


def limits_for(settings: Settings) -> Limits:
    return Limits(
        settings.rate_limit_messages, settings.rate_limit_ip_messages, settings.rate_limit_window
    )


CLIENT_FRAMES: dict[str, type[ClientFrame]] = {
    "message": MessageFrame,
    "stop": StopFrame,
    "feedback": FeedbackFrame,
    "event": EventFrame,
    "identify": IdentifyFrame,
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
    except (ValueError, RecursionError):  # a number of thousands of digits, nesting too deep
        raise BadRequest(
            "The frame is JSON this service does not read: nested too deeply or a number too long.",
            code="invalid_json",
        ) from None
    if not is_unicode(json.dumps(data, ensure_ascii=False)):  # every string in it
        raise not_text("frame", "invalid_frame")
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
    """One websocket: reads client frames, subscribes to its conversation in the hub and writes
    the conversation's frames (and its own errors) back, in order, from one outbox."""

    def __init__(
        self,
        websocket: WebSocket,
        hub: Hub,
        settings: Settings,
        limits: Limits | None = None,
        tokens: ResumeTokens | None = None,
    ):
        self.ws = websocket
        self.hub = hub
        self.service = hub.service
        self.settings = settings
        self.limits = limits or limits_for(settings)
        self.tokens = tokens or ResumeTokens(service_secret(settings.secret_key, settings.data_dir))
        client = getattr(websocket, "client", None)
        self.address = client.host if client else None
        self.conversation: Conversation | None = None
        self.outbox: asyncio.Queue[str] = asyncio.Queue()
        self.too_slow = asyncio.Event()  # the outbox is full: the client stopped reading
        self.started = False
        # Clients of the first protocol expect products, tokens and done after their message;
        # `accepted` frames go only to those that asked (`?v=2`, or by sending a `client_id`).
        self.v2 = False

    @property
    def session_id(self) -> str:
        assert self.conversation is not None
        return self.conversation.id

    def push(self, frame: str) -> None:
        if self.too_slow.is_set():
            return
        if self.outbox.qsize() >= MAX_OUTBOX:
            # A client that stopped reading would hold every frame of its conversation in
            # memory; it is dropped instead, and can resume: answers go on and are logged.
            log.warning(
                "Dropped a chat socket that stopped reading (%d frames queued).", MAX_OUTBOX
            )
            self.too_slow.set()
        elif self.v2 or not frame.startswith('{"type":"accepted"'):
            self.outbox.put_nowait(frame)

    def send(self, frame: BaseModel) -> None:
        self.push(frame.model_dump_json())

    def send_error(
        self, exc: SalesbotError, message_id: int | None = None, client_id: str | None = None
    ) -> None:
        METRICS.errors.labels(exc.code).inc()
        frame = ErrorFrame(
            code=exc.code, message=exc.message, message_id=message_id, client_id=client_id
        )
        self.send(frame)

    async def write(self) -> None:
        while True:
            frame = await self.outbox.get()
            await self.ws.send_text(frame)

    async def resume(
        self, session_id: str | None, token: str | None = None,
        stream: str | None = None, last_seq: int = 0,
    ) -> None:  # fmt: skip
        """Join a logged conversation (or start a new one) and send the `session` frame, then
        the frames of its unfinished answers this client has not seen. An unknown id, or one
        without its resume token, gets the same error: nobody learns which ids exist."""
        conversation = None
        resumed = False
        if session_id is not None:
            usable = (
                SESSION_ID.match(session_id)
                and not session_id.startswith(API_PREFIX)
                and self.tokens.valid(session_id, token)
            )
            conversation = await self.hub.open(session_id, logged=True) if usable else None
            # Still live (its last answer being logged, another tab open) or restored from the
            # log: either way the shopper continues it.
            resumed = conversation is not None
            if conversation is None:
                self.send_error(
                    BadRequest(
                        f"There is no session {session_id[:64]} to resume with that token; this "
                        "is a new conversation.",
                        code="session_not_found",
                    )
                )
        if conversation is None:
            conversation = await self.hub.open(new_session_id(), logged=False)
            assert conversation is not None
        if self.conversation is not None:
            self.conversation.detach(self)
        self.conversation = conversation
        # No await from here on: the session frame, the replay and the live frames keep order.
        replay = conversation.attach(self, stream, last_seq)
        self.send(
            SessionFrame(
                session_id=conversation.id, resume_token=self.tokens.token(conversation.id),
                resumed=resumed, history=conversation.history,
                stream=conversation.stream, seq=conversation.seq, state=conversation.state,
            )
        )  # fmt: skip
        for frame in replay:
            self.push(frame)

    async def run(
        self, session_id: str | None, token: str | None = None,
        stream: str | None = None, last_seq: int = 0,
    ) -> None:  # fmt: skip
        writer = asyncio.create_task(self.write())
        try:
            await self.resume(session_id, token, stream, last_seq)
            reader = asyncio.create_task(self.read())
            slow = asyncio.create_task(self.too_slow.wait())
            await asyncio.wait({reader, writer, slow}, return_when=asyncio.FIRST_COMPLETED)
            reader.cancel()
            slow.cancel()
            await asyncio.gather(reader, slow, return_exceptions=True)
            if self.too_slow.is_set():
                writer.cancel()
                with contextlib.suppress(Exception):
                    # The close frame may never get through to a client that does not read.
                    await asyncio.wait_for(self.ws.close(1013, TOO_SLOW), 5)
        finally:
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)
            if self.conversation is not None:
                self.conversation.detach(self)

    async def read(self) -> None:
        while True:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            client_id = None
            try:
                raw = message.get("text")
                raw = message.get("bytes") if raw is None else raw
                frame = parse_frame(raw, self.settings.max_frame_bytes)
                if isinstance(frame, MessageFrame):
                    client_id = frame.client_id
                    await self.accept(frame)
                elif isinstance(frame, StopFrame):
                    assert self.conversation is not None
                    self.conversation.stop(frame.message_id)
                else:
                    await self.signal(frame)
            except SalesbotError as exc:
                self.send_error(exc, client_id=client_id)
            except Exception:
                # A bug must not end the shopper's connection without a word.
                log.exception(
                    "A frame of session %s failed.", self.conversation and self.session_id
                )
                self.send_error(INTERNAL, client_id=client_id)

    async def accept(self, frame: MessageFrame) -> None:
        if frame.session_id and frame.session_id != self.session_id:
            if self.started:
                raise BadRequest(
                    "This connection already has a conversation; reconnect to resume another.",
                    code="session_mismatch",
                )
            await self.resume(frame.session_id, frame.resume_token)
        assert self.conversation is not None
        self.v2 = self.v2 or frame.client_id is not None
        turn_id, duplicate = await self.conversation.submit(
            frame.text,
            frame.client_id,
            lambda: self.limits.check(self.session_id, self.address),
            frame.context,
        )
        self.started = True
        if duplicate:
            self.send(
                AcceptedFrame(
                    message_id=turn_id, text=frame.text, client_id=frame.client_id, duplicate=True
                )
            )

    async def signal(self, frame: FeedbackFrame | EventFrame | IdentifyFrame) -> None:
        """Log a rating, a shop event or who the shopper is, and acknowledge it."""
        self.limits.check_signal(self.session_id)
        log_ = self.service.log
        try:
            if isinstance(frame, IdentifyFrame):
                customer = frame.customer.model_dump(exclude_none=True)
                await log_.identify(self.session_id, customer)
                assert self.conversation is not None
                self.conversation.customer = customer
                self.send(AckFrame(of="identify"))
            elif isinstance(frame, FeedbackFrame):
                said = (frame.comment or "").strip()
                comment = self.service.loggable(said) if said else None
                await log_.rate(self.session_id, frame.message_id, frame.rating, comment)
                self.send(AckFrame(of="feedback", message_id=frame.message_id))
            else:
                shown_in = await log_.record_event(
                    self.session_id, frame.name, product_id=frame.product_id,
                    quantity=frame.quantity, turn_id=frame.message_id,
                )  # fmt: skip
                self.send(AckFrame(of="event", message_id=shown_in))
        except NotFound as exc:
            raise BadRequest(str(exc), code="unknown_message") from None
        except SQLAlchemyError:
            log.exception("Could not log a %s of session %s.", frame.type, self.session_id)
            raise LogUnavailable("That could not be saved just now. Please try again.") from None


@router.websocket("/ws/chat")
async def chat_socket(
    websocket: WebSocket,
    session_id: str | None = None,
    token: str | None = None,
    stream: str | None = None,
    last_seq: int = 0,
    v: int = 1,
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
    connection = Connection(websocket, state.hub, settings, state.limits, state.tokens)
    connection.v2 = v >= 2
    try:
        await connection.run(session_id, token, stream, max(last_seq, 0))
    except WebSocketDisconnect:
        pass
    finally:
        METRICS.sockets.dec()
