"""What the Telegram bot, the web widget service and the operator review share: settings, the
Rasa REST client, the database (tracker store + the project's own tables), votes, data deletion."""
