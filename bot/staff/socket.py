"""The staff websocket `/staff/ws`: the live list of conversations, and one conversation
watched as it happens."""

import asyncio
import contextlib
import json
import logging
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket
from pydantic import ValidationError
from starlette.websockets import WebSocketDisconnect

from bot.chat.hub import Conversation
from bot.errors import BadRequest, SalesbotError
from bot.protocol import ErrorFrame
from bot.staff.accounts import Staff
from bot.staff.auth import COOKIE, staff_of
from bot.staff.desk import Desk
from bot.staff.protocol import UnwatchFrame, WatchFrame, WatchingFrame

log = logging.getLogger(__name__)
router = APIRouter()
RECHECK_S = 10.0  # a session ended elsewhere (another replica, the CLI) closes within this
FRAMES: dict[str, type[WatchFrame | UnwatchFrame]] = {"watch": WatchFrame, "unwatch": UnwatchFrame}
ROLE_OF = {"watch": "agent", "unwatch": "agent"}  # what each frame needs
MAX_FRAME = 4096


class Watch:
    """The socket as a subscriber of one conversation: its frames arrive wrapped with the
    conversation's id, so a page switching conversations never mixes them up."""

    def __init__(self, socket: "StaffSocket", session_id: str):
        self.socket, self.prefix = socket, json.dumps(session_id)

    def push(self, frame: str) -> None:
        self.socket.push(f'{{"type":"live","session_id":{self.prefix},"frame":{frame}}}')


class StaffSocket:
    def __init__(self, websocket: WebSocket, desk: Desk, staff: Staff):
        self.ws, self.desk, self.staff = websocket, desk, staff
        self.outbox: asyncio.Queue[str | None] = asyncio.Queue()
        self.watching: tuple[Conversation, Watch] | None = None

    def push(self, frame: str) -> None:
        self.outbox.put_nowait(frame)

    def end(self) -> None:
        self.outbox.put_nowait(None)  # the writer closes the socket

    async def write(self) -> None:
        while (frame := await self.outbox.get()) is not None:
            await self.ws.send_text(frame)
        await self.ws.close(code=4401, reason="The staff session ended; sign in again.")

    async def recheck(self) -> None:
        accounts = staff_of(self.ws)
        while True:
            await asyncio.sleep(RECHECK_S)
            if not await asyncio.to_thread(accounts.still_valid, self.staff.session):
                self.end()
                return

    async def run(self) -> None:
        self.desk.connected(self.staff.session, self.end)
        tasks = {asyncio.create_task(self.write()), asyncio.create_task(self.recheck())}
        try:
            self.push((await self.desk.subscribe(self)).model_dump_json())
            tasks.add(asyncio.create_task(self.read()))
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self.desk.lists.discard(self)
            self.desk.disconnected(self.staff.session, self.end)
            self.unwatch()

    async def read(self) -> None:
        while True:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            try:
                await self.handle(message.get("text"))
            except SalesbotError as exc:
                frame = ErrorFrame(code=exc.code, message=exc.message)
                self.push(frame.model_dump_json())

    async def handle(self, raw: str | None) -> None:
        if raw is None or len(raw) > MAX_FRAME:
            raise BadRequest(f"Send JSON text frames of at most {MAX_FRAME} bytes.")
        try:
            data = json.loads(raw)
            kind = FRAMES[data["type"]]
        except (ValueError, KeyError, TypeError):
            known = ", ".join(FRAMES)
            raise BadRequest(f"A frame is a JSON object whose type is one of {known}.") from None
        if not self.staff.may(ROLE_OF[data["type"]]):
            raise SalesbotError(
                f"This needs the {ROLE_OF[data['type']]} role; your account is {self.staff.role}.",
                code="forbidden", status=403,
            )  # fmt: skip
        try:
            frame = kind.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "frame"
            raise BadRequest(f"Invalid {data['type']} frame: {where}: {first['msg']}.") from None
        self.unwatch()
        if isinstance(frame, WatchFrame):
            await self.watch(frame.session_id)

    async def watch(self, session_id: str) -> None:
        conversation = await self.desk.open(session_id)
        watch = Watch(self, session_id)
        self.watching = (conversation, watch)
        # No await from here on: the snapshot, the replay and the live frames keep order.
        replay = conversation.attach(watch, None, 0, staff=True)
        detail = self.desk.detail(conversation)
        frame = WatchingFrame(detail=detail, stream=conversation.stream, seq=conversation.seq)
        self.push(frame.model_dump_json())
        for each in replay:
            watch.push(each)

    def unwatch(self) -> None:
        if self.watching is not None:
            conversation, watch = self.watching
            self.watching = None
            conversation.detach(watch)


def same_origin(websocket: WebSocket) -> bool:
    origin = websocket.headers.get("origin")
    host = websocket.headers.get("host", "")
    return origin is None or urlsplit(origin).netloc.casefold() == host.casefold()


@router.websocket("/staff/ws")
async def staff_socket(websocket: WebSocket) -> None:
    """The agents' live list and watched conversation; needs a signed-in agent."""
    if not same_origin(websocket):
        await websocket.close(code=1008, reason="Open the staff desk from its own address.")
        return
    await websocket.accept()
    token = websocket.cookies.get(COOKIE)
    staff = await asyncio.to_thread(staff_of(websocket).signed_in, token)
    refusal = None
    if staff is None:
        refusal = ("sign_in_required", "Sign in at /staff first.", 4401)
    elif not staff.may("agent"):
        refusal = ("forbidden", f"The live desk needs the agent role; yours is {staff.role}.", 4403)
    if refusal is not None or staff is None:
        code, text, close = refusal or ("forbidden", "", 4403)
        await websocket.send_text(ErrorFrame(code=code, message=text).model_dump_json())
        await websocket.close(code=close, reason=text[:120])
        return
    with contextlib.suppress(WebSocketDisconnect):
        await StaffSocket(websocket, websocket.app.state.desk, staff).run()
