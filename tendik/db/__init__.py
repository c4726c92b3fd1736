"""The schema of the project's own tables, kept by Alembic migrations.

The project shares one database with Rasa (``TENDIK_DB_URL``; SQLite by default). Rasa owns and
creates ``events`` (its tracker store); every other table is ours and is created and changed only
by the revisions in ``tendik/db/migrations/versions`` (hand-written, reviewed):

* :mod:`tendik.db.models`: the tables as the code uses them today (the migration target) and which
  names are ours (:func:`~tendik.db.models.is_ours`), so Alembic never looks at ``events``.
* :mod:`tendik.db.migrate`: ``upgrade()``, ``downgrade(rev)``, ``current()``, ``diff()``; run by
  ``make migrate`` / ``make run`` and by every service at start
  (:func:`tendik.db.migrate.ensure_schema`). Alembic's version table is ``tendik_alembic_version``.

``python -m tendik.db current|check|draft MESSAGE`` for maintainers (see ``--help``).
"""

import logging

# Alembic's plugin registry announces each of its built-in plugins when first imported (INFO): not
# news in the services' logs. Set here, before tendik.db.migrate imports alembic.
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
