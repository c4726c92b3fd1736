"""Work Rasa 3.6 repeats on every turn that can be done once (found with py-spy; bench/CPU.md).

* ``RemoteAction._validate_action_result`` calls ``jsonschema.validate`` on every action server
  reply, which first checks the (constant) response schema against the JSON-Schema meta-schema and
  builds a new validator: about a third of Rasa's CPU per turn, measured. Here the validator is
  built once per schema and only the reply is validated, with the same error and message.

:func:`install` is called by ``tendik.rasa.server`` before Rasa starts; ``TENDIK_RASA_SPEEDUPS=0`` leaves
Rasa as it is (for a before/after measurement, or if a Rasa upgrade changes the patched method).
"""

from __future__ import annotations

import logging
import os
from typing import Any, Dict, Text

logger = logging.getLogger(__name__)

_installed = False


def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    validator = getattr(type(self), "_tendik_validator", None)
    if validator is None:
        from jsonschema.validators import validator_for

        schema = self.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)  # once, as jsonschema.validate would on every call
        validator = cls(schema)
        type(self)._tendik_validator = validator
    try:
        error = best_match(validator.iter_errors(result))  # the error jsonschema.validate would raise
        if error is not None:
            raise error
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            "For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


def install() -> None:
    global _installed
    if _installed or os.environ.get("TENDIK_RASA_SPEEDUPS", "1").strip() == "0":
        return
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    _installed = True
    logger.debug("speedups installed")
