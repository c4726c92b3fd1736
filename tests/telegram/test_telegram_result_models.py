"""aiogram checks every Bot API answer as ``Response[<the method's result type>]`` from inside a
function, where pydantic caches the parametrized model only weakly: without a strong reference the
garbage collector drops it and the next request builds its whole schema again (the bot's profile
under load: about 7 % of its Python time). The bot's factory keeps one per result type (tendik/telegram/bot.py)."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, SendChatAction, SendDocument, SendMessage
from aiogram.methods.base import Response

from tendik.telegram.bot import create_bot
from tendik.telegram.config import TelegramSettings

pytestmark = pytest.mark.unit


def _as_aiogram_does(result_type: Any) -> type:
    return Response[result_type]


@pytest.mark.parametrize("method", [SendMessage, SendChatAction, SendDocument, AnswerCallbackQuery])
def test_a_result_model_is_built_once(method: Any) -> None:
    bot = create_bot(TelegramSettings(telegram_token="42:TEST", telegram_api_url="http://127.0.0.1:9"))  # type: ignore[call-arg,arg-type]
    model = weakref.ref(_as_aiogram_does(method.__returning__))
    gc.collect()
    assert model() is not None, "the parametrized model was collected: the next request rebuilds it"
    assert _as_aiogram_does(method.__returning__) is model()
    del bot
