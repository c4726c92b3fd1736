"""Messages that channels send on their own (errors, limits), in Kazakh and Russian.

Pure standard library: shared by the Rasa REST channel (Python 3.10) and the Python 3.11 apps.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "unavailable": {
        "kk": "Кешіріңіз, жауап беру қызметі уақытша қолжетімсіз. Бір минуттан кейін қайталап көріңізші.",
        "ru": "Извините, сервис ответов временно недоступен. Попробуйте, пожалуйста, через минуту.",
    },
    "empty": {
        "kk": "Хабарламаңыз бос болып тұр. Сұрағыңызды мәтінмен жазыңызшы, мысалы: «Жүкті болғаным үшін жұмысқа алмады».",
        "ru": "Сообщение пустое. Напишите, пожалуйста, вопрос текстом, например: «Не взяли на работу из-за беременности».",
    },
    "too_long": {
        "kk": "Хабарламаңыз өте ұзын, мен оның алғашқы {limit} таңбасын ғана оқыдым. Сұрағыңызды қысқаша жазсаңыз, дәлірек жауап беремін.",
        "ru": "Сообщение очень длинное, я прочитал только первые {limit} символов. Если сформулируете вопрос короче, отвечу точнее.",
    },
    "malformed": {
        "kk": "Хабарламаны оқу мүмкін болмады (сұраныс пішімі дұрыс емес). Қайталап жіберіңізші.",
        "ru": "Не удалось прочитать сообщение (неверный формат запроса). Пожалуйста, отправьте его ещё раз.",
    },
}


def message(key: str, lang: str | None, **kwargs: object) -> str:
    """The message in ``lang``; both languages (Kazakh first) when the language is unknown."""
    variants = MESSAGES[key]
    if lang in variants:
        return variants[lang].format(**kwargs)
    return "\n\n".join(variants[code].format(**kwargs) for code in ("kk", "ru"))
