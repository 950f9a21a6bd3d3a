"""The desk on the real service: two agents claiming at once over HTTP (one wins), and a
shopper's websocket receiving the agent's words; the assistant stays silent meanwhile."""

import asyncio
import json

from websockets.asyncio.client import connect

from tests.bot.conftest import ask, collect, recv
from tests.bot.staff.conftest import Signed, add_account
from tests.service import Service


async def test_desk_live_two_agents_claim_at_once_and_the_shopper_hears_the_winner(
    service: Service,
) -> None:
    ana = Signed(service, add_account(service, "agent", "Ana"))
    ben = Signed(service, add_account(service, "agent", "Ben"))
    async with connect(f"{service.ws_url}?v=2") as shopper:
        session = await recv(shopper)
        session_id = session["session_id"]
        await ask(shopper, "Can I talk to a person?")
        claims = await asyncio.gather(
            asyncio.to_thread(ana.post, f"/staff/api/conversations/{session_id}/claim"),
            asyncio.to_thread(ben.post, f"/staff/api/conversations/{session_id}/claim"),
        )
        codes = sorted(c.status_code for c in claims)
        assert codes == [200, 409], [c.text for c in claims]
        winner = ana if claims[0].status_code == 200 else ben
        loser = claims[1] if winner is ana else claims[0]
        assert loser.json()["error"]["code"] == "already_claimed"
        joined = await recv(shopper)
        assert (joined["type"], joined["kind"]) == ("agent", "joined")
        assert joined["name"] == ("Ana" if winner is ana else "Ben")

        await shopper.send(
            json.dumps({"type": "message", "text": "My tent has a hole.", "client_id": "c-9"})
        )
        answer = await collect(shopper)  # accepted, then done with no words: a person answers
        assert [f["type"] for f in answer.frames] == ["accepted", "done"]
        assert answer.done["text"] == "" and answer.done["action"] == "with_agent"
        sent = await asyncio.to_thread(
            winner.post, f"/staff/api/conversations/{session_id}/messages",
            json={"text": "Sorry to hear that! Send us a photo, please."},
        )  # fmt: skip
        assert sent.status_code == 201, sent.text
        said = await recv(shopper)
        assert (said["type"], said["kind"], said["text"]) == (
            "agent", "message", "Sorry to hear that! Send us a photo, please."
        )  # fmt: skip
        other = await asyncio.to_thread(
            (ben if winner is ana else ana).post,
            f"/staff/api/conversations/{session_id}/messages", json={"text": "Me too"},
        )  # fmt: skip
        assert other.status_code == 409 and other.json()["error"]["code"] == "not_holding"
    async with connect(
        f"{service.ws_url}?v=2&session_id={session_id}&token={session['resume_token']}"
    ) as again:
        history = (await recv(again))["history"]
        assert [(h["role"], h.get("kind")) for h in history][-3:] == [
            ("agent", "joined"), ("user", None), ("agent", "message")
        ]  # fmt: skip
    ana.close()
    ben.close()
