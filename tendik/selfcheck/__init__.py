"""The self-check's engine (issue 12): the deadline calculator (:mod:`tendik.selfcheck.deadline`,
TK art. 160 counted under TK art. 13: :mod:`tendik.selfcheck.counting`). The Rasa form and the
front ends call it; it never writes law of its own (the rules in words come from knowledge/)."""
