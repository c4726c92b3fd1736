"""Теңдік (Tendik): a Kazakh/Russian legal-information assistant on discrimination at work.

The package is what every process shares (the core: languages, masking, texts, the knowledge base,
answers, retrieval) plus one sub-package per process: ``tendik.actions`` (the rasa-sdk action
package, thin), ``tendik.rasa`` (Rasa add-ons, Python 3.10), ``tendik.telegram``, ``tendik.web``,
``tendik.review``, and ``tendik.ops`` (build, run, test). See docs/ARCHITECTURE.md.
Importing ``tendik`` itself loads nothing.
"""
