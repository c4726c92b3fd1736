"""Drafts from fixed templates (knowledge/drafts/*.yml), filled from the self-check: the template
filler (:mod:`tendik.drafts.render`), dates in Kazakh and Russian (:mod:`tendik.drafts.dates`),
Kazakh case endings (:mod:`tendik.drafts.kazakh`), DOCX (:mod:`tendik.drafts.docx_out`) and PDF
(:mod:`tendik.drafts.pdf_out`). The program only fills fields; it never writes legal text."""
