"""Rasa add-ons (run in the Rasa 3.6 / Python 3.10 environment, where the ``tendik`` package is
installed without dependencies): tokenizer, intent classifier, e5 features, the hardened REST
channel, the Redis lock store and the guarded ``rasa run``. They import only the standard-library
parts of the core (``tendik.lang``, ``tendik.redact``, ``tendik.system_messages`` and the text catalog
it reads, ``tendik.texts``, ``tendik.paths``)."""
