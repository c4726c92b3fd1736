"""Quiz polls for the local Bot API server (tests.fakes.telegram_api): ``sendPoll`` and ``stopPoll``
the way Telegram checks them, and users answering (``poll_answer`` updates).

Strict where Telegram is strict: a question of 1-300 characters, 2-10 options of 1-100 characters,
a quiz needs exactly one correct option in range, its explanation at most 200 characters with at
most 2 line feeds; a quiz the bot wants answers from must not be anonymous (or Telegram never
sends ``poll_answer``); a user answers a quiz once; a closed poll takes no answers.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from tests.fakes.telegram_api import APIError, ChatMessage, LocalBotAPI, check_reply_markup

QUESTION_MAX, OPTION_MAX, EXPLANATION_MAX = 300, 100, 200


class PollBotAPI(LocalBotAPI):
    """:class:`LocalBotAPI` plus quiz polls."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._poll_ids = itertools.count(6_100_000_000_000_000_001)
        self.polls: dict[str, dict[str, Any]] = {}  # poll id -> the Poll object (Bot API form)
        self.poll_messages: dict[str, ChatMessage] = {}
        self.poll_voters: dict[str, set[int]] = {}

    @staticmethod
    def _json(value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError as exc:
                raise APIError(400, "Bad Request: can't parse JSON") from exc
        return value

    def _message_dict(self, m: ChatMessage) -> dict[str, Any]:
        out = super()._message_dict(m)
        if m.kind == "poll":
            poll_id = next(pid for pid, pm in self.poll_messages.items() if pm is m)
            out.pop("text", None)
            out["poll"] = self.polls[poll_id]
        return out

    async def m_sendpoll(self, params: dict) -> dict:
        chat_id = int(params.get("chat_id") or 0)
        self._chat(chat_id)
        if chat_id in self.blocked:
            raise APIError(403, "Forbidden: bot was blocked by the user")
        question = str(params.get("question") or "")
        if not 1 <= len(question) <= QUESTION_MAX:
            raise APIError(400, "Bad Request: poll question length must not exceed 300")
        raw_options = self._json(params.get("options")) or []
        options = [o.get("text", "") if isinstance(o, dict) else str(o) for o in raw_options]
        if not 2 <= len(options) <= 10:
            raise APIError(400, "Bad Request: poll must have at least 2 option")
        if any(not 1 <= len(o) <= OPTION_MAX for o in options):
            raise APIError(400, "Bad Request: poll options length must not exceed 100")
        kind = str(params.get("type") or "regular")
        anonymous = str(params.get("is_anonymous", "true")).lower() not in ("false", "0")
        correct: list[int] = []
        explanation = params.get("explanation")
        if kind == "quiz":
            if params.get("correct_option_ids") is not None:
                correct = [int(x) for x in self._json(params["correct_option_ids"])]
            elif params.get("correct_option_id") is not None:
                correct = [int(params["correct_option_id"])]
            if len(correct) != 1 or not 0 <= correct[0] < len(options):
                raise APIError(400, "Bad Request: wrong correct option ID specified")
            if explanation is not None and (len(str(explanation)) > EXPLANATION_MAX or str(explanation).count("\n") > 2):
                raise APIError(400, "Bad Request: explanation is too long")
        check_markup = params.get("reply_markup") or None
        check_reply_markup(check_markup)
        poll_id = str(next(self._poll_ids))
        poll: dict[str, Any] = {
            "id": poll_id, "question": question,
            "options": [{"persistent_id": str(n), "text": o, "voter_count": 0} for n, o in enumerate(options)],
            "total_voter_count": 0, "is_closed": False, "is_anonymous": anonymous, "type": kind,
            "allows_multiple_answers": False, "allows_revoting": False, "members_only": False,
        }
        if kind == "quiz":
            poll["correct_option_ids"] = correct
            poll["correct_option_id"] = correct[0]
            if explanation:
                poll["explanation"] = str(explanation)
        self.polls[poll_id] = poll
        self.poll_voters[poll_id] = set()
        m = ChatMessage(self._new_message_id(chat_id), chat_id, True, question, None, check_markup, kind="poll")
        self.chats.setdefault(chat_id, []).append(m)
        self.poll_messages[poll_id] = m
        return self._message_dict(m)

    async def m_stoppoll(self, params: dict) -> dict:
        m = self._find(params)
        poll_id = next((pid for pid, pm in self.poll_messages.items() if pm is m), None)
        if poll_id is None:
            raise APIError(400, "Bad Request: message with poll to stop not found")
        if self.polls[poll_id]["is_closed"]:
            raise APIError(400, "Bad Request: poll has already been closed")
        self.polls[poll_id]["is_closed"] = True
        return self.polls[poll_id]

    # ------------------------------------------------------------ what users do
    def poll_of(self, message: ChatMessage) -> dict[str, Any]:
        return next(self.polls[pid] for pid, pm in self.poll_messages.items() if pm is message)

    async def answer_poll(self, user_id: int, poll_id: str, option_ids: list[int], language_code: str | None = "ru") -> int:
        """The user picks ``option_ids`` in the poll: a ``poll_answer`` update (non-anonymous polls
        only, as in Telegram); returns its update_id."""
        poll = self.polls[poll_id]
        if poll["is_anonymous"]:
            raise AssertionError("Telegram sends no poll_answer for an anonymous poll")
        if poll["is_closed"]:
            raise AssertionError("a closed poll takes no answers")
        if poll["type"] == "quiz" and user_id in self.poll_voters[poll_id]:
            raise AssertionError("a quiz is answered once")
        for n in option_ids:
            poll["options"][n]["voter_count"] += 1
        poll["total_voter_count"] += 1
        self.poll_voters[poll_id].add(user_id)
        payload = {
            "poll_id": poll_id, "user": self.user(user_id, language_code), "option_ids": list(option_ids),
            "option_persistent_ids": [poll["options"][n]["persistent_id"] for n in option_ids],
        }
        return await self.inject("poll_answer", payload)

    async def anonymous_poll_answer(self, poll_id: str, chat_id: int) -> int:
        """An answer on behalf of a chat (a channel's anonymous admin): no user in the update."""
        payload = {"poll_id": poll_id, "voter_chat": {"id": chat_id, "type": "channel", "title": "c"}, "option_ids": [0],
                   "option_persistent_ids": ["0"]}
        return await self.inject("poll_answer", payload)
