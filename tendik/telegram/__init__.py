"""The Telegram front end (aiogram 3): ``python -m tendik.telegram`` (long polling) or
``python -m tendik.telegram --webhook``; the operator's card broadcasts:
``python -m tendik.telegram.broadcast preview|send|status``."""
