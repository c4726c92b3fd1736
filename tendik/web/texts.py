"""What the web service says on its own (errors, confirmations), in Kazakh and Russian.

The assistant's shared system messages (``unavailable``, ``empty``, ``malformed`` ...) come from
``tendik.system_messages``; this module adds the widget channel's own ones.
"""

from __future__ import annotations

from tendik.system_messages import MESSAGES as SYSTEM_MESSAGES

LANGUAGES = ("kk", "ru")

WEB_MESSAGES: dict[str, dict[str, str]] = {
    "bad_conversation": {
        "kk": "Сөйлесу идентификаторы дұрыс емес. Чатта «Жаңа сөйлесу» батырмасын басып, қайта бастаңыз.",
        "ru": "Неверный идентификатор разговора. Нажмите в чате «Новый разговор» и начните заново.",
    },
    "message_too_long": {
        "kk": "Хабарлама тым ұзын: {limit} таңбадан аспауы керек. Сұрағыңызды қысқартып жазыңызшы.",
        "ru": "Сообщение слишком длинное: не больше {limit} символов. Сократите, пожалуйста, вопрос.",
    },
    "request_timeout": {
        "kk": "Сұраныс уақытында толық жетпеді. Байланысты тексеріп, қайта жіберіңіз.",
        "ru": "Запрос не дошёл полностью вовремя. Проверьте подключение и отправьте ещё раз.",
    },
    "body_too_large": {
        "kk": "Сұраныс тым үлкен, сондықтан қабылданбады. Хабарламаны қысқартып, қайта жіберіңіз.",
        "ru": "Запрос слишком большой и не принят. Сократите сообщение и отправьте его ещё раз.",
    },
    "not_json": {
        "kk": "Сұраныс JSON пішімінде болуы керек (Content-Type: application/json).",
        "ru": "Запрос должен быть в формате JSON (Content-Type: application/json).",
    },
    "rate_limited": {
        "kk": "Хабарламалар тым жиі жіберілуде. {seconds} секундтан кейін қайталап көріңізші.",
        "ru": "Слишком много запросов подряд. Попробуйте, пожалуйста, через {seconds} с.",
    },
    "origin_not_allowed": {
        "kk": "Бұл сайтқа Теңдік чатын қосуға рұқсат берілмеген.",
        "ru": "Этому сайту не разрешено подключать чат Теңдік.",
    },
    "bad_vote": {
        "kk": "Баға дұрыс емес: тек «пайдалы» немесе «пайдасыз» болуы мүмкін.",
        "ru": "Неверная оценка: возможны только «полезно» или «не полезно».",
    },
    "answer_not_found": {
        "kk": "Бұл жауап осы сөйлесуден табылмады, сондықтан оны бағалау мүмкін емес.",
        "ru": "Этот ответ не найден в вашем разговоре, поэтому его нельзя оценить.",
    },
    "vote_saved": {
        "kk": "Рахмет! Бағаңыз сақталды.",
        "ru": "Спасибо! Ваша оценка сохранена.",
    },
    "comment_saved": {
        "kk": "Рахмет! Пікіріңіз сақталды.",
        "ru": "Спасибо! Комментарий сохранён.",
    },
    "comment_too_long": {
        "kk": "Пікір тым ұзын: {limit} таңбадан аспауы керек.",
        "ru": "Комментарий слишком длинный: не больше {limit} символов.",
    },
    "vote_first": {
        "kk": "Алдымен жауапты бағалаңыз, содан кейін пікір қалдыра аласыз.",
        "ru": "Сначала оцените ответ, затем можно оставить комментарий.",
    },
    "deleted": {
        "kk": "Сөйлесуіңіз бен бағаларыңыз серверден жойылды. Жаңа сөйлесу бастауға болады.",
        "ru": "Ваш разговор и оценки удалены с сервера. Можно начать новый разговор.",
    },
    "storage_unavailable": {
        "kk": "Кешіріңіз, сөйлесулер сақталатын база уақытша қолжетімсіз. Бір минуттан кейін қайталап көріңізші.",
        "ru": "Извините, хранилище разговоров временно недоступно. Попробуйте, пожалуйста, через минуту.",
    },
    "not_found": {
        "kk": "Мұндай бет немесе API әдісі жоқ.",
        "ru": "Такой страницы или метода API нет.",
    },
    "method_not_allowed": {
        "kk": "Бұл мекенжай мұндай HTTP әдісін қабылдамайды.",
        "ru": "Этот адрес не принимает такой HTTP-метод.",
    },
    "internal_error": {
        "kk": "Кешіріңіз, қызметте ішкі қате болды. Қайталап көріңізші.",
        "ru": "Извините, в сервисе произошла внутренняя ошибка. Попробуйте ещё раз.",
    },
}


def text(key: str, lang: str | None, **kwargs: object) -> str:
    """The message ``key`` in ``lang``; both languages (Kazakh first) when it is unknown."""
    variants = WEB_MESSAGES.get(key) or SYSTEM_MESSAGES[key]
    if lang in LANGUAGES:
        return variants[lang].format(**kwargs)
    return "\n\n".join(variants[code].format(**kwargs) for code in LANGUAGES)


def language_from_header(accept_language: str | None) -> str | None:
    """kk or ru from an ``Accept-Language`` header (the first of the two it names), else None."""
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()
        primary = code.split("-")[0]
        if primary in LANGUAGES:
            return primary
    return None
