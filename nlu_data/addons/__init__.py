"""Custom Rasa code (runs in the Rasa 3.6 / Python 3.10 environment)."""

import sys
from pathlib import Path

# The project root holds the pure-Python `actions.lang` and `actions.system_messages` modules,
# which this add-on shares with the action server.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
