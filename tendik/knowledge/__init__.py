"""The knowledge base: verbatim norms and the project's explanations."""
