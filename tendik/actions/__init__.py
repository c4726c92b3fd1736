"""The rasa-sdk action package (``tendik-actions`` registers it): the custom actions only, so the
action server imports nothing else at start-up. Heavy things (knowledge base, encoder, index) load
lazily on first use."""
