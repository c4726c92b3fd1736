"""The import path Rasa's REST channel (``tendik.rasa.rest_channel``) uses for the messages channels send
on their own (errors, limits). The texts are the catalog's ``system.*`` (tendik/text_catalog.py); new
code calls ``tendik.texts.system_message`` or ``tendik.texts.text("system.<key>", lang)``.

Pure standard library: shared by the Rasa REST channel (Python 3.10) and the Python 3.11 apps.
"""

from __future__ import annotations

from tendik.texts import system_message as message

__all__ = ["message"]
