"""Operator transcript review: a small aiohttp web application where lawyers and NGO staff read
what the bot told workers, judge each answer, and export corrections as Rasa training data.

Entry point: ``python -m tendik.review serve`` (see ``python -m tendik.review --help``).
"""
