"""Channels (Telegram, web widget, operator review) live here; they talk to Rasa over HTTP."""
