"""The website chat widget and the small aiohttp service behind it (``python -m tendik.web``).

* ``static/tendik-widget.js``: the widget, one vanilla-JS file, embedded with one script tag;
* ``static/demo/``: a demo page (a fictional NGO) in Kazakh and Russian that embeds it;
* the JSON API the widget talks to (``/api/chat``, ``/api/vote``, ``/api/delete``,
  ``/api/history``) relaying to Rasa's REST channel with ``channel: web``.
"""
