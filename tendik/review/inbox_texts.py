"""The operators' inbox's own words (issue 14) in English, Kazakh and Russian, and the choice of the
language a page is shown in (:func:`language_of`): ``?lang=`` (remembered in a cookie), then the
account's language when accounts have one, then the cookie, else Russian.

These are the review app's labels for operators, not the bot's words for users (those are in
:mod:`tendik.text_catalog`); nothing legal is said here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LANGS = ("ru", "kk", "en")
DEFAULT = "ru"
COOKIE = "tendik_review_lang"

TEXTS: dict[str, dict[str, str]] = {
    "title": {"en": "Inbox", "kk": "Кіріс өтініштер", "ru": "Входящие обращения"},
    "intro": {
        "en": "People who asked to talk to a person. Waiting cases first, the oldest at the top.",
        "kk": "Адаммен сөйлескісі келген пайдаланушылар. Алдымен күтудегі өтініштер, ең ескісі жоғарыда.",
        "ru": "Люди, которые попросили поговорить с человеком. Сначала ожидающие обращения, самые давние сверху.",
    },
    "timezone": {"en": "Times in Asia/Almaty", "kk": "Уақыт Asia/Almaty белдеуі бойынша", "ru": "Время по Asia/Almaty"},
    "refresh": {"en": "Refresh", "kk": "Жаңарту", "ru": "Обновить"},
    "show.open": {"en": "Open", "kk": "Ашық", "ru": "Открытые"},
    "show.closed": {"en": "Closed", "kk": "Жабық", "ru": "Закрытые"},
    "show.all": {"en": "All", "kk": "Барлығы", "ru": "Все"},
    "empty": {"en": "No cases.", "kk": "Өтініш жоқ.", "ru": "Обращений нет."},
    "count.waiting": {"en": "waiting", "kk": "күтуде", "ru": "ожидают"},
    "count.claimed": {"en": "in progress", "kk": "жұмыста", "ru": "в работе"},
    "status.waiting": {"en": "waiting", "kk": "күтуде", "ru": "ожидает"},
    "status.claimed": {"en": "in progress", "kk": "жұмыста", "ru": "в работе"},
    "status.closed": {"en": "closed", "kk": "жабық", "ru": "закрыто"},
    "status.cancelled": {"en": "ended by the user", "kk": "пайдаланушы аяқтады", "ru": "завершено пользователем"},
    "col.case": {"en": "Case", "kk": "Өтініш", "ru": "Обращение"},
    "col.status": {"en": "Status", "kk": "Күйі", "ru": "Статус"},
    "col.operator": {"en": "Operator", "kk": "Оператор", "ru": "Оператор"},
    "col.channel": {"en": "Channel", "kk": "Арна", "ru": "Канал"},
    "col.language": {"en": "Language", "kk": "Тіл", "ru": "Язык"},
    "col.opened": {"en": "Opened", "kk": "Ашылған уақыты", "ru": "Открыто"},
    "col.waiting": {"en": "Waiting", "kk": "Күту уақыты", "ru": "Ожидание"},
    "col.contact": {"en": "Contact left", "kk": "Байланыс қалдырды", "ru": "Оставлен контакт"},
    "yes": {"en": "yes", "kk": "иә", "ru": "да"},
    "no": {"en": "no", "kk": "жоқ", "ru": "нет"},
    "waited": {"en": "waited {time}", "kk": "{time} күтті", "ru": "ждал(а) {time}"},
    "hours": {"en": "Working hours: {spec} (Asia/Almaty).", "kk": "Жұмыс уақыты: {spec} (Asia/Almaty).",
              "ru": "Часы работы: {spec} (Asia/Almaty)."},
    "hours.always": {"en": "round the clock", "kk": "тәулік бойы", "ru": "круглосуточно"},
    "hours.open": {"en": "Operators are at work now.", "kk": "Қазір операторлар жұмыста.", "ru": "Сейчас операторы на работе."},
    "hours.closed": {
        "en": "Out of working hours. Users who ask now are told that operators are back on {when}.",
        "kk": "Жұмыс уақытынан тыс. Қазір жазғандарға операторлар {when} оралатыны айтылады.",
        "ru": "Нерабочее время. Тем, кто обращается сейчас, сообщается, что операторы вернутся {when}.",
    },
    "duration.now": {"en": "under a minute", "kk": "бір минуттан аз", "ru": "меньше минуты"},
    "duration.min": {"en": "{m} min", "kk": "{m} мин", "ru": "{m} мин"},
    "duration.hours": {"en": "{h} h {m} min", "kk": "{h} сағ {m} мин", "ru": "{h} ч {m} мин"},
    "duration.days": {"en": "{d} d {h} h", "kk": "{d} күн {h} сағ", "ru": "{d} д {h} ч"},
    "back": {"en": "← Inbox", "kk": "← Кіріс өтініштер", "ru": "← Входящие обращения"},
    "case.title": {"en": "Case {id}", "kk": "Өтініш {id}", "ru": "Обращение {id}"},
    "case.claimed_by": {"en": "taken by {name} on {when}", "kk": "{name} алды, {when}", "ru": "взял(а) {name}, {when}"},
    "case.closed_by": {"en": "closed by {name} on {when}", "kk": "{name} жапты, {when}", "ru": "закрыл(а) {name}, {when}"},
    "case.ended": {"en": "ended on {when}", "kk": "аяқталды, {when}", "ru": "завершено {when}"},
    "case.summary": {
        "en": "What the user agreed to share",
        "kk": "Пайдаланушы беруге келіскен мәліметтер",
        "ru": "Что пользователь согласился передать",
    },
    "case.situation": {"en": "Situation", "kk": "Жағдай", "ru": "Ситуация"},
    "case.selfcheck": {"en": "Self-check", "kk": "Өзін-өзі тексеру", "ru": "Самопроверка"},
    "case.messages": {"en": "Last messages", "kk": "Соңғы хабарламалар", "ru": "Последние сообщения"},
    "case.nothing": {
        "en": "Nothing beyond the request itself.",
        "kk": "Өтініштің өзінен басқа ештеңе берілмеді.",
        "ru": "Ничего, кроме самой просьбы.",
    },
    "case.contact": {
        "en": "Contact the user chose to share",
        "kk": "Пайдаланушы қалдырған байланыс",
        "ru": "Контакт, который оставил пользователь",
    },
    "case.thread": {"en": "Conversation with the user", "kk": "Пайдаланушымен хат алмасу", "ru": "Переписка с пользователем"},
    "case.thread_empty": {"en": "No messages yet.", "kk": "Әзірге хабарлама жоқ.", "ru": "Сообщений пока нет."},
    "line.user": {"en": "User", "kk": "Пайдаланушы", "ru": "Пользователь"},
    "line.operator": {"en": "Operator {name}", "kk": "Оператор {name}", "ru": "Оператор {name}"},
    "line.claimed": {"en": "{name} took the case", "kk": "{name} өтінішті алды", "ru": "{name} взял(а) обращение"},
    "line.closed": {"en": "{name} closed the case", "kk": "{name} өтінішті жапты", "ru": "{name} закрыл(а) обращение"},
    "line.cancelled": {"en": "The user ended the conversation", "kk": "Пайдаланушы әңгімені аяқтады",
                       "ru": "Пользователь завершил разговор"},
    "line.delivered": {"en": "delivered", "kk": "жеткізілді", "ru": "доставлено"},
    "line.pending": {"en": "not delivered yet", "kk": "әлі жеткізілмеді", "ru": "ещё не доставлено"},
    "case.notes": {
        "en": "Notes for operators (the user never sees them)",
        "kk": "Операторларға арналған жазбалар (пайдаланушы оларды ешқашан көрмейді)",
        "ru": "Заметки для операторов (пользователь их никогда не видит)",
    },
    "case.no_notes": {"en": "No notes.", "kk": "Жазба жоқ.", "ru": "Заметок нет."},
    "action.claim": {"en": "Take this case", "kk": "Өтінішті алу", "ru": "Взять обращение"},
    "action.reply": {"en": "Send to the user", "kk": "Пайдаланушыға жіберу", "ru": "Отправить пользователю"},
    "action.reply_label": {"en": "Your reply", "kk": "Сіздің жауабыңыз", "ru": "Ваш ответ"},
    "action.close": {"en": "Close the case", "kk": "Өтінішті жабу", "ru": "Закрыть обращение"},
    "action.note": {"en": "Add the note", "kk": "Жазбаны қосу", "ru": "Добавить заметку"},
    "action.note_label": {"en": "A note for operators", "kk": "Операторларға жазба", "ru": "Заметка для операторов"},
    "msg.claimed": {"en": "You took this case.", "kk": "Сіз бұл өтінішті алдыңыз.", "ru": "Вы взяли это обращение."},
    "msg.taken": {
        "en": "{name} took this case first: it is theirs now.",
        "kk": "Бұл өтінішті {name} бұрын алып қойды: енді ол соның өтініші.",
        "ru": "{name} уже взял(а) это обращение: теперь оно у него/неё.",
    },
    "msg.not_waiting": {
        "en": "This case is not waiting any more ({status}).",
        "kk": "Бұл өтініш енді күтуде емес ({status}).",
        "ru": "Это обращение больше не ожидает ({status}).",
    },
    "msg.sent": {
        "en": "Sent: the reply will be delivered to the user.",
        "kk": "Жіберілді: жауап пайдаланушыға жеткізіледі.",
        "ru": "Отправлено: ответ будет доставлен пользователю.",
    },
    "msg.closed": {
        "en": "Case closed: the bot answers the user again.",
        "kk": "Өтініш жабылды: пайдаланушыға бот қайтадан жауап береді.",
        "ru": "Обращение закрыто: пользователю снова отвечает бот.",
    },
    "msg.not_open": {"en": "This case is not open any more.", "kk": "Бұл өтініш енді ашық емес.", "ru": "Это обращение уже не открыто."},
    "msg.not_yours": {
        "en": "Only {name}, who took this case, can answer or close it.",
        "kk": "Бұл өтінішке оны алған {name} ғана жауап бере алады немесе оны жаба алады.",
        "ru": "Ответить или закрыть обращение может только {name}: он(а) его взял(а).",
    },
    "msg.claim_first": {
        "en": "Take the case before answering.",
        "kk": "Жауап бермес бұрын өтінішті алыңыз.",
        "ru": "Сначала возьмите обращение.",
    },
    "msg.empty": {"en": "An empty message was not sent.", "kk": "Бос хабарлама жіберілмеді.", "ru": "Пустое сообщение не отправлено."},
    "msg.empty_note": {"en": "An empty note was not saved.", "kk": "Бос жазба сақталмады.", "ru": "Пустая заметка не сохранена."},
    "msg.note_added": {"en": "Note saved.", "kk": "Жазба сақталды.", "ru": "Заметка сохранена."},
    "forbidden.title": {"en": "Forbidden", "kk": "Рұқсат жоқ", "ru": "Доступ запрещён"},
    "forbidden": {
        "en": "The inbox is for operators and administrators.",
        "kk": "Кіріс өтініштер операторлар мен әкімшілерге арналған.",
        "ru": "Входящие обращения доступны только операторам и администраторам.",
    },
    "not_found.title": {"en": "Not found", "kk": "Табылмады", "ru": "Не найдено"},
    "not_found": {"en": "No such case.", "kk": "Мұндай өтініш жоқ.", "ru": "Такого обращения нет."},
    "audit.title": {"en": "Audit log of the inbox", "kk": "Кіріс өтініштердің аудит журналы", "ru": "Журнал аудита обращений"},
    "audit.intro": {
        "en": "Who read, took, answered, noted or closed which case (the latest {n}). Texts are never kept here.",
        "kk": "Кім қай өтінішті оқыды, алды, жауап берді, жазба қалдырды немесе жапты (соңғы {n}). Мәтіндер мұнда сақталмайды.",
        "ru": "Кто читал, брал, отвечал, оставлял заметки и закрывал обращения (последние {n}). Тексты здесь не хранятся.",
    },
    "audit.at": {"en": "Time", "kk": "Уақыты", "ru": "Время"},
    "audit.actor": {"en": "Who", "kk": "Кім", "ru": "Кто"},
    "audit.action": {"en": "Action", "kk": "Әрекет", "ru": "Действие"},
    "audit.case": {"en": "Case", "kk": "Өтініш", "ru": "Обращение"},
    "audit.detail": {"en": "Detail", "kk": "Толығырақ", "ru": "Подробности"},
    "audit.empty": {"en": "Nothing yet.", "kk": "Әзірге ештеңе жоқ.", "ru": "Пока ничего."},
}


def text(key: str, lang: str, **kwargs: Any) -> str:
    """The string ``key`` in ``lang`` (English when that language lacks it), formatted."""
    entry = TEXTS[key]
    value = entry.get(lang) or entry["en"]
    return value.format(**kwargs) if kwargs else value


def labels(lang: str) -> dict[str, str]:
    """Every string in ``lang``, for a template (``t["col.case"]``)."""
    return {key: text(key, lang) for key in TEXTS}


def language_of(query: Mapping[str, str], cookies: Mapping[str, str], user: Any = None) -> str:
    """The language of an inbox page: ``?lang=``, the account's language (if accounts have one),
    the cookie, else Russian."""
    for candidate in (query.get("lang"), getattr(user, "language", None), cookies.get(COOKIE)):
        if candidate in LANGS:
            return str(candidate)
    return DEFAULT
