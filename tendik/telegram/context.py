"""What the handlers share, passed through the Dispatcher (``ctx``): settings, database, Rasa
client (and its HTTP API token, for resuming the bot after a handoff), id hashing, the card deck
and the registry of long button payloads."""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from dataclasses import dataclass, field

from sqlalchemy import Engine

from tendik.common.db import make_engine
from tendik.common.rasa_client import RasaClient
from tendik.db.migrate import ensure_schema
from tendik.knowledge.explanations import load_knowledge
from tendik.telegram.cards import CardDeck
from tendik.telegram.config import TelegramSettings
from tendik.telegram.ids import SenderIds, load_or_create_secret
from tendik.telegram.storage import Store

logger = logging.getLogger(__name__)
CALLBACK_LIMIT = 64


class Payloads:
    """Rasa button payloads as callback data (at most 64 bytes): short ones inline ("r:<payload>"),
    long ones by a hash key kept in memory ("r#<key>", bounded; outdated after a restart)."""

    def __init__(self, capacity: int = 20000) -> None:
        self._by_key: OrderedDict[str, str] = OrderedDict()
        self.capacity = capacity

    def encode(self, payload: str) -> str:
        data = "r:" + payload
        if len(data.encode("utf-8")) <= CALLBACK_LIMIT:
            return data
        key = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
        self._by_key[key] = payload
        self._by_key.move_to_end(key)
        while len(self._by_key) > self.capacity:
            self._by_key.popitem(last=False)
        return "r#" + key

    def decode(self, data: str) -> str | None:
        if data.startswith("r:"):
            return data[2:]
        if data.startswith("r#"):
            return self._by_key.get(data[2:])
        return None


@dataclass
class BotContext:
    settings: TelegramSettings
    engine: Engine
    store: Store
    rasa: RasaClient
    ids: SenderIds
    deck: CardDeck
    payloads: Payloads = field(default_factory=Payloads)
    mode: str = "polling"
    rasa_token: str = ""  # Rasa's HTTP API: resuming the bot after a handoff


def create_context(settings: TelegramSettings) -> BotContext:
    """Everything the bot needs, built from the settings (tables migrated to the newest schema)."""
    engine = make_engine(settings.db_url)
    store = Store(engine)
    ensure_schema(engine)
    secret = load_or_create_secret(settings.telegram_id_secret.get_secret_value(), settings.data_dir)
    return BotContext(
        settings=settings,
        engine=engine,
        store=store,
        rasa=RasaClient(settings.rasa_url, settings.rasa_timeout),
        ids=SenderIds(secret),
        deck=CardDeck(load_knowledge()),
        rasa_token=settings.rasa_api_token(),
    )
