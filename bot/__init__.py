"""Tendik front ends and services on Python 3.11: Telegram bot, web widget service, operator review."""
