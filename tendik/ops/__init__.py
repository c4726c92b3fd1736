"""Operating the project: install (``bootstrap``, standard library only), build, run, test, eval.

``make <command>`` runs ``python3 -m tendik.ops.bootstrap <command>``: it creates the two virtual
environments from the lock files (with this package installed into both) and hands every other
command to the ``tendik`` console script in ``.venv`` (``tendik.ops.cli``).
"""
