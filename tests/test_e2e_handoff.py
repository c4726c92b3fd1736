"""Handing the conversation to a person end to end through the REST channel (real Rasa with the trained
rules and form, real action server): asked in words, consent with a contact (typed as a phone: kept as
typed only for this question, masked anywhere else), the handoff order in the last message, the
conversation paused for the desk's channels (the bot answers nothing) and resumed with Rasa's API as the
front ends do (tendik.common.rasa_client.RasaClient.resume) after which the bot answers again."""

from __future__ import annotations

import asyncio
import urllib.parse

from tendik.common.rasa_client import RasaClient
from tendik.ops.services import Services
from tendik.texts import text
from tests.test_e2e_rest import new_sender, send
from tests.test_e2e_situation import payloads


def say(assistant: Services, sender: str, message: str, lang: str, channel: str = "web") -> list[dict]:
    return send(assistant, sender, message, metadata={"language": lang}, input_channel=channel)


def tracker(assistant: Services, sender: str) -> dict:
    return assistant.api(f"/conversations/{urllib.parse.quote(sender, safe='')}/tracker", timeout=30)


def test_ru_asked_consented_with_a_contact_paused_and_resumed(assistant: Services) -> None:
    lang, sender = "ru", new_sender("handoff-ru")
    say(assistant, sender, "меня уволили из-за возраста, позвоните 8 701 765 43 21", lang)
    reply = say(assistant, sender, "хочу поговорить с юристом", lang)
    offer = next(m for m in reply if m.get("text", "").startswith(text("handoff.offer_intro", lang)))
    assert "[PHONE]" in offer["text"] and "765" not in offer["text"]  # what would be shared is masked
    assert len(offer["buttons"]) == 3
    reply = say(assistant, sender, '/handoff_consent{"handoff_share":"contact"}', lang)
    assert text("handoff.ask_contact", lang) in [m.get("text") for m in reply]
    reply = say(assistant, sender, "завтра после обеда", lang)
    assert text("handoff.contact_invalid", lang) in [m.get("text") for m in reply]
    reply = say(assistant, sender, "+7 701 555 44 33", lang)
    [payload] = [p for p in payloads(reply) if p.handoff]
    assert payload.handoff.contact == "+7 701 555 44 33"
    assert "возраст" in payload.handoff.summary["situation"]
    state = tracker(assistant, sender)
    assert state["paused"] is True
    users = [e["text"] for e in state["events"] if e["event"] == "user"]
    assert users[0] == "меня уволили из-за возраста, позвоните [PHONE]"  # masked outside the contact question

    assert say(assistant, sender, "алло, есть кто?", lang) in ([], [{"recipient_id": sender, "text": text("handoff.forwarded", lang)}])
    client = RasaClient(assistant.rasa_url)

    async def resume() -> bool:
        try:
            assert not await client.resume(sender, "wrong-token-0123456789")  # Rasa's API needs the token
            return await client.resume(sender, assistant.rasa_token)
        finally:
            await client.close()

    assert asyncio.run(resume())
    assert tracker(assistant, sender)["paused"] is False
    reply = say(assistant, sender, "куда жаловаться?", lang)
    assert any(p.knowledge_ids for p in payloads(reply)), reply  # the bot answers again


def test_kk_refusal_shares_nothing_and_rest_clients_are_not_paused(assistant: Services) -> None:
    lang, sender = "kk", new_sender("handoff-kk")
    reply = say(assistant, sender, "/request_human", lang)
    assert any(m.get("text", "").startswith(text("handoff.offer_intro", lang)) for m in reply)
    reply = say(assistant, sender, '/handoff_consent{"handoff_share":"no"}', lang)
    assert text("handoff.declined", lang) in [m.get("text") for m in reply]
    assert not any(p.handoff for p in payloads(reply)) and tracker(assistant, sender)["paused"] is False
    other = new_sender("handoff-rest")
    say(assistant, other, "/request_human", lang, channel="rest")
    reply = say(assistant, other, '/handoff_consent{"handoff_share":"yes"}', lang, channel="rest")
    assert any(p.handoff for p in payloads(reply)) and tracker(assistant, other)["paused"] is False
