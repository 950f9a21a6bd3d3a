import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection


@dataclass
class Answer:
    frames: list[dict[str, Any]] = field(default_factory=list)

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [f for f in self.frames if f["type"] == kind]

    @property
    def text(self) -> str:
        return "".join(f["text"] for f in self.of("token"))

    @property
    def done(self) -> dict[str, Any]:
        return self.of("done")[0]

    @property
    def error(self) -> dict[str, Any]:
        return self.of("error")[0]

    @property
    def products(self) -> list[dict[str, Any]]:
        return self.of("products")[0]["products"]


async def recv(ws: ClientConnection) -> dict[str, Any]:
    frame: dict[str, Any] = json.loads(await ws.recv(decode=True))
    return frame


async def collect(ws: ClientConnection) -> Answer:
    """Read frames until the answer ends with `done` or `error`."""
    answer = Answer()
    while True:
        frame = await recv(ws)
        answer.frames.append(frame)
        if frame["type"] in ("done", "error"):
            return answer


async def ask(ws: ClientConnection, text: str) -> Answer:
    await ws.send(json.dumps({"type": "message", "text": text}))
    return await collect(ws)


def logged_turns(database: Any, session_id: str) -> list[dict[str, Any]]:
    with sqlite3.connect(database) as db:
        db.row_factory = sqlite3.Row
        rows = db.execute("SELECT * FROM turns WHERE session_id = ? ORDER BY id", (session_id,))
        turns = [dict(row) for row in rows]
    for turn in turns:
        turn["products"] = json.loads(turn["products"])
        turn["grounding"] = json.loads(turn["grounding"])
    return turns
