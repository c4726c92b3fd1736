"""Lessons and quizzes (issue 13): the course of knowledge/lessons navigated per user, quiz answers
graded, missed questions brought back later (spaced review), progress stored under the user's
hashed sender id (deleted with "delete my data"), and anonymised counts for the review app.

* :mod:`tendik.learning.course`: the course (lessons in order, lookups, the lesson as a typed
  answer payload and as JSON for the widget, grading).
* :mod:`tendik.learning.schedule`: when a question comes back (a Leitner schedule).
* :mod:`tendik.learning.tables` / :mod:`tendik.learning.store`: the ``tendik_learn_*`` tables and
  their queries (SQLite and PostgreSQL), including the anonymised statistics.
* :mod:`tendik.learning.service`: what the front ends call (resume, start a lesson, answer, review).

Front-end neutral: Telegram (``tendik.telegram.handlers.learn``), the widget
(``tendik.web.learn_api``) and the review app (``tendik.review.learning``) build on it.
"""
