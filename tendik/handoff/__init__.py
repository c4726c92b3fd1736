"""Handing a conversation to a person (issue 14): the tables (:mod:`.tables`), the queue and threads
(:mod:`.store`), the operators' working hours (:mod:`.hours`). The bot asks consent and sends a
typed handoff order (:class:`tendik.payload.HandoffOrder`); the front end that carries the
conversation opens the case here, routes the user's messages into it while it is open and delivers
the operators' replies; the review app's inbox claims, answers and closes cases."""
