"""Hybrid retrieval over the knowledge base: build (``python -m tendik.retrieval build``), query, evaluate, tune."""
