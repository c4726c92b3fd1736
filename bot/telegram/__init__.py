"""The Telegram front end (aiogram 3): ``python -m bot.telegram`` (long polling) or
``python -m bot.telegram --webhook``; the operator's card broadcasts:
``python -m bot.telegram.broadcast preview|send|status``."""
