"""The review app's interface texts in English, Kazakh and Russian (operators choose their
language per account: ``review_users.language``), and the helpers every page uses.

* :func:`ui_language` -- the language of a request: the logged-in account's, else (login page,
  errors before a session) the browser's Accept-Language among ``LANGUAGES``, else ``DEFAULT``.
* :func:`ui` -- one text by key in a language (``str.format`` fields filled in).

These are interface texts only (buttons, headings, messages); the bot's own kk/ru texts live in
:mod:`tendik.text_catalog`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup

logger = logging.getLogger(__name__)

LANGUAGES = ("kk", "ru", "en")
DEFAULT = "en"
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


# key -> (en, kk, ru); turned into TEXTS below. Fields in braces are filled by str.format.
_TEXTS: dict[str, tuple[str, str, str]] = {
    "app.title": ("Tendik review", "Теңдік: тексеру", "Теңдік: проверка"),
    "app.brand": ("review", "тексеру", "проверка"),
    "tz": ("Almaty", "Алматы", "Алматы"),
    "nav.conversations": ("Conversations", "Әңгімелер", "Диалоги"),
    "nav.dashboard": ("Dashboard", "Көрсеткіштер", "Показатели"),
    "nav.learning": ("Learning", "Оқу", "Обучение"),
    "nav.inbox": ("Inbox", "Өтініштер", "Обращения"),
    "nav.exports": ("Exports", "Экспорт", "Экспорт"),
    "nav.accounts": ("Accounts", "Тіркелгілер", "Учётные записи"),
    "nav.fixes": ("Content fixes", "Мазмұнды түзету", "Исправления контента"),
    "nav.settings": ("Settings", "Баптаулар", "Настройки"),
    "nav.logout": ("Log out", "Шығу", "Выйти"),
    "role.reviewer": ("reviewer", "тексеруші", "проверяющий"),
    "role.admin": ("admin", "әкімші", "администратор"),
    "role.operator": ("operator", "оператор", "оператор"),
    "lang.kk": ("Kazakh", "қазақша", "казахский"),
    "lang.ru": ("Russian", "орысша", "русский"),
    "lang.en": ("English", "ағылшынша", "английский"),
    "lang.unknown": ("?", "?", "?"),
    "channel.web": ("web", "сайт", "сайт"),
    "channel.telegram": ("telegram", "Telegram", "Telegram"),
    "channel.rest": ("rest", "REST", "REST"),
    # login
    "login.title": ("Log in", "Кіру", "Вход"),
    "login.intro": ("Operator review of the Tendik assistant's conversations. Accounts are created by an administrator.",
                    "Теңдік көмекшісінің әңгімелерін операторлардың тексеруі. Тіркелгілерді әкімші ашады.",
                    "Проверка диалогов ассистента Теңдік операторами. Учётные записи создаёт администратор."),
    "login.username": ("User name", "Пайдаланушы аты", "Имя пользователя"),
    "login.password": ("Password", "Құпиясөз", "Пароль"),
    "login.submit": ("Log in", "Кіру", "Войти"),
    "login.locked": ("Too many failed attempts: this account is locked for a while.",
                     "Сәтсіз әрекеттер тым көп: тіркелгі біраз уақытқа бұғатталды.",
                     "Слишком много неудачных попыток: учётная запись временно заблокирована."),
    "login.wrong": ("Wrong user name or password.", "Пайдаланушы аты не құпиясөз қате.", "Неверное имя пользователя или пароль."),
    # errors
    "error.forbidden": ("Forbidden", "Рұқсат жоқ", "Доступ запрещён"),
    "error.csrf": ("The form expired or did not come from this site. Reload the page and try again.",
                   "Форманың мерзімі өтті немесе ол осы сайттан жіберілмеген. Бетті қайта жүктеп, тағы көріңіз.",
                   "Срок действия формы истёк, или она отправлена не с этого сайта. Обновите страницу и попробуйте ещё раз."),
    "error.admin_only": ("This page is for administrators.", "Бұл бет әкімшілерге арналған.", "Эта страница только для администраторов."),
    "error.not_found": ("Not found", "Табылмады", "Не найдено"),
    "error.no_conversation": ("No such conversation.", "Мұндай әңгіме жоқ.", "Такого диалога нет."),
    "error.no_page": ("No such page.", "Мұндай бет жоқ.", "Такой страницы нет."),
    "error.back": ("Back to the conversations", "Әңгімелерге оралу", "Назад к диалогам"),
    "error.export_refused": ("Export refused", "Экспорт тоқтатылды", "Экспорт отклонён"),
    "error.export_refused_msg": ("A file would have contained text that looks like personal data: nothing was written.",
                                 "Файлда дербес деректерге ұқсайтын мәтін болар еді: ештеңе жазылмады.",
                                 "В файл попал бы текст, похожий на персональные данные: ничего не записано."),
    # messages after a redirect
    "msg.not_saved": ("Not saved: {msg}", "Сақталмады: {msg}", "Не сохранено: {msg}"),
    "msg.bad_input": ("bad input", "деректер қате", "неверные данные"),
    "msg.saved": ("Saved.", "Сақталды.", "Сохранено."),
    "msg.indexed": ("Indexed {events} new events, {votes} vote changes.",
                    "Жаңа оқиғалар индекстелді: {events}, дауыстардың өзгерісі: {votes}.",
                    "Проиндексировано новых событий: {events}, изменений голосов: {votes}."),
    "msg.not_done": ("Not done: {msg}", "Орындалмады: {msg}", "Не выполнено: {msg}"),
    "msg.add": ("Account {name} created.", "{name} тіркелгісі ашылды.", "Учётная запись {name} создана."),
    "msg.disable": ("Account {name} disabled.", "{name} тіркелгісі өшірілді.", "Учётная запись {name} отключена."),
    "msg.enable": ("Account {name} enabled.", "{name} тіркелгісі қосылды.", "Учётная запись {name} включена."),
    "msg.password": ("Password of {name} changed.", "{name} құпиясөзі өзгертілді.", "Пароль {name} изменён."),
    "msg.role": ("Role of {name} changed.", "{name} рөлі өзгертілді.", "Роль {name} изменена."),
    "msg.language": ("Language of {name} changed.", "{name} тілі өзгертілді.", "Язык {name} изменён."),
    "msg.settings_saved": ("Settings saved.", "Баптаулар сақталды.", "Настройки сохранены."),
    "msg.fix_done": ("Marked as fixed.", "Түзетілді деп белгіленді.", "Отмечено как исправленное."),
    "msg.fix_reopened": ("Back on the list.", "Тізімге қайта қосылды.", "Возвращено в список."),
    # account errors (tendik.review.auth.AccountError.code)
    "account.password_short": ("the password must have at least {n} characters", "құпиясөзде кемінде {n} таңба болуы керек",
                               "в пароле должно быть не меньше {n} символов"),
    "account.password_long": ("the password is too long", "құпиясөз тым ұзын", "пароль слишком длинный"),
    "account.bad_name": ("user names are 2-64 characters: letters, digits, _ . @ -",
                         "пайдаланушы аты 2-64 таңба: латын әріптері, сандар, _ . @ -",
                         "имя пользователя: от 2 до 64 символов, латинские буквы, цифры, _ . @ -"),
    "account.bad_role": ("unknown role", "белгісіз рөл", "неизвестная роль"),
    "account.bad_language": ("unknown language", "белгісіз тіл", "неизвестный язык"),
    "account.exists": ("user {name} already exists", "{name} пайдаланушысы бар", "пользователь {name} уже существует"),
    "account.no_user": ("no user {name}", "{name} пайдаланушысы жоқ", "пользователя {name} нет"),
    "account.self_disable": ("you cannot disable your own account", "өз тіркелгіңізді өшіре алмайсыз", "нельзя отключить свою учётную запись"),
    "account.self_role": ("you cannot change your own role", "өз рөліңізді өзгерте алмайсыз", "нельзя изменить свою роль"),
    # verdict errors (tendik.review.judgements.JudgementError.code)
    "judge.bad_verdict": ("the verdict must be correct or wrong", "баға «дұрыс» не «қате» болуы керек",
                          "оценка должна быть «верно» или «неверно»"),
    "judge.unknown_intent": ("unknown intent", "белгісіз тақырып", "неизвестная тема"),
    "judge.unknown_knowledge": ("unknown knowledge id", "белгісіз білім бірлігі", "неизвестная единица знаний"),
    "judge.no_message": ("no such message in this conversation", "бұл әңгімеде мұндай хабар жоқ", "в этом диалоге нет такого сообщения"),
    "judge.reason_required": ("a wrong answer needs a reason", "жауаптың неге қате екенін көрсетіңіз", "укажите, почему ответ неверный"),
    "judge.bad_reason": ("unknown reason", "белгісіз себеп", "неизвестная причина"),
    # verdicts and their reasons (tendik.review.judgements.REASONS)
    "verdict.correct": ("correct", "дұрыс", "верно"),
    "verdict.wrong": ("wrong", "қате", "неверно"),
    "reason.wrong_topic": ("wrong topic", "тақырып қате", "не та тема"),
    "reason.wrong_norm": ("wrong norm", "норма қате", "не та норма"),
    "reason.outdated_law": ("outdated law", "заң ескірген", "устаревший закон"),
    "reason.wrong_language": ("answer in the wrong language", "жауап басқа тілде", "ответ не на том языке"),
    "reason.harmful": ("harmful", "зиянды", "вредный ответ"),
    "reason.unclear": ("unclear", "түсініксіз", "непонятный ответ"),
    "reason.none": ("no reason given (older verdicts)", "себебі көрсетілмеген (бұрынғы бағалар)", "без причины (старые оценки)"),
    # conversation list
    "list.title": ("Conversations", "Әңгімелер", "Диалоги"),
    "list.search": ("Search", "Іздеу", "Поиск"),
    "list.search_hint": ("words in the user's messages", "пайдаланушы хабарларындағы сөздер", "слова из сообщений пользователя"),
    "list.channel": ("Channel", "Арна", "Канал"),
    "list.language": ("Language", "Тіл", "Язык"),
    "list.any": ("any", "кез келген", "любой"),
    "list.from": ("From", "Бастап", "С"),
    "list.to": ("To", "Дейін", "По"),
    "list.intent": ("Topic", "Тақырып", "Тема"),
    "list.max_confidence": ("NLU confidence below", "Тану сенімділігі осыдан төмен", "Уверенность распознавания ниже"),
    "list.fallback": ("fallback reached", "сұрақ танылмады", "вопрос не распознан"),
    "list.not_helpful": ("\"not helpful\" vote", "«пайдасыз» деген дауыс", "голос «не помогло»"),
    "list.reviewed": ("Reviewed", "Тексерілуі", "Проверка"),
    "list.reviewed_no": ("not reviewed", "тексерілмеген", "не проверен"),
    "list.reviewed_yes": ("reviewed", "тексерілген", "проверен"),
    "list.apply": ("Apply", "Қолдану", "Применить"),
    "list.reset": ("Reset", "Тазарту", "Сбросить"),
    "list.invalid": ("Ignored invalid filter values: {values}", "Сүзгінің қате мәндері ескерілмеді: {values}",
                     "Неверные значения фильтров пропущены: {values}"),
    "list.sync": ("Index new conversations now", "Жаңа әңгімелерді қазір индекстеу", "Проиндексировать новые диалоги сейчас"),
    "list.csv": ("Export this list as CSV", "Бұл тізімді CSV файлына шығару", "Выгрузить этот список в CSV"),
    "list.shown": ("{n} shown · {ms} ms", "көрсетілді: {n} · {ms} мс", "показано: {n} · {ms} мс"),
    "list.col_last": ("Last message", "Соңғы хабар", "Последнее сообщение"),
    "list.col_first": ("First question", "Алғашқы сұрақ", "Первый вопрос"),
    "list.col_intents": ("Topics", "Тақырыптар", "Темы"),
    "list.col_confidence": ("Min conf.", "Ең аз сенімділік", "Мин. уверенность"),
    "list.col_messages": ("Msgs", "Хабарлар", "Сообщений"),
    "list.col_flags": ("Flags", "Белгілер", "Отметки"),
    "list.flag_fallback": ("fallback", "танылмады", "не распознан"),
    "list.flag_not_sure": ("not sure ×{n}", "сенімсіз ×{n}", "не уверен ×{n}"),
    "list.flag_not_helpful": ("not helpful", "пайдасыз", "не помогло"),
    "list.flag_reviewed": ("reviewed ({n})", "тексерілді ({n})", "проверено ({n})"),
    "list.empty": ("No conversation matches these filters.", "Бұл сүзгілерге сай әңгіме жоқ.", "Нет диалогов, подходящих под эти фильтры."),
    "list.newer": ("← Newer", "← Жаңарақ", "← Новее"),
    "list.first_page": ("First page", "Бірінші бет", "Первая страница"),
    "list.older": ("Older →", "Ескірек →", "Старше →"),
    # transcript
    "tr.title": ("Conversation", "Әңгіме", "Диалог"),
    "tr.back": ("← Conversations", "← Әңгімелер", "← Диалоги"),
    "tr.summary": ("{messages} messages · {answers} legal answers · {votes} votes",
                   "хабарлар: {messages} · құқықтық жауаптар: {answers} · дауыстар: {votes}",
                   "сообщений: {messages} · юридических ответов: {answers} · голосов: {votes}"),
    "tr.turns": ("turns {first}–{last} of {total}", "{total} кезектің {first}–{last}", "реплики {first}–{last} из {total}"),
    "tr.earlier": ("← Earlier", "← Ертерек", "← Раньше"),
    "tr.later": ("Later →", "Кейінірек →", "Позже →"),
    "tr.later_turns": ("Later turns →", "Кейінгі кезектер →", "Следующие реплики →"),
    "tr.button": ("button", "батырма", "кнопка"),
    "tr.button_label": ("[button: {what}]", "[батырма: {what}]", "[кнопка: {what}]"),
    "tr.page": ("page {n}", "{n}-бет", "стр. {n}"),
    "tr.hidden": ("hidden", "жасырылған", "скрыто"),
    "tr.hidden_hint": ("the user's own words for a draft or the self-check: never shown, indexed or exported",
                       "пайдаланушының құжат жобасына не өзін-өзі тексеруге жазған сөздері: көрсетілмейді, индекстелмейді, экспортталмайды",
                       "слова пользователя для черновика или самопроверки: не показываются, не индексируются и не выгружаются"),
    "tr.predicted": ("predicted intent", "танылған тақырып", "распознанная тема"),
    "tr.no_intent": ("no intent", "тақырып жоқ", "тема не распознана"),
    "tr.confidence": ("NLU confidence", "тану сенімділігі", "уверенность распознавания"),
    "tr.ranking": ("ranking:", "басқа нұсқалар:", "другие варианты:"),
    "tr.action": ("action", "әрекет", "действие"),
    "tr.source": ("source: {source}", "дереккөз: {source}", "источник: {source}"),
    "source.intent": ("intent", "тақырып бойынша", "по теме"),
    "source.retrieval": ("retrieval", "іздеу", "поиск"),
    "source.situation": ("situation", "жағдай бойынша", "по ситуации"),
    "source.none": ("none", "жоқ", "нет"),
    "tr.vote_not_helpful": ("vote: not helpful", "дауыс: пайдасыз", "голос: не помогло"),
    "tr.vote_helpful": ("vote: helpful", "дауыс: пайдалы", "голос: помогло"),
    "tr.user_comment": ("User's comment:", "Пайдаланушының пікірі:", "Комментарий пользователя:"),
    "tr.view": ("answer view", "жауап бөлімі", "часть ответа"),
    "view.law": ("law", "заң", "закон"),
    "view.steps": ("steps", "қадамдар", "шаги"),
    "view.route": ("where and by when", "қайда және қашан", "куда и в какой срок"),
    "view.full": ("full text", "толық мәтін", "полный текст"),
    "tr.no_text": ("(no text)", "(мәтін жоқ)", "(нет текста)"),
    "tr.old_edition": ("old edition", "ескі редакция", "старая редакция"),
    "tr.buttons": ("Buttons:", "Батырмалар:", "Кнопки:"),
    "tr.knowledge_ids": ("Knowledge ids", "Білім бірліктері", "Единицы знаний"),
    "tr.not_sure": ("none: not sure", "жоқ: сенімсіз", "нет: не уверен"),
    "tr.norms": ("Norms cited", "Келтірілген нормалар", "Процитированные нормы"),
    "tr.scores": ("Scores", "Іздеу ұпайлары", "Оценки поиска"),
    "tr.answer_id": ("Answer id", "Жауаптың белгісі", "Метка ответа"),
    "tr.your_verdict": ("Your verdict", "Сіздің бағаңыз", "Ваша оценка"),
    "tr.by": ("by {who}, {when}", "{who}, {when}", "{who}, {when}"),
    "tr.reason": ("Why wrong", "Неге қате", "Почему неверно"),
    "tr.reason_hint": ("required when the answer is wrong", "жауап қате болса, міндетті", "обязательно, если ответ неверный"),
    "tr.content_fix": ("harmful / needs a content fix", "зиянды / мазмұнын түзету керек", "вредно / нужно исправить контент"),
    "tr.right_intent": ("Right intent", "Дұрыс тақырып", "Правильная тема"),
    "tr.right_knowledge": ("Knowledge that should have answered", "Жауап беруге тиіс білім", "Знания, которые должны были ответить"),
    "tr.comment": ("Comment", "Пікір", "Комментарий"),
    "tr.save": ("Save verdict", "Бағаны сақтау", "Сохранить оценку"),
    "tr.no_events": ("This conversation has no events left (deleted?).", "Бұл әңгімеде оқиға қалмады (жойылған болуы мүмкін).",
                     "В этом диалоге не осталось событий (удалён?)."),
    # dashboard
    "dash.title": ("Dashboard", "Көрсеткіштер", "Показатели"),
    "dash.period": ("last {days} days (from {start}, UTC days)", "соңғы {days} күн ({start} бастап, күндер Гринвич бойынша)",
                    "за последние {days} дн. (с {start}, дни по Гринвичу)"),
    "dash.days": ("Days", "Күндер", "Дней"),
    "dash.show": ("Show", "Көрсету", "Показать"),
    "dash.conversations": ("conversations", "әңгіме", "диалогов"),
    "dash.messages": ("user messages", "пайдаланушы хабары", "сообщений пользователей"),
    "dash.answered": ("answered with a cited norm", "нормаға сілтеп жауап берілді", "ответов со ссылкой на норму"),
    "dash.not_sure": ("\"not sure\" answers", "«сенімсіз» жауаптар", "ответов «не уверен»"),
    "dash.fallback": ("NLU fallback", "сұрақ танылмады", "вопрос не распознан"),
    "dash.votes": ("of {n} votes \"not helpful\"", "{n} дауыстың ішінде «пайдасыз»", "из {n} голосов — «не помогло»"),
    "dash.judged": ("verdicts", "баға", "оценок"),
    "dash.wrong": ("judged wrong", "қате деп бағаланды", "признаны неверными"),
    "dash.fix": ("need a content fix", "мазмұнын түзету керек", "нужно исправить контент"),
    "dash.per_day": ("Conversations per day", "Күн сайынғы әңгімелер", "Диалоги по дням"),
    "dash.per_language": ("Conversations per language", "Тілдер бойынша әңгімелер", "Диалоги по языкам"),
    "dash.topics": ("Top topics (predicted intents of user messages)", "Жиі тақырыптар (хабарларда танылған)",
                    "Частые темы (распознанные в сообщениях)"),
    "dash.outcomes": ("What the bot did with user messages", "Бот хабарларға не істеді", "Что бот сделал с сообщениями"),
    "dash.vote_chart": ("Votes", "Дауыстар", "Голоса"),
    "dash.per_channel": ("Conversations per channel", "Арналар бойынша әңгімелер", "Диалоги по каналам"),
    "dash.reason_chart": ("Why answers were judged wrong", "Жауаптар неге қате деп бағаланды", "Почему ответы признаны неверными"),
    "dash.out_answered": ("answered (cited)", "жауап берілді (сілтемемен)", "ответ со ссылкой"),
    "dash.out_not_sure": ("not sure", "сенімсіз", "не уверен"),
    "dash.out_other": ("other replies", "басқа жауаптар", "другие ответы"),
    "dash.helpful": ("helpful", "пайдалы", "помогло"),
    "dash.not_helpful": ("not helpful", "пайдасыз", "не помогло"),
    "dash.verdicts": ("Verdicts: reasons and content fixes", "Бағалар: себептер және мазмұнды түзету", "Оценки: причины и исправления контента"),
    "dash.reason": ("Reason", "Себеп", "Причина"),
    "dash.count": ("Count", "Саны", "Количество"),
    "dash.share_wrong": ("Share of wrong", "Қателер ішіндегі үлесі", "Доля среди неверных"),
    "dash.share_all": ("Share of all verdicts", "Барлық бағалардағы үлесі", "Доля среди всех оценок"),
    "dash.fix_row": ("content fix flag", "мазмұнды түзету белгісі", "отметка «исправить контент»"),
    "dash.unanswered": ("Unanswered questions", "Жауапсыз сұрақтар", "Вопросы без ответа"),
    "dash.question": ("Question (masked)", "Сұрақ (жасырылған)", "Вопрос (маскирован)"),
    "dash.lang": ("Lang", "Тіл", "Язык"),
    "dash.times": ("Times", "Рет", "Раз"),
    "dash.last": ("Last", "Соңғы рет", "Последний раз"),
    "dash.none": ("None in this period.", "Бұл кезеңде жоқ.", "За этот период нет."),
    # exports
    "exp.title": ("Exports", "Экспорт", "Экспорт"),
    "exp.intro": ("Files built from the reviews (personal data masked, conversations pseudonymised). The same reviews always give "
                  "the same files; the command line writes them too:",
                  "Тексерулерден жасалған файлдар (дербес деректер жасырылған, әңгімелер бүркеншік атпен). Бірдей тексерулер "
                  "әрқашан бірдей файл береді; оларды командалық жол да жазады:",
                  "Файлы из проверок (персональные данные скрыты, диалоги под псевдонимами). Одни и те же проверки всегда дают "
                  "одни и те же файлы; их пишет и командная строка:"),
    "exp.file": ("File", "Файл", "Файл"),
    "exp.what": ("What", "Мазмұны", "Что"),
    "exp.entries": ("Entries", "Жазбалар", "Записей"),
    "exp.nlu": ("NLU training examples ({lang})", "Тануды үйрету мысалдары ({lang})", "Примеры для обучения распознаванию ({lang})"),
    "exp.stories": ("Test stories ({lang})", "Тест сценарийлері ({lang})", "Тестовые сценарии ({lang})"),
    "exp.unanswered_csv": ("Unanswered questions (CSV)", "Жауапсыз сұрақтар (CSV)", "Вопросы без ответа (CSV)"),
    "exp.unanswered_md": ("Unanswered questions (Markdown)", "Жауапсыз сұрақтар (Markdown)", "Вопросы без ответа (Markdown)"),
    "exp.verdicts": ("Verdicts with reason codes (CSV)", "Себеп кодтары бар бағалар (CSV)", "Оценки с кодами причин (CSV)"),
    "exp.note": ("NLU files go to {nlu}, test stories to {tests} after a lawyer's check. The CSV of the conversation list is on "
                 "the list page (it keeps the filters).",
                 "Заңгер тексергеннен кейін тану файлдары {nlu} ішіне, тест сценарийлері {tests} ішіне салынады. Әңгімелер "
                 "тізімінің CSV файлы тізім бетінде (сүзгілер сақталады).",
                 "После проверки юристом файлы распознавания кладутся в {nlu}, тестовые сценарии — в {tests}. CSV списка "
                 "диалогов — на странице списка (с фильтрами)."),
    # accounts
    "users.title": ("Accounts", "Тіркелгілер", "Учётные записи"),
    "users.user": ("User", "Пайдаланушы", "Пользователь"),
    "users.role": ("Role", "Рөл", "Роль"),
    "users.language": ("Language", "Тіл", "Язык"),
    "users.state": ("State", "Күйі", "Состояние"),
    "users.last_login": ("Last login", "Соңғы кіру", "Последний вход"),
    "users.actions": ("Actions", "Әрекеттер", "Действия"),
    "users.disabled": ("disabled", "өшірілген", "отключена"),
    "users.locked": ("locked until {when}", "{when} дейін бұғатталған", "заблокирована до {when}"),
    "users.active": ("active", "белсенді", "активна"),
    "users.enable": ("Enable", "Қосу", "Включить"),
    "users.disable": ("Disable", "Өшіру", "Отключить"),
    "users.set_role": ("Set role", "Рөлді орнату", "Назначить роль"),
    "users.set_language": ("Set language", "Тілді орнату", "Задать язык"),
    "users.new_password": ("new password", "жаңа құпиясөз", "новый пароль"),
    "users.set_password": ("Set password", "Құпиясөзді орнату", "Задать пароль"),
    "users.new": ("New account", "Жаңа тіркелгі", "Новая учётная запись"),
    "users.create": ("Create", "Ашу", "Создать"),
    # settings
    "settings.title": ("Settings", "Баптаулар", "Настройки"),
    "settings.account": ("Account {name} ({role})", "{name} тіркелгісі ({role})", "Учётная запись {name} ({role})"),
    "settings.language": ("Interface language", "Интерфейс тілі", "Язык интерфейса"),
    "settings.save": ("Save", "Сақтау", "Сохранить"),
    # content fixes
    "fixes.title": ("Content fixes", "Мазмұнды түзету", "Исправления контента"),
    "fixes.intro": ("Answers an operator flagged as harmful or needing a fix of the content. The content owner fixes the "
                    "explanation or norm in {path} and marks the answer fixed.",
                    "Оператор зиянды не мазмұнын түзету керек деп белгілеген жауаптар. Мазмұн иесі {path} ішіндегі "
                    "түсіндірмені не норманы түзетіп, жауапты түзетілді деп белгілейді.",
                    "Ответы, которые оператор отметил как вредные или требующие исправления контента. Владелец контента "
                    "исправляет объяснение или норму в {path} и отмечает ответ как исправленный."),
    "fixes.open": ("To fix", "Түзету керек", "Нужно исправить"),
    "fixes.done": ("Fixed", "Түзетілген", "Исправлено"),
    "fixes.flagged": ("Flagged", "Белгіленді", "Отмечено"),
    "fixes.topic": ("Topic", "Тақырып", "Тема"),
    "fixes.reason": ("Reason", "Себеп", "Причина"),
    "fixes.comment": ("Comment", "Пікір", "Комментарий"),
    "fixes.by": ("By", "Кім", "Кто"),
    "fixes.answer": ("Answer", "Жауап", "Ответ"),
    "fixes.open_link": ("open the conversation", "әңгімені ашу", "открыть диалог"),
    "fixes.mark_done": ("Mark fixed", "Түзетілді деп белгілеу", "Отметить исправленным"),
    "fixes.reopen": ("Put back on the list", "Тізімге қайтару", "Вернуть в список"),
    "fixes.fixed_by": ("fixed by {who}, {when}", "{who} түзетті, {when}", "исправил(а) {who}, {when}"),
    "fixes.empty": ("Nothing on the list.", "Тізім бос.", "Список пуст."),
    # topics that are not legal topics (legal ones: tendik.topics.button_titles, the explanations' titles)
    "intent.greet": ("greeting", "сәлемдесу", "приветствие"),
    "intent.goodbye": ("goodbye", "қоштасу", "прощание"),
    "intent.thanks": ("thanks", "алғыс", "благодарность"),
    "intent.help": ("help", "көмек", "помощь"),
    "intent.out_of_scope": ("off topic", "тақырыптан тыс", "не по теме"),
    "intent.chitchat": ("small talk", "әңгіме-дүкен", "болтовня"),
    "intent.switch_language": ("switch language", "тілді ауыстыру", "смена языка"),
    "intent.more_topics": ("more topics", "басқа тақырыптар", "другие темы"),
    "intent.show_more": ("more of the answer", "жауаптың жалғасы", "продолжение ответа"),
    "intent.open_lesson": ("a lesson", "сабақ", "урок"),
    "intent.inform_situation": ("a described situation", "сипатталған жағдай", "описание ситуации"),
    "intent.nlu_fallback": ("not recognised", "танылмады", "не распознано"),
}

TEXTS: dict[str, dict[str, str]] = {key: dict(zip(("en", "kk", "ru"), triple, strict=True)) for key, triple in _TEXTS.items()}


def normalise(lang: str | None) -> str:
    lang = (lang or "").strip().lower()[:8]
    return lang if lang in LANGUAGES else DEFAULT


def accept_language(header: str | None) -> str:
    """The first of ``LANGUAGES`` named in an Accept-Language header (by q order), else DEFAULT."""
    best: list[tuple[float, int, str]] = []
    for n, part in enumerate((header or "")[:500].split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and q > 0:
            best.append((-q, n, primary))
    return sorted(best)[0][2] if best else DEFAULT


def ui_language(request: Any) -> str:
    """The interface language of an aiohttp request: the account's (``request["user"].language``),
    else the browser's (Accept-Language), else DEFAULT."""
    user = request.get("user") if hasattr(request, "get") else None
    lang = getattr(user, "language", None)
    if lang in LANGUAGES:
        return str(lang)
    return accept_language(request.headers.get("Accept-Language") if hasattr(request, "headers") else None)


def ui(key: str, lang: str, **fields: Any) -> str:
    """The text ``key`` in ``lang`` (English if missing there; the key itself if unknown)."""
    entry = TEXTS.get(key)
    if entry is None:
        logger.warning("unknown review UI text key %s", key)
        return key
    text = entry.get(lang) or entry["en"]
    return text.format(**fields) if fields else text


# ------------------------------------------------------------------ dates, topics, Jinja
ZONE_NAME = "Asia/Almaty"


@functools.cache
def _zone() -> ZoneInfo:
    return ZoneInfo(ZONE_NAME)


def local_ts(ts: float | None, lang: str, zone: bool = True) -> str:
    """A timestamp in Almaty time with the zone named: "2025-03-04 17:05 (Алматы)"."""
    if not ts:
        return ""
    text = datetime.fromtimestamp(ts, _zone()).strftime("%Y-%m-%d %H:%M")
    return f"{text} ({ui('tz', lang)})" if zone else text


@functools.cache
def _explanation_titles() -> dict[str, dict[str, str]]:
    from tendik.knowledge.explanations import load_knowledge

    return {exp.intent: dict(exp.title) for exp in load_knowledge().explanations.values() if exp.intent}


def topic_name(intent: str | None, lang: str) -> str:
    """An intent as operators know it: the topic's name in ``lang`` (the catalog's button label or the
    explanation's title; the review catalog's ``intent.*`` for small talk and the like). English has
    no topic names: the Russian name with the intent id. An unknown intent stays as it is."""
    if not intent:
        return ""
    from tendik.topics import button_titles

    name: str | None = None
    if f"intent.{intent}" in TEXTS:
        name = ui(f"intent.{intent}", lang)
        return name if lang != "en" else intent
    try:
        names = button_titles(intent, _explanation_titles())
    except KeyError:
        return intent
    if lang == "en":
        return f"{names.get('ru') or intent} ({intent})"
    return names.get(lang) or intent


def knowledge_title(kid: str, lang: str) -> str:
    """A knowledge id's title in ``lang`` (explanations: their title; norms: their citation)."""
    return _knowledge_titles(lang if lang in ("kk", "ru") else "ru").get(kid, kid)


@functools.cache
def _knowledge_titles(lang: str) -> dict[str, str]:
    from tendik.knowledge.explanations import load_knowledge

    kb = load_knowledge()
    out = {kid: exp.title.get(lang) or kid for kid, exp in kb.explanations.items()}
    for kid, norm in kb.norms.items():
        try:
            out[kid] = norm.citation(lang, None)
        except Exception:  # noqa: BLE001 - a title is a nicety
            out[kid] = kid
    return out


def _ctx_lang(ctx: Any) -> str:
    lang = ctx.get("ui_lang")
    if lang in LANGUAGES:
        return str(lang)
    return normalise(getattr(ctx.get("user"), "language", None))


def install(env: jinja2.Environment) -> jinja2.Environment:
    """Give a Jinja environment the interface texts. Templates use ``T("key", field=...)`` (escaped;
    a field made by ``code()`` stays markup), ``value|ts`` (Almaty time, zone named), ``intent|topic``,
    ``code|lang_name``, ``channel|channel_name``; the language is the context's ``ui_lang``, else
    the ``user``'s."""

    @jinja2.pass_context
    def t(ctx: Any, key: str, **fields: Any) -> Markup:
        lang = _ctx_lang(ctx)
        entry = TEXTS.get(key)
        if entry is None:
            logger.warning("unknown review UI text key %s", key)
            return Markup.escape(key)
        return Markup.escape(entry.get(lang) or entry["en"]).format(**fields) if fields else Markup.escape(entry.get(lang) or entry["en"])

    @jinja2.pass_context
    def ts(ctx: Any, value: float | None) -> str:
        return local_ts(value, _ctx_lang(ctx))

    @jinja2.pass_context
    def topic(ctx: Any, intent: str | None) -> str:
        return topic_name(intent, _ctx_lang(ctx))

    @jinja2.pass_context
    def lang_name(ctx: Any, code: str | None) -> str:
        return ui(f"lang.{code}", _ctx_lang(ctx)) if f"lang.{code}" in TEXTS else ui("lang.unknown", "en") if not code else str(code)

    @jinja2.pass_context
    def channel_name(ctx: Any, channel: str | None) -> str:
        return ui(f"channel.{channel}", _ctx_lang(ctx)) if f"channel.{channel}" in TEXTS else str(channel or "?")

    @jinja2.pass_context
    def known(ctx: Any, kid: str) -> str:
        return knowledge_title(kid, _ctx_lang(ctx))

    def code(value: Any) -> Markup:
        return Markup("<code>{}</code>").format(value)

    def relabel(name: Callable[[Any, Any], str]) -> Callable[..., list[dict[str, Any]]]:
        @jinja2.pass_context
        def series(ctx: Any, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [{**x, "label": str(name(ctx, x["label"]))} for x in items]

        return series

    @jinja2.pass_context
    def reason_series(ctx: Any, reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
        lang = _ctx_lang(ctx)
        return [{"label": ui(f"reason.{r['reason'] or 'none'}", lang), "value": r["count"]} for r in reasons]

    env.globals.update(T=t, code=code, LANGUAGES=LANGUAGES, lang_series=relabel(lang_name), channel_series=relabel(channel_name),
                       topic_series=relabel(topic), reason_series=reason_series)
    env.filters.update(ts=ts, topic=topic, lang_name=lang_name, channel_name=channel_name, knowledge_title=known)
    return env
