"""The situation extractor (tendik.situation): grounds, stage, employer and date from one message,
in Kazakh and Russian and every spelling the project supports (Cyrillic with and without the
Kazakh letters, Latin incl. the 2021 alphabet, translit Russian, kk/ru mixed).

The messages here are written for these tests (not copied from the dev set)."""

from __future__ import annotations

import ast
import dataclasses
import datetime
import re
import statistics
import sys
import time
from pathlib import Path

import pytest

import tendik.situation as situation
from tendik.situation import EMPLOYER_KINDS, GROUNDS, STAGES, STAGES_BY_PRIORITY, Situation, extract, parse_date, stage_detail

pytestmark = pytest.mark.unit  # no services: `make test-unit`

TODAY = datetime.date(2026, 3, 20)  # a Friday


def _x(text: str, today: datetime.date = TODAY) -> Situation:
    return extract(text, today)


# --------------------------------------------------------------------------------------------------
# The API


def test_vocabularies_and_the_empty_situation() -> None:
    assert len(GROUNDS) == 21 and len(set(GROUNDS)) == 21
    assert set(STAGES) == set(STAGES_BY_PRIORITY) and len(STAGES) == 9
    assert EMPLOYER_KINDS == ("micro", "ngo_small", "domestic", "civil_service", "other")
    empty = Situation()
    assert (empty.grounds, empty.negated, empty.stage, empty.employer_kind, empty.employer_size, empty.date,
            empty.date_text) == ((), (), None, None, None, None, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        empty.stage = "hiring"  # type: ignore[misc]


@pytest.mark.parametrize("text", ["", "   ", "?!…", "👍", "а сроки?", "мерзімі қанша?", "спасибо", "рақмет"])
def test_messages_without_a_situation(text: str) -> None:
    s = _x(text)
    assert s.grounds == () and s.stage is None and s.employer_kind is None and s.date is None


def test_every_value_comes_from_the_vocabularies() -> None:
    texts = [c[0] for c in GROUND_CASES] + [c[0] for c in STAGE_CASES] + [c[0] for c in STORIES]
    for text in texts:
        s = _x(text)
        assert set(s.grounds) <= set(GROUNDS) and len(s.grounds) == len(set(s.grounds)), text
        assert set(s.negated) <= set(GROUNDS) and not set(s.negated) & set(s.grounds), text
        assert s.stage is None or s.stage in STAGES, text
        assert s.employer_kind is None or s.employer_kind in EMPLOYER_KINDS, text


def test_grounds_come_in_the_order_they_are_mentioned() -> None:
    assert _x("Мне 55 лет и я женщина, поэтому не взяли").grounds == ("age", "sex")
    assert _x("я женщина, и мне 55 лет, поэтому не взяли").grounds == ("sex", "age")


def test_the_module_is_standard_library_only() -> None:
    """Rasa's NLU pipeline (Python 3.10, its own venv) imports it: nothing but the standard library
    and tendik.lang at the top level (the measuring command imports PyYAML inside main())."""
    tree = ast.parse(Path(situation.__file__).read_text(encoding="utf-8"))
    top = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            top |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            top.add(node.module.split(".")[0])
    assert top - {"__future__", "tendik"} <= set(sys.stdlib_module_names), top
    from_tendik = {n.module for n in tree.body if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("tendik")}
    assert from_tendik == {"tendik.lang"}


# --------------------------------------------------------------------------------------------------
# Grounds, kk and ru, every spelling

GROUND_CASES: list[tuple[str, set[str]]] = [
    # origin
    ("Меня не повышают, потому что я не из их рода", {"origin"}),
    ("у отца была судимость, и меня из-за этого не взяли в охрану", {"origin"}),
    ("Қай жүзденсің деп сұрады да, жұмысқа алмады", {"origin"}),
    ("Оралман деп жалақыны аз береді", {"origin"}),
    # social status
    ("я сирота, вырос в детдоме, на собеседовании сказали что таких не берут", {"social_status"}),
    ("Сотталғанмын деп жұмысқа қабылдамады", {"social_status"}),
    ("жумыссыз болып тиркеуде турдым деп алмады", {"social_status"}),
    # official status
    ("Мы, простые рабочие, обедаем на улице, а для начальства отдельная столовая", {"official_status"}),
    ("Еденшілерге арнайы киім бермейді, ал кеңседегілерге бәрі бар", {"official_status"}),
    # property status
    ("меня не берут на работу из-за кредитов, смотрят кредитную историю", {"property_status"}),
    ("вакансия: «кандидаты только с собственным автомобилем»", {"property_status"}),
    ("Кредитім бар екенін біліп, кассир болып алмады", {"property_status"}),
    # sex
    ("Мне платят меньше, чем мужчинам на той же должности", {"sex"}),
    ("Ерлерге көбірек төлейді, әйелдерге аз", {"sex"}),
    ("zarplatu platyat menshe chem muzhchinam", {"sex"}),
    # race
    ("Не взяли официанткой, сказали что гости не любят темнокожих", {"race"}),
    ("в вакансии указано «только славянская внешность»", {"race"}),
    ("Қара нәсілді болғаным үшін жұмысқа алмады", {"race"}),
    ("kara nasildi dep jumyska almady", {"race"}),
    # nationality
    ("Директор сказал, что казахам у нас зарплата выше", {"nationality"}),
    ("nachalnik oskorblyaet menya pri vseh iz-za moei natsionalnosti", {"nationality"}),
    ("Хабарландыруда «тек қазақ ұлтынан» деп жазылған", {"nationality"}),
    ("bastyq meni ūltyma bailanysty kemsitedi", {"nationality"}),
    # language (at work: a ground)
    ("начальник запрещает говорить на казахском языке", {"language"}),
    ("не взяли, потому что я плохо знаю русский язык", {"language"}),
    ("Қазақ тілін білмейсің деп жалақымды азайтты", {"language"}),
    ("qazaq tilin bilmeisiñ dep jūmysqa almady", {"language"}),
    ("орыс тилин билмейсин деп жумыска алмады", {"language"}),
    ("nachalnik smeetsya nad moim akcentom pri vseh", {"language"}),
    # religion
    ("Мусульманке запретили носить платок на работе", {"religion"}),
    ("menya ne vzyali na rabotu potomu chto ya musulmanka", {"religion"}),
    ("Дінге сенетінімді білген соң жұмыстан босатты", {"religion"}),
    ("mūsylman bolğanym üşın jūmystan şyğardy", {"religion"}),
    # beliefs
    ("Уволили за то, что я участвовала в митинге", {"beliefs"}),
    ("после того как я высказалась против войны в соцсетях, меня перевели в филиал за городом", {"beliefs"}),
    ("Саяси көзқарасым үшін жұмыстан шығарды", {"beliefs"}),
    # residence
    ("Отказали в приёме, так как у меня нет регистрации в Астане", {"residence"}),
    ("Менің тұрғылықты жерім ауылда деп жұмысқа қабылдамады", {"residence"}),
    ("Прописка жоқ деп жұмыстан шығарды", {"residence"}),
    # age
    ("Не приняли на работу, потому что мне 52 года", {"age"}),
    ("ne vzyali na rabotu iz-za vozrasta, mne 50", {"age"}),
    ("jasym ülken dep jūmysqa almady", {"age"}),
    ("Бастық мені жасыма байланысты әріптестердің алдында келемеждейді", {"age"}),
    # disability
    ("Меня не взяли из-за инвалидности 2 группы", {"disability"}),
    ("uvolili iz-za invalidnosti", {"disability"}),
    ("Мені 3 топтағы мүгедек болғаным үшін жұмысқа алмады", {"disability"}),
    ("mügedekpin dep jūmysqa almady", {"disability"}),
    # public associations
    ("Меня уволили за то, что я вступила в общественное объединение защиты прав потребителей", {"public_association"}),
    ("Үкіметтік емес ұйымға мүше болғаным үшін жұмыстан шығарды", {"public_association"}),
    # trade unions
    ("Перевели в другой цех, когда узнали, что я член профсоюза", {"trade_union"}),
    ("Кәсіподаққа мүше болғаным үшін мені басқа бөлімге ауыстырды", {"trade_union"}),
    ("kasipodakka kirdim dep jalakymdy azaitty", {"trade_union"}),
    # pregnancy
    ("Меня уволили, когда узнали, что я беременна", {"pregnancy"}),
    ("menya uvolili potomu chto ya beremennaya", {"pregnancy"}),
    ("Жүкті болғаным үшін жұмыстан шығарды", {"pregnancy"}),
    ("жукти болганым ушин жумыстан шыгарды", {"pregnancy"}),
    ("jūkti bolğanym üşin jūmystan şyğardy", {"pregnancy"}),
    ("jukti bolganym ushin jumystan shygardy", {"pregnancy"}),
    ("жұмыс берушім мені екіқабат деп қысқарту тізіміне енгізді", {"pregnancy"}),
    ("саған бала керек болады, декретке кетесің деп жұмысқа алмады", {"pregnancy"}),
    # children under 3
    ("Начальник сказал, что с ребёнком до трёх лет мне на повышение рассчитывать нечего", {"children_under_3"}),
    ("Уволили по сокращению, хотя я в декрете с ребенком 1 года", {"children_under_3"}),
    ("Балам 1 жаста, сол үшін біліктілікті арттыру курсына жібермеді", {"children_under_3"}),
    ("декреттен шыққан соң мені ауыстырды", {"children_under_3"}),
    # single parent
    ("Я мать-одиночка, мне отказывают в отпуске летом", {"single_parent"}),
    ("жалғыз басты анамын, түнгі ауысымға қояды", {"single_parent"}),
    ("ulymdy jalgyz tarbielep otyrmyn, tungi auysymga qoiady", {"single_parent"}),
    # minor
    ("мой сын-подросток работает курьером, ему 16, и ему не платят за сверхурочные", {"minor"}),
    ("Кәмелетке толмағанмын, 16 жастамын, жалақымды бермей жүр", {"minor"}),
    ("15 жастамын, кафеде түнде жұмыс істетеді", {"minor"}),
    # health
    ("Сократили именно меня, потому что у меня ВИЧ", {"health"}),
    ("ВИЧ бар екенін білгенде жұмыстан шығарды", {"health"}),
    ("АИТВ-ны біліп алған соң әріптестерім менімен сөйлеспей қойды", {"health"}),
    # other circumstances
    ("Меня уволили после того, как начальник узнал, что я гей", {"other"}),
    ("начальница орёт на меня при всех, говорит, что я толстая", {"other"}),
    ("Жұмысқа алмады, себебі тұрмыс құрмағанмын", {"other"}),
    # several grounds
    ("В объявлении написано: требуются девушки до 25 лет", {"sex", "age"}),
    ("Бригадир постоянно обзывает меня чуркой и смеётся над моим акцентом", {"nationality", "language"}),
    ("Я беременна, мужа нет, сыну 4 года, а меня сокращают", {"pregnancy", "single_parent"}),
    # mixed kk/ru
    ("уволили из-за того что я жүктімін", {"pregnancy"}),
    ("бастық маған зарплату меньше платит, потому что я әйелмін", {"sex"}),
    ("начальник говорит қазақша сөйлеме, штраф саламын", {"language"}),
    # round 7 (batch 7): inflected and implied grounds, look-alikes
    ("Арбамен жүремін, 1-топ мүгедегімін, кеңседе пандус жоқ", {"disability"}),  # мүгедек -> мүгедегі-
    ("Я мать-одиночка, дочке год и два месяца, меня сократили", {"single_parent", "children_under_3"}),
    ("ребёнку годик, а меня сократили", {"children_under_3"}),
    ("я кандас, сказали: вы оралманы, и прописки нормальной нет — не берём", {"origin", "residence"}),
    ("Жұмыспен қамту орталығында тіркеуде тұрмын, сол үшін жұмысқа алмады", {"social_status"}),  # not a residence register
    ("HR «сіз партияның жастар қанатындасыз ғой» деп қабылдамады", {"public_association"}),  # a youth wing, not an age
    ("жасым да, білімім де сай, бірақ директор өз руынан біреуді қойды", {"origin"}),
    ("Цех бастығы зейнетке шықты, директор «әйел адам басқара алмайды» деп жігітті қойды", {"sex"}),  # someone else retired
    ("Состою в экологическом движении, мы выступали против вырубки, после этого уволили", {"public_association"}),
    ("Я веган по убеждениям, коллеги постоянно прикалываются", {"beliefs"}),
    ("У меня диабет, ну и вес лишний есть, начальница обзывает при всех", {"health", "other"}),
    ("на собеседовании заговорили на казахском, я отвечаю по-русски, говорю плохо — не взяли", {"language"}),
    # round 8 (batch 8)
    ("«сенің балаң әлі бір жарым жаста, жиі ауырады» деп басқа қызды қойды", {"children_under_3"}),  # «бір жарым» = 1.5
    ("швея с 20 летним стажем, у меня 3 группа по слуху, «глухих не берём»", {"disability"}),  # years of experience, not an age
    ("мясо не ем по убеждениям, веган, не по религии, шеф зовёт меня травоядной", {"beliefs"}),
    ("«Жасыл қала» қоғамдық бірлестігінің мүшесімін, кәсіподаққа ешқашан кірген емеспін, сол үшін ауыстырды", {"public_association"}),
    ("мен веганмын, наным-сенімім үшін бастық мазақтайды", {"beliefs"}),
    ("'qonaqtar seniñ teriñniñ tüsin körip ürkedi' dep kir juu bölmesine auystyrdy", {"race"}),
    ("на собеседовании сказали: «нам нужен славянский или казахский тип лица, с такой кожей гости не поймут»", {"race"}),
    ("Қожайын местным платит 120, а мне 60, говорит «вы, оралмандар, за еду работать должны»", {"origin"}),  # an amount
    ("срезали премию, потому что я с клиентами на казахском говорю", {"language"}),
    ("недавно написал у себя в фейсбуке пост про плохой асфальт, и меня убрали с маршрута", {"beliefs"}),
    ("сказали не повысят, пока я не выйду из своей партии", {"public_association"}),
    ("Бір ай бойы бір рет те кешікпедім, бұрын сотталғанмын деп шығарды", {"social_status"}),  # «бойы бір» is no height
    ("Работаю учителем в ауылдық мектеп, завучем директор назначил своего из своего рода", {"origin"}),
    # round 9 (batch 9)
    ("men arbada otyramyn (kolyaska), HR-dyń túri ózgerip ketti, bas tartty", {"disability"}),  # «HR-дың» is no «дін»
    ("Откликнулась на вакансию водителя. Приезжаю, мастер смотрит и говорит, что перезвонят", set()),  # "приезжаю" is a verb
    ("Я русская, девочки все казашки, так что это не из за нации, нам, техничкам, запретили заходить в столовую", {"official_status"}),
    ("Я состою в экологическом движении, мы собирали подписи против вырубки, директор: «или по митингам бегай»", {"public_association"}),
    ("Мен «Таза Жайық» бірлестігінің мүшесімін, тыңдауда зауытқа қарсы сөйледім, сол үшін ауыстырды", {"public_association", "beliefs"}),
    ("я одна с дочкой, ей 2 года, муж ушёл, когда я была беременна, мама на пенсии сидит с малой, уволили", {"single_parent", "children_under_3"}),
    ("меня уволили, когда я была беременна", {"pregnancy"}),  # the time of the dismissal, not someone leaving
    ("Я состою в объединении помощи бездомным животным, директор узнал и перевёл меня", {"public_association"}),
    ("HR «вам уже 58, и со здоровьем проблемы» деді, сокращение", {"age", "health"}),
    ("я на коляске с 20 лет, увидели меня в офисе и уволили на испытательном", {"disability"}),
    ("Старшая говорит «вам уже скоро на пенсию, и с вашим давлением курсы ни к чему»", {"age", "health"}),
    # round 10 (batch 10)
    ("Әкем Нигериядан. 10 жасыма дейін Лагоста өстім. Жігіттер терімнің түсін мазақтайды", {"race"}),  # an age as a time
    ("Біз кәсіподақ құрдық, «сенің кәсіподақтағы белсенділігің ұнамайды» деп курстан сызды", {"trade_union"}),
    ("12 jyl uide bala baghyp otyrdym, bastyq 'sen kop jyl uide otyrğan adamsyñ' dep kurstarğa jibermedi", {"social_status"}),
    ("Работаю в акимате, не повысили, потому что әкем сидел в тюрьме в 90-х", {"origin"}),  # the father's, not mine
    ("ákemniñ buryn sottalg'anyn bilip qoidy, ol 15 jyl buryn sottalğan, meni qoimashyğa auystyrdy", {"origin"}),
    ("Мен жалғыз әкемін, 6 жасар қызымды өзім бағамын, график сұрасам «ер адамға жеңілдік жоқ» деді", {"single_parent", "sex"}),
    ("директор сказала: «нам нужна казашка, и чтобы казахский был родной» — отказали", {"nationality", "language"}),
    ("Моя сестра устроилась к нашим конкурентам, и меня перевели на склад", {"other"}),
    ("я сама два раза лежала в больнице с почками, и мне сняли премию", {"health"}),
    ("Мен волонтер ретінде қоғамдық бірлестікте жүрмін, біз мүгедек балалары бар отбасыларға көмектесеміз, сол үшін ауыстырды", {"public_association"}),
    ("Мен ауылдан келгенмін, орысшам онша емес, менеджер «нормальный язык» деп күледі", {"language"}),  # the village explains
    ("«ауылдан келген екенсің ғой, орысша сөйлей алмайсың» деп алмады", {"residence", "language"}),  # the employer's reason
    ("Я раньше был заместителем акима района, теперь в управлении меня не пускают на совещания", {"official_status"}),
    # round 11 (batch 11)
    ("он алтыдамын, үлкен жігіттермен бірдей машина жуамын, бірақ маған аз төлейді", {"minor"}),  # «он алты» + «-дамын»
    ("биыл елу сегізге толдым, бастық «жастарға орын бер» деп шығарды", {"age"}),
    ("хабарландыруда талаптары тек ер азаматтар, жасы отыз беске дейін деп жазыпты, мен әйелмін", {"sex", "age"}),
    ("я на седьмом месяце, и заведующая перевела меня в другое отделение на другом конце города", {"pregnancy"}),
    ("начальник говорит что материальную ответственность голодранцу не доверишь", {"property_status"}),
    ("я в партии состою, не в той самой, и директор говорит что это проблема", {"public_association"}),
    ("Ауылдан келдім, кредитім бар, сынақта қауіпсіздік қызметі кредит тарихымды тексеріп шығарды", {"property_status"}),  # the village is background
    ("біздің мекемеде бастық только своих тащит, бәрі бір ауылдан бір рудан", {"origin"}),
    ("Smena bastyghy zeinetke shyqqanda meni usynady dep kúttim, biraq 'áiel adam basqara almaidy' dedi", {"sex"}),
    # round 12 (batch 12)
    ("спросила есть ли дети и планирую ли, я честно сказала что на 4 месяце, потом перезвонили: место занято", {"pregnancy"}),
    ("я медсестра, сейчас на 6 месяце, принесла справку про лёгкий труд, а старшая ставит в ночь", {"pregnancy"}),
    ("Men orys mektebin bitirgem, bastyq «aldymen qazaqsha durys so'ilep u'iren» deidi, kursqa jibermeidi", {"language"}),
    ("Директор сказал, что руководитель должен свободно говорить по-казахски, а я только понимаю, говорю плохо", {"language"}),
    ("Я менеджер по кредитам, освободилась должность начальника, но поставили девочку", set()),  # the job, not a debt
    ("инстаграмға билікті сынап видео салдым, директор «саясатқа араласатын адам керек емес» деп шығу туралы арыз жаздырды", {"beliefs"}),
    ("Прораб своим жүзден доплачивает, а нам платит меньше", {"origin"}),
    ("В марте вступил в профсоюз и начал собирать подписи насчёт переработок, теперь премию не дают", {"trade_union"}),
    # round 13 (batch 13)
    ("Кеңседегілерге тегін түскі ас береді, бізге, қарапайым жұмысшыларға, жоқ", {"official_status"}),  # «тегін» = free
    ("HR менің жастар қозғалысындағы белсенділігімді көріп алмады", {"public_association"}),
    ("Jalǵyz ózim 6 jasar qyzymdy ósirip jatyrmyn, basshy meni keshki 21:00-ge deiin qaldyrady", {"single_parent"}),
    ("15 jyl úide otyryp balalardy ósirdim, vakansiiada 'soñğy 1 jylda jumys istegender' dep tur", {"social_status"}),
    ("После аварии хожу с тростью, дали 2 группу, а кабинет на 4 этаже, лифта нет", {"disability"}),
    ("Біз екеуміз бір лауазымда, я и Ерлан. Годовую премию ему дали 200, мне 80, бастық «ты же женщина» деді", {"sex"}),
    ("Мен партияның мүшесімін, партия официально зарегистрирована, просто оппозиционная, и директор против", {"public_association"}),
    # round 14: "тегін" (free) is no origin, «ата-тегің», «әкең сотталған», "из одного ру", a former housewife,
    # "обслуга"/«техперсонал», a toddler called "малой", leaving an association, «қыз бала ... керек», «басқа ауданнансың»
    ("Кеңседегілерге тегін түскі ас береді, бізге «сендер техперсоналсыңдар» дейді", {"official_status"}),
    ("Директор «ата-тегің белгілі, әкең сотталған» деп бөлім меңгерушісі етіп тағайындамады", {"origin"}),
    ("повышение дали парню из одного ру с директором, хотя я опытнее", {"origin"}),
    ("двенадцать лет дома сидела с детьми, теперь на работе говорят что я отстала и ничего не умею", {"social_status"}),
    ("10 жыл үйде отырдым, енді жұмысқа шықтым, бастық сен ештеңе білмейсің деп күледі", {"social_status"}),
    ("бонус дали только менеджерам, а нам сказали: вы обслуга, вам не положено", {"official_status"}),
    ("на обучение не отправили, сказали: у тебя мелкому год и два месяца, всё равно на больничных", {"children_under_3"}),
    ("начальник требует выйти из общественного движения, иначе не продлит контракт", {"public_association"}),
    ("аға менеджер «қыз бала үнсіз жүруі керек» деп жиналыста сөз бермейді", {"sex"}),
    ("бастық «сен басқа ауданнансың» деп маған сменаны аз береді", {"residence"}),
    # round 15: the juz asked at an interview, migrants, men invited to prayer are no ground of sex, a maternity leave
    # imagined for a woman who will marry one day is her sex
    ("на собеседовании спросили из какого я жуза и больше не звонили", {"origin"}),
    ("бригадир сказал: вы мигранты, вам и так нормально платят, премии не будет", {"social_status"}),
    ("директор зовет всех мужчин на пятничный намаз, я не хожу, и меня теперь не замечают", {"religion"}),
    ("старшей назначили не меня: выйдешь замуж и уйдешь в декрет, сказал заведующий", {"sex"}),
    ("арбамен жүремін, сұхбатта HR кеңсе екінші қабатта деп бас тартты", {"disability"}),
    ("орысшам шала, бастық жиналыста сөзімді қайталап күледі", {"language"}),
    ("бастық «кешкі асқа бірге барайық, әйтпесе сыйақы жоқ» деп жазады", {"sex"}),
    # rounds 16-17: a former prisoner called so, a body-weight insult, a relative who sued the employer, "only
    # residents of X", «тек қыз бала», a denied reason («... екенімнен емес», "тут не причина"), «шала қазақ» is language
    ("мастер при всех: «ты же сидевший, за тобой глаз да глаз», и премию не дал", {"social_status"}),
    ("бригадир орёт «жирным тёткам на линии не место», а я всего лишь фасовщица", {"other"}),
    ("моя сестра судилась с фирмой за стаж, а теперь меня не берут в резерв", {"other"}),
    ("әкем былтыр зауытты сотқа берді, енді мені сменадан шығарып тастады", {"other"}),
    ("жарнамада «тек Ақтау тұрғындары» деп жазыпты, мен Жаңаөзеннен едім", {"residence"}),
    ("в объявлении: рассматриваем только жителей Кокшетау", {"residence"}),
    ("хабарландыруда «тек ер адамдар, бойы кемінде 175» деп жазылған", {"sex", "other"}),
    ("айлығымды кесті, бірақ мүгедек екенімнен емес, бәріне кесті", set()),
    ("я казашка, но национальность тут не причина, просто зп задерживают всем", set()),
    ("ты шала казах, говорит, и на планёрке слово не даёт", {"language"}),
    # round 18: fasting and prayer ("ифтар", "молись дома"), a ground said not to matter ("но это никак не влияет")
    ("попросила перерыв на ифтар, бригадир отказал", {"religion"}),
    ("мастер сказал: хочешь — молись дома, а тут работай", {"religion"}),
    ("у меня астма, но это никак не влияет на работу, а премию срезали всем", set()),
    # round 19: a disability pension, a colleague retiring, a fund for the elderly, a reform criticised are no
    # one's age; «N жасқа дейінгі бала» is the children's age; "оразу", Рамадан; a Latin "e" is "э" ("epilepsiya");
    # «қатардағы маман», «тек ... басшыларға»; «қай рудансың», «басқа жүзденмін»; «көлігің де ... жоқ»; «билікті сынайтын»
    ("получаю пенсию по инвалидности, а премию мне одной не выписали", {"disability"}),
    ("наш завхоз уходит на пенсию, его место отдали родственнику директора, а не мне, хотя я мусульманка и в платке", {"religion"}),
    ("работаю в центре, который помогает пожилым, меня перевели в архив после того как узнали про мою партию", {"public_association"}),
    ("3 жасқа дейінгі балалары бар әйелдерді алмаймыз деді кадр бөлімі", {"children_under_3", "sex"}),
    ("держу оразу, а начальник нарочно ставит обед на время разговения и штрафует", {"religion"}),
    ("posle pristupa epilepsii menya pereveli na sklad", {"health"}),
    ("сен қатардағы маман ғанасың деп маған сыйақы бермеді", {"official_status"}),
    ("жол ақысын тек бөлім басшыларына төлейді, бізге жоқ", {"official_status"}),
    ("әңгімелесуде бірінші сұрағы қай рудансың болды, сосын хабарласпады", {"origin"}),
    ("бастықтың бәрі бір жүзден, мен басқа жүзденмін, сондықтан өспеймін", {"origin"}),
    ("менеджер көлігің де пәтерің де жоқ деп басқалардың алдында күледі", {"property_status"}),
    ("фейсбукта билікті сынайтын посттарым үшін жұмыстан шығарды", {"beliefs"}),
    ("в объявлении: официант, парни до 25 лет", {"sex", "age"}),  # an ad's requirement names the sex
    # round 20: «қазақшам жақсы емес»; the boss's «60-қа толдың»; a rank-and-file operator; a car or a flat required;
    # "только тех, кто живёт в городе"; «сен оның туысысың»; "раз одна родила" is blame, not a baby
    ("орысшам жақсы емес, сол үшін бастық планеркада сөз бермейді", {"language"}),
    ("55-ке толдың, енді жастарға орын бер деді директор", {"age"}),
    ("я рядовой специалист, а премию дали только начальникам отделов", {"official_status"}),
    ("в вакансии курьера обязательно наличие личного автомобиля, а у меня его нет", {"property_status"}),
    ("старшим кассиром назначают только тех, кто живёт в городе, а я из пригорода", {"residence"}),
    ("жаңа бастық сен бұрынғы бастықтың жиенісің деп мені сменадан алып тастады", {"other"}),
    ("сына ращу одна, ему 8, начальница сказала: раз одна родила, работай в выходные", {"single_parent"}),
    # round 20b: «орысшаны нашар білесің»; a disability pension is not age; a child's sick leaves are no illness of the
    # worker; «көзқарасы өзгерді» is an attitude, not beliefs; a rural district's office is the employer; where the
    # worker is from, told at the start of a long story, is an introduction
    ("orysshany nashar bilesin dep zhumyska almady", {"language"}),
    ("мүгедекке бәрібір пенсия бар деп сыйақы бермеді бастық", {"disability"}),
    ("директор сказал: с малышом будешь вечно на больничных, и перевёл меня на склад", {"children_under_3"}),
    ("жүкті екенімді білген соң бастықтың маған көзқарасы өзгерді, сынақтан өтпедің деді", {"pregnancy"}),
    ("ауылдық округ әкімі аппаратында істеймін, жиналыста сайлауда басқа кандидатты қолдағаным үшін сөгіс берді", {"beliefs"}),
    # round 21: 'матерей-одиночек'; 'после химии'; "с животом" and «іші үлкен» are the pregnancy (not the sex);
    # «шіркеу»; «қазақша сөйле!», "слабый казахский"; an opinion written on Telegram
    ("в объявлении: отцов-одиночек не берём", {"single_parent"}),
    ("вышла после химии, а мне говорят пиши по собственному", {"health"}),
    ("на испытательном сказали, что с животом в зале работать нельзя", {"pregnancy"}),
    ("іші үлкен әйел сахнаға шықпасын деп мені кассадан алып тастады", {"pregnancy"}),
    ("жексенбі сайын шіркеуге барамын деп маған тек жексенбіге ауысым қояды", {"religion"}),
    ("бригадир на перерыве кричит: қазақша сөйле, а я говорю с женой по-корейски", {"language"}),
    ("у тебя слабый казахский, сказала HR и не взяла меня", {"language"}),
    ("телеграмда жалақы туралы ашық пікір жазғаным үшін премиядан қағып тастады", {"beliefs"}),
    ("хабарландыруда: 30-ға дейінгі жігіттерді ғана аламыз", {"age", "sex"}),
    ("менеджер тек кешкі 11-ге дейінгі ауысымға қояды, баламды емізуге үзіліс бермейді", {"children_under_3"}),
    # round 22: «босанып кел» is after the birth (the pregnancy); «кәріс ұлтынанмын» is no place; «қантың бар»
    # (diabetes); «тұрмысқа шыққаным», «күйеуі бар күтуші» (marital status)
    ("жүктімін дегенде, босанып келгесін хабарлас деп жұмысқа алмады", {"pregnancy"}),
    ("мен ұйғыр ұлтынанмын, бастық ұйғырларды бөлім басшысы қылмаймын деді", {"nationality"}),
    ("сенің қантың бар, түнгі ауысымда істей алмайсың деп кестемді өзгертті", {"health"}),
    ("тұрмысқа шыққанымды естіп, күйеуі бар күтуші бізге керек емес деді үй иесі", {"other"}),
    ("Сәлеметсіз бе. Мен Павлодарданмын, 41 жастамын, екі балам бар, 6 жыл дүкенде сатушы болып істедім. Кассада "
     "ақша жетпей қалды деп, тексеру жүргізбей, түсініктеме де сұрамай жұмыстан шығарды. Бұл заңды ма?", set()),
    # no ground
    ("бір лауазымдағы әріптесіме көбірек төлейді, себебін айтпайды", set()),
    ("продлили испытательный срок без объяснений", set()),
    # round 23 (batch 23)
    ("әкімдікте бас маманмын, фейсбуктағы парақшама жол жөндеу туралы сын пост жаздым, бастық сол үшін ескерту берді", {"beliefs"}),
    ("хозяйка көзің қысық деп мазақтап, жұмыстан шығарды", {"race"}),
    ("отадан кейін еңбекке жарамсыздық парағым бар еді, «ауыра беретін адам бізге керек емес» деп шығарды", {"health"}),
    ("плюс китайский білмейсіңдер деп айлықты аз береді", {"language"}),
    ("кадр бөліміндегі әйел тіркеуіңіз Астанада емес деп алмады", {"residence"}),
    ("мектепті қазақ сыныбында бітіргенмін, «ты не знаешь русский» деп шығарды", {"language"}),
    ("Atyraudagy zauytta inzhenermin, ayelimnen ajyrasqanmyn. Bastyq «ayel adamnan prorab shyqpaidy» dep ornyma jigitti qoidy", {"sex"}),
    ("әйелімнен ажырасқаннан кейін ұлымды жалғыз өзім тәрбиелеп жүрмін, бастық сол үшін курсқа жібермеді", {"single_parent"}),
    ("Sälem! Qazir 5 ailyq jüktimin, direktor bonusymdy bermei qoidy, men jarnama agenttiginde dizainermin", {"pregnancy"}),
    # round 24 (batch 24)
    ("бөлімде бәрі бастықтың ру ағайындары, курсқа тек өз руластарын жібереді", {"origin"}),
    ("Не взяли водителем на грузовик: женщину, да ещё с годовалым ребёнком, за руль не посадим", {"children_under_3", "sex"}),
    ("menedzher skazala 's tvoim zhivotom gostei vstrechat ne goditsya' i perevela menya v prachechnuyu", {"pregnancy"}),
    ("Папа у меня из Судана, кожа у меня тёмная, и на ресепшн меня не взяли", {"race"}),
    ("Жүкті екенімді айтқан соң бас дәрігер мені хирургиядан тіркеу бөліміне ауыстырды", {"pregnancy"}),
    ("Менгеруши «еркек адам кишкентай балалармен жумыс истемейди» деп алмады", {"sex"}),
    ("57-demın, qant diabetım bar, direktor «jasy ülkender qysqarady» deidi", {"age", "health"}),
    ("у меня гипертония, директор сказал «қан қысымың бар» и уволил", {"health"}),
    # round 25 (batch 25)
    ("Цех бастығының орны бос қалды, директор «цехты басқаруға мұрты бар адам керек» деп жігітті тағайындады", {"sex"}),
    ("Төрт балам бар. Бастық «көп балалы ана бәрібір жиі сұранып кетеді» деп сыйлықақыдан мені шығарып тастайды", {"other"}),
    ("жылдык сыйлыкты тек кенседегилерге берди, сурасам «сендер жай курьерсиндер» дейди", {"official_status"}),
    ("Эпилепсиям бар, мүгедектік тобым жоқ. Бастық соны біліп мені тек түнгі ауысымдарға жазады", {"health"}),
    ("бастык «сен киши жуздин баласысын, онын устине Актаудан келгенсин» деп котермейди", {"origin", "residence"}),
    ("vakansiyada 'ulty qazaq, jasy 30-ga deiin' dep jazylgan. men 34 jastagy tatarmyn", {"age", "nationality"}),
    ("Маған 61 жас. Директор «жасың келген, оның үстіне қан қысымың бар» деп сынақтан өтпедің деді", {"age", "health"}),
    ("kasipodak toragasymyn. jalakynyn keshigui turaly facebookta pikirimdi jazdym, meni jumystan shygardy", {"beliefs", "trade_union"}),
    ("Я в общественном объединении многодетных мам. Начальница сказала «выходи из своего объединения» и перевела меня в архив", {"public_association"}),
    ("шебер «сен биржадан келгенсің» деп маған басқалардан аз жазады", {"social_status"}),
    # a marriage just made, given as the reason ("вышла замуж ... в декрет уйдёте" is no return from a leave)
    ("я не беременна, но меня не взяли, потому что недавно вышла замуж: «скоро в декрет уйдёте»", {"other"}),
    ("Тұрмысқа шықтым деп едім, қожайын «күйеуі бар күтуші бізге керек емес» деп шығарды", {"other"}),
    # «сен X-дан келдің»: the place the employer holds against the worker; a relative's illness named after the word
    ("сынақтан өтпедің деді, директор «сен Жамбылдан келдің ғой, бізде өз адамдарымыз бар» деді", {"residence"}),
    ("кредит брала на операцию папе, из-за просрочки в кредитной истории не взяли", {"property_status"}),
    ("Химиядан кейін директор «сен жиі ауырасың» деп сағаттарымды азайтты. Үйде қарт анам бар", {"health"}),
]


@pytest.mark.parametrize(("text", "grounds"), GROUND_CASES)
def test_grounds(text: str, grounds: set[str]) -> None:
    assert set(_x(text).grounds) == grounds


@pytest.mark.parametrize("text", [
    "Жүкті болғаным үшін жұмыстан шығарды",  # Cyrillic with the Kazakh letters
    "Жукти болганым ушин жумыстан шыгарды",  # without them
    "jükti bolğanym üşin jūmystan şyğardy",  # Latin (2021)
    "jukti bolganym ushin jumystan shygardy",  # Latin, plain keyboard
    "ЖҮКТІ БОЛҒАНЫМ ҮШІН ЖҰМЫСТАН ШЫҒАРДЫ!!!",  # capitals and noise
    "Жүкті болғаным үшін уволили",  # mixed
])
def test_one_kazakh_situation_in_every_spelling(text: str) -> None:
    s = _x(text)
    assert (s.grounds, s.stage) == (("pregnancy",), "dismissal")


# Latin Kazakh writes «ң» as "ng" ("kelgensing", "myng", "erkingmen") and «әйел» as "ayel": read as the Cyrillic.
LATIN_NG_CASES: list[tuple[str, list[str]]] = [
    ("Директор «саяси көзқарасыңды жұмысқа араластырма, өз еркіңмен арыз жаз» деді, жазбасаң себеп табамыз дейді",
     ["Direktor «sayasi kozqarasyngdy jumysqa aralastyrma, oz erkingmen aryz jaz» dedi, jazbasang sebep tabamyz deidi", "Direktor «saiasi kozkarasingdi jumiska aralastirma, oz erkingmen ariz jaz» dedi, jazbasang sebep tabamiz deydi"]),
    ("Шебер «сен біржадан келгенсің» деп маған 30 мың аз жазады, басқалармен бірдей жұмыс істеймін",
     ["Sheber «sen birjadan kelgensing» dep magan 30 myng az jazady, basqalarmen birdei jumys isteimin"]),
    ("Бастық жиналыста әйелдер туралы былапыт әзіл айтады, «әйелдің орны ас үйде» деп мені ұялтады",
     ["Bastyk jinalista ayelder turaly bylapyt azil aitady, «ayeldin orny as uide» dep meni uyaltady"]),
]


@pytest.mark.parametrize(("cyrillic", "latin"), LATIN_NG_CASES)
def test_latin_kazakh_reads_as_the_cyrillic(cyrillic: str, latin: list[str]) -> None:
    expected = _x(cyrillic)
    assert expected.grounds and expected.stage
    for text in latin:
        s = _x(text)
        assert (s.grounds, s.stage) == (expected.grounds, expected.stage), text


@pytest.mark.parametrize("word", ["trening", "treningke", "marketing", "dengi", "angliyskiy", "kholding", "mengerushi", "engizdi"])
def test_an_ng_that_is_not_the_kazakh_letter_stays(word: str) -> None:
    # loanwords in -ing, Russian "dengi", «меңгеруші» with "n" for «ң»: the same form as the Cyrillic spelling
    cyrillic = {"trening": "тренинг", "treningke": "тренингке", "marketing": "маркетинг", "dengi": "деньги",
                "angliyskiy": "английский", "kholding": "холдинг", "mengerushi": "меңгеруші", "engizdi": "енгізді"}[word]
    assert situation._norm_word(word) == situation._norm_word(cyrillic)


@pytest.mark.parametrize("text", [
    "Меня не взяли на работу из-за возраста",
    "меня не взяли на работу изза возраста",
    "menya ne vzyali na rabotu iz-za vozrasta",
    "МЕНЯ НЕ ВЗЯЛИ НА РАБОТУ ИЗ-ЗА ВОЗРАСТА",
])
def test_one_russian_situation_in_every_spelling(text: str) -> None:
    s = _x(text)
    assert (s.grounds, s.stage) == (("age",), "hiring")


# --------------------------------------------------------------------------------------------------
# Stages

STAGE_CASES: list[tuple[str, str | None]] = [
    ("в вакансии указано «только славянская внешность»", "job_ad"),
    ("Хабарландыруда «тек қазақ ұлтынан» деп жазылған", "job_ad"),
    ("v vakansii napisano tolko do 30 let", "job_ad"),
    ("на собеседовании сказали, что женщин не берут", "hiring"),
    ("Менің руым басқа деп жұмысқа алмады", "hiring"),
    ("сухбатта жасымды сурап, кейин алмады", "hiring"),
    ("меня лишили премии за то что я не пошла голосовать", "pay"),
    ("Мұсылман болғаным үшін жалақымды азайтты", "pay"),
    ("ИП, 3 человека, хозяин не платит зарплату уже 2 месяца", "pay"),
    ("Я уйгур, бригадир ставит мне только ночные смены", "conditions"),
    ("Мүгедектігім бар, пандус жоқ, бастық жағдай жасамайды", "conditions"),
    ("qazaqsha sóileseńder aiyppūl salamyn dedi bastyq", "conditions"),
    ("на стажировку за границей отправили только мужчин", "promotion_training"),
    ("Көзім көрмейді, мүгедекпін, бірақ мені лауазымға көтермейді", "promotion_training"),
    ("Шетелдегі оқуға тек ер адамдарды жібереді", "promotion_training"),
    ("Руководитель сказал, что верующих в команде не потерпит, и перевёл меня в другой отдел", "transfer"),
    ("Саяси пікірім үшін мені басқа филиалға ауыстырды", "transfer"),
    ("Мне 60, заставляют писать заявление по собственному", "dismissal"),
    ("начальник требует, чтобы я сняла хиджаб, иначе не продлит договор", "dismissal"),
    ("Орамалымды шешпесем, шартты ұзартпаймын дейді", "dismissal"),
    ("Жасым 55-те, бастық «жастарға орын бер» деп жұмыстан кетуімді талап етіп жатыр", "dismissal"),
    ("коллеги не разговаривают со мной после того как узнали что у меня гепатит", "harassment"),
    ("Христианмын деп әріптестерім мазақтайды", "harassment"),
    ("мне продлили испытательный срок ещё на 2 месяца", "probation"),
    ("сынақ мерзімінде мені ауылдансың деп шығарып жіберді", "probation"),
    ("на испытательном сроке уволили, когда узнали что я беременна", "probation"),
    ("у меня инвалидность, а зарплату так и не подняли", "pay"),
    # round 7
    ("хозяйка узнала про беременность и сказала, что договор продлевать не будет", "dismissal"),
    ("новый начальник узнал про отца и через неделю меня с кассы убрали на склад грузчиком", "transfer"),
    ("Орамал тағып жүргенім үшін директор мені сабақтан алып, кітапханаға жіберді", "transfer"),
    ("Офисте қазақша сөйлесем бастық бақырады, басқа қызметкерлер күліп жүреді", "harassment"),
    ("Санитарларға асханаға кіруге болмайды, киім ауыстыратын бөлме де бөлек, суық", "conditions"),
    # round 14: "устраиваться", «не аламыз», a training course, an offer to be a foreman withdrawn,
    # amounts paid («маған 3000 ғана берді»), «көтердім» (I lifted), days off changed
    ("ходил вчера на склад устраиваться, охранник сказал что с бородой не пропустят", "hiring"),
    ("тіркеуің жоқ болса не аламыз деді кадровичка", "hiring"),
    ("бізде екі апталық оқу курсы бар, мені жібермеді", "promotion_training"),
    ("маған аға сатушы болуға ұсыныс түскен, кейін бастық ұсынысын кері алды", "promotion_training"),
    ("әріптесіме күніне 9000 береді, маған 5000 ғана береді, жұмысымыз бірдей", "pay"),
    ("жәшікті мен де көтердім, бірақ бастық «сен әлсізсің» деп мазақтайды", "harassment"),
    ("бастық менің демалыс күндерімді ауыстырып тастайды, басқаларға тимейді", "conditions"),
    # round 15: a threat ("не нравится — увольняйся") is no dismissal, a request for a transfer is none,
    # "найди себе замену", work until late at night
    ("прошу не ставить меня на вечерние смены, сын маленький, а мастер: не нравится пиши заявление", "conditions"),
    ("попросила перевести меня в кабинет внизу, лифта нет, отказали", "conditions"),
    ("хозяйка узнала про мою болезнь и велела искать себе замену до пятницы", "dismissal"),
    ("в 15 лет заставляют работать до 12 ночи в кафе", "conditions"),
    ("намаз оқитынымды білген соң мені залдан алып қоймаға ауыстырып тастады", "transfer"),
    ("тіркеуім жоқ, аспазшы болып жұмысқа тұруға бардым, сен бізге сай емессің деді", "hiring"),
    ("бастық не постыңды өшір, не арыз жаз деді", "dismissal"),
    ("он алтыдамын, бізді күніне 12 сағаттан істетеді", "conditions"),
    ("меңгеруші қолымнан ұстап, кабинетке шақыра береді", "harassment"),
    # replacing a document is no transfer
    ("паспортымды ауыстырдым, енді кадр бөлімі жаңа құжат сұрайды", None),
    ("ертең ХҚКО-да жүргізуші куәлігімді ауыстырамын", None),
    ("попросила старшую медсестру не ставить меня в ночные, сын один дома", "conditions"),
    ("17 жастамын, «ұнамаса кет» дейді, күніне 12 сағат демалыссыз істетеді", "conditions"),
    ("Мені ұсынды, бірақ директор менен кейін келген жігітті қойды", "promotion_training"),
    ("У девочек крестики никто не трогает, а мне запретили носить платок на работе", "conditions"),
    # rounds 16-17: short words ("испыталка", "собес", "объява", "стебёт"), «... шешпесең кет» a condition, not a dismissal,
    # kept off the till («кассаға жолатпайды»), «басқаруға әлі ерте», "меня рассчитали" (paid off: dismissed)
    ("испыталку мне продлили второй раз, без объяснений", "probation"),
    ("на собесе спросили, есть ли у меня машина", "hiring"),
    ("мы не собес, говорит директор, и не даёт мне перерыв", "conditions"),
    ("в объяве на сайте написано: только до 35 лет", "job_ad"),
    ("старший смены стебёт меня за акцент", "harassment"),
    ("сұхбатта «хиджабыңды шешсең аламыз, шешпесең кет» деді", "hiring"),
    ("бастық мені кассаға жолатпайды, тек қойма тазалатады", "conditions"),
    ("24 жастамын, директор «бөлімді басқаруға әлі ерте» деді", "promotion_training"),
    ("в пятницу меня рассчитали, без объяснений", "dismissal"),
    ("бригадир айтты: саған тек ночные, өзгелерге күндізгі", "conditions"),
    # round 19: a threat to dismiss is pressure (harassment), not a dismissal; a fine threatening the employer is
    # no threat to the worker; wanting to quit is no dismissal
    ("прораб грозится уволить, если пойду в инспекцию", "harassment"),
    ("после жалобы угрожают увольнением по статье", "harassment"),
    ("кәсіподаққа кірсең жұмыстан шығарамын деп қорқытып жүр бастық", "harassment"),
    ("шашыңды қысқартпасаң басқа жұмыс ізде деді менеджер", "harassment"),
    ("бастық күнде ұрсады, жұмыстан кеткім келеді", "harassment"),
    ("работодателю грозит штраф за увольнение беременной?", "dismissal"),
    ("меня уволили, теперь грозятся не отдать расчёт", "dismissal"),
    # round 21: a dismissal feared, hinted or offered as the alternative is no dismissal; a trimmed beard is no
    # cut post; went to apply for a vacancy is the hiring
    ("коллегу при всех обзывают, а она молчит, боится что выгонят", "harassment"),
    ("бригадир намекает, что если не выйду из профсоюза, договор не продлят, и при всех унижает", "harassment"),
    ("перевели на склад, сказали или так, или увольнение", "transfer"),
    ("сақалымды ұқыпты қысқартып жүремін, бірақ менеджер мені қоймаға ауыстырды", "transfer"),
    ("логист вакансиясына барсам, HR қазақ емессің деп алмады", "hiring"),
    ("пошёл устраиваться сварщиком, а в вакансии про возраст ничего не было, но сказали старый", "hiring"),
    ("кәсіподаққа кірмегенім үшін мені қысқартып жүр", "dismissal"),
    # round 18: a contract not extended with words between, «контрактымды созбады», a resignation letter demanded,
    # «жұмыстан айырылуға болмайды» is a fear, not a dismissal; applied for a vacancy; lifting loads is no promotion;
    # an appointment is no hiring refusal; insulted in front of patients
    ("контракт на новый учебный год со мной не продлят, сказала завуч", "dismissal"),
    ("бастық контрактымды созбады, себебін айтпады", "dismissal"),
    ("қожайын ертеңге дейін арыз жазуымды талап етті", "dismissal"),
    ("несием бар, жұмыстан айырылуға болмайды, бірақ бастық мені басқа цехқа ауыстырды", "transfer"),
    ("пошла на вакансию кассира, а там сказали что с ребенком не подхожу", "hiring"),
    ("вакансияда «жүк көтеру жоқ, тек ер адам» деп тұр", "job_ad"),
    ("конкурста бірінші болдым, бірақ бөлім басшысы етіп тағайындамады", "promotion_training"),
    ("заведующая при пациентах говорит, что я тупая", "harassment"),
    # round 8
    ("58 жастасыз деп өз еркімен кетемін деген арызға қол қойғызды", "dismissal"),  # not «орын босатыңыз» = a vacancy
    ("Фармацевт орнына әңгімелесуге бардым, «орамалыңды шешсең ал» деді", "hiring"),
    ("менеджер біліп қойып, аккаунтымды өшіріп, ертеннен шықпа деді", "dismissal"),
    ("pozavchera menya prosto udalili iz prilozheniya bez obyasneniya", "dismissal"),
    ("договор 1 мая заканчивается и продлевать не будут", "dismissal"),
    ("заведующая сказала, что в сентябре договор со мной не продлят", "dismissal"),
    ("Освободилось место завуча, директор поставил своего родственника", "promotion_training"),
    ("в платке на работу приходить больше нельзя, сказала хозяйка", "conditions"),
    ("бывший алименты не платит, попросила не ставить меня в ночные, отказали", "conditions"),  # not a pay story
    ("лифт жоқ, «шамаң келмесе кет» деді, жігіттер мені көтеріп апарады", "conditions"),
    ("была на собеседовании в отель на ресепшн, менеджер сказал: не подходите", "hiring"),  # applying, not moved
    # round 9
    ("устроилась помощником кондитера, исп срок 2 месяца, бригадирша проверяет сумку", "probation"),
    ("Теперь меня сняли с менеджера по продажам и посадили на склад, оклад тот же", "transfer"),
    ("вышла из декрета, мне теперь ставят только ночные и выходные, просила днём — отказали", "conditions"),
    ("Хозяйка ставит меня в ночь на приёмку с 11 вечера до 6 утра", "conditions"),
    ("Водитель вакансиясына барып ем, «бізге еркек керек» деп күлді", "hiring"),
    ("Инстаграмда бір компания администратор іздеп жатыр, талабында «родной русский язык» деп тұр", "job_ad"),
    ("Начальник отдела кетерде орнына мені рекомендовал, бірақ директор басқа адамды қойды", "promotion_training"),
    ("Жергілікті қыздарға 180 береді, бізге 130", "pay"),
    # round 10
    ("мені дүйсенбіден бастап басқа дүкенге перевод жасады, зарплата сол қалпы", "transfer"),  # unchanged pay is no pay story
    ("Теперь меня с 1 сентября переводят из терапии в приёмный покой на ночные смены", "transfer"),
    ("«Ерекше жағдай жасамаймыз, басқалар сияқты келесің, болмаса кет» деді, лифт жоқ", "conditions"),
    ("Мұнай компаниясы операторға вакансия шығарыпты, талабында «тек ер адамдар» деп жазылған", "job_ad"),
    ("Освободилось место супервайзера, я попросился, а директор сказал: «у тебя машины нет»", "promotion_training"),
    ("Открылась позиция начальника смены, я подала заявку, руководитель сказал, что в платке нельзя", "promotion_training"),
    ("Жігіттер мазақтайды, бригадир «әзілдейді ғой, көтер» деді", "harassment"),  # «көтер» = bear it
    # round 11
    ("Бір құрылысқа прораб болып барсам, бастық паспортымды көріп тіркеуің жоқ деді", "hiring"),
    ("емханаға тіркеуші болып құжат тапсырып едім, бас дәрігер күліп қайтарды", "hiring"),
    ("декреттен шықтым, қызымды бақшаға алмайды, кезек жоқ, енді бастық мені түнгі ауысымға қойды", "conditions"),
    ("председателем выбрали, и через неделю с экскаватора сняли и на подсобку", "transfer"),
    ("работаем с напарницей вдвоём, смены одинаковые, а у неё 180 а у меня 140", "pay"),
    ("старшим должны были меня поставить, а начальник говорит не доверишь", "promotion_training"),
    ("вышла из декрета, а менеджер говорит что место твоё уже занято", "dismissal"),
    ("элеваторға таразышы керек деп хабарландыру іліпті, «қап көтермейсің» деп жазыпты", "job_ad"),
    ("сайттан көрдім, талаптарда міндетті түрде Алматы қаласының тіркеуі деп тұр", "job_ad"),
    # round 12
    ("на работе узнали что у меня ВИЧ, меня сразу убрали с кухни на склад коробки таскать", "transfer"),
    ("директор шақырып, шығу туралы арыз жаздырды", "dismissal"),
    # round 13
    ("5 айлық жүктімін, супервайзер маған үзілісті қысқартты", "conditions"),  # a break shortened, not a post
    ("Мне 16, хозяин ставит меня на 12 часов без выходных, уйти пораньше не даёт", "conditions"),
    ("Хотел поступить на службу в полицию, все нормативы сдал, кадровик отказал из-за отца", "hiring"),
    ("Заведующая сказала что в платке на приём больше нельзя", "conditions"),
    # round 23: an order «қызметіне аударды», «әйтпесе ...» is a threat, a feared dismissal, «жарнама агенттігі»
    ("Ulym tuganda dekretke shyktym. Kelsem direktor meni karapaiym agent kyzmetine audardy", "transfer"),
    ("бастық «ол ұйымнан шық, әйтпесе келісімшартыңды ұзартпаймыз» деді", "harassment"),
    ("2 айлық жүктімін, бастыққа айтсам шығарып жібере ме деп қорқамын", None),
    ("кәсіподақ құрғымыз келеді, бірақ бастық біліп қойса бәрімізді жұмыстан шығарады деп қорқамыз", None),
    ("men partiya mushesimin, bastyq bilse shygaryp jiberui mumkin be?", None),
    ("Sälem! Men jarnama agenttiginde dizainermin, jüktimin dep aitqannan keiin bonusymdy bermei qoidy", "pay"),
    # round 24: if-then threats, a dismissal feared, a forced resignation, the worker's own courses
    ("жукти болып калдым, бастыкка айтуга коркамын, шыгарып жибереди ме деп", None),
    ("бастық түнгі ауысымға қойып жатыр, отказ берсең увольняю дейді", "conditions"),
    ("салмагым 110 кило, бастык бир айда арыктамасан шыгарамын деди", "harassment"),
    ("кадровик «профсоюзыңды таратпасаң, сені сокращение етеміз» деді", "harassment"),
    ("«өз еркіңізбен арыз жазыңыз» деді, жазбасаңыз бәрібір қысқартамыз деді. Амалым қалмай, жаздым", "dismissal"),
    ("direktor pri vseh nazyvaet menya 'smutyanom' i grozitsya ne prodlit kontrakt", "harassment"),
    ("Начальник сказал, что я простой оператор и кондиционер мне не положен", "conditions"),
    ("Мне 63, скоро пенсия. Боюсь, что сразу после этого сократят", None),
    ("postavil menya tolko v nochnye smeny: ili rabotai kak vse, ili ishi druguyu rabotu", "conditions"),
    ("po-kazahski govoryu ploho, hozhu na kursy, a premiyu vsem dali, mne net", "pay"),
    # round 25: a bare «кемсітеді» tells no stage; shouting; shifts; a demotion; half the pay; a resignation demanded
    ("еки баламды жалгыз осирип отырмын. бастык жексенби сайын кезекшиликке тек мени кояды", "conditions"),
    ("juma kúni namazǵa baram. Bastyq 'meshitke barsań, ózińe basqa jumys izde' dedi", "harassment"),
    ("Жұмыста мені ұлтым үшін кемсітеді, мен дүнгенмін. Қайда барамын?", None),
    ("Бастық каждый день бәрімізге айқайлайды, матерится етеді", "harassment"),
    ("«кәсіподақтан шықпасаң, келесі қысқартуда бірінші сен кетесің» деп қорқытты. Әзірге ешкім шығарған жоқ", "harassment"),
    ("Keñsege kelgenımde arbany körıp 'oryn tolyp qaldy' dedı, al vakansiia äli saityında tūr", "hiring"),
    ("Күйеуім сотталған. Директор мені бас бухгалтер орнынан обычный бухгалтерге түсірді", "transfer"),
    ("администратор «покупатели пугаются» деп мені кіреберістен алып, складқа разгрузкаға жіберді", "transfer"),
    ("қожайын «кәмелетке толмағансың» деп уәде еткен ақшаның жартысын ғана береді", "pay"),
    ("бас медбике «арызыңды жаз» деді, жазбасаң бір бапты тауып шығарамыз дейді", "dismissal"),
    ("Бас аспаз «сен ұйғырсың» деп барлығының алдында кемсітіп, атымды атамайды", "harassment"),
    # shouting and swearing in any word order; a contract not extended; "don't come any more"; my place given away
    ("Коллектив нормальный, бірақ директор бәрімізге матерится, орет", "harassment"),
    ("Старший кассир на всех орёт, на меня тоже", "harassment"),
    ("Кадрлар бөлімі еңбек шартың ұзартылмайды деп хабарлады", "dismissal"),
    ("Фермер «саған ауыр» деп, енді келме деді", "dismissal"),
    ("бастық «сөзге келме» деп ең ауыр жұмысты маған береді", "conditions"),
    ("Вышла из декрета, а на моё место уже взяли другую", "dismissal"),
    ("Ауруханадан шықсам, орныма басқа жігітті алыпты", "dismissal"),
]


@pytest.mark.parametrize(("text", "stage"), STAGE_CASES)
def test_stages(text: str, stage: str | None) -> None:
    assert _x(text).stage == stage


def test_a_dismissal_that_did_not_happen_is_not_the_stage() -> None:
    assert _x("меня не уволили, а перевели на склад").stage == "transfer"
    assert _x("жұмыстан шығарған жоқ, басқа бөлімге ауыстырды").stage == "transfer"
    assert _x("меня уволили, а не перевели").stage == "dismissal"


def test_the_decisive_moment_wins() -> None:
    # The hiring years ago and the pay are background: the story is a dismissal.
    assert _x("Меня взяли на работу 5 лет назад после собеседования, зарплата была хорошая, а вчера уволили").stage == "dismissal"
    # A transfer that cut the pay is a transfer.
    assert _x("перевели на склад, зарплата там на 50 тысяч меньше").stage == "transfer"
    # A threat of dismissal does not outweigh what actually happened.
    assert _x("офис без пандуса, а за опоздания грозятся уволить").stage == "conditions"
    # «басқара алмайды» is "cannot manage", not "did not hire".
    assert _x("Директор «әйел адам бөлімді басқара алмайды» деп, бөлім басшылығына ер адамды тағайындады").stage == "promotion_training"


# --------------------------------------------------------------------------------------------------
# Negation and corrections


@pytest.mark.parametrize(("text", "grounds", "negated"), [
    ("нет, не беременна, у меня ребёнок 2 года", ("children_under_3",), ("pregnancy",)),
    ("нет, я не беременна, просто у меня сын 2 лет", ("children_under_3",), ("pregnancy",)),
    ("я не в положении, это ошибка", (), ("pregnancy",)),
    ("жоқ, мен жүкті емеспін, баламды жалғыз тәрбиелеймін", ("single_parent",), ("pregnancy",)),
    ("zhok, men zhukti emespin", (), ("pregnancy",)),
    ("я не инвалид, но меня всё равно не берут из-за хромоты", ("disability",), ()),  # a limp is a physical disability
    ("нет, я не инвалид", (), ("disability",)),
    ("Мен кәсіподақ мүшесі емеспін, бірақ жиналысқа барғаным үшін айыппұл салды", (), ("trade_union",)),
    ("я не состою в профсоюзе", (), ("trade_union",)),
    # A denied reason, for any ground (a nationality too): the worker corrects what the bot understood.
    ("жоқ, ауруым үшін емес, жасым үшін шығарды", ("age",), ("health",)),
    ("не из-за возраста, а из-за того что я казах", ("nationality",), ("age",)),
    ("уволили не из-за национальности, а из-за беременности", ("pregnancy",), ("nationality",)),
    # The ground in the locative before a bare «емес» ("it is not in my age"), no cue of its own.
    ("Жоқ, жасымда емес, 41-ге жаңа толдым ғой, ол негізі диабетім үшін шығарды", ("health",), ("age",)),
    ("jasymda emes, diabetim ushin shygardy", ("health",), ("age",)),
    ("бірақ мәселе тілде емес, хиджаб таққаным үшін шығарды", ("religion",), ("language",)),
    ("ұлтымда емес, кәсіподаққа кіргенім үшін қысқартты", ("trade_union",), ("nationality",)),
    ("жасымда емеспін", (), ()),  # not a bare «емес»: no denial read
])
def test_negation_and_correction(text: str, grounds: tuple[str, ...], negated: tuple[str, ...]) -> None:
    s = _x(text)
    assert (s.grounds, s.negated) == (grounds, negated)


@pytest.mark.parametrize("text", [
    "профсоюзных не берём, сказали мне",  # "не" belongs to the verb
    "в объявлении: «не планировать декрет ближайшие 2 года»",  # planning a leave is not a denial
    "не взяли на работу, потому что беременна",
    "ultym qazaq emes dep almady",  # «емес» after a nationality is the ground itself
])
def test_a_nearby_not_is_not_a_denial(text: str) -> None:
    s = _x(text)
    assert s.negated == () and s.grounds, s


def test_nationality_is_not_negatable() -> None:
    assert _x("ultym qazaq emes dep jumysqa almady").grounds == ("nationality",)


# --------------------------------------------------------------------------------------------------
# Language at work vs a request to switch the bot's language


@pytest.mark.parametrize("text", [
    "ответь на казахском", "можно по-русски?", "говори на казахском пожалуйста", "маған қазақша жауап беріңізші",
    "орысша жаз", "qazaqsha jaz", "переключи на русский язык", "смени язык", "на казахском языке можно?",
    "можешь ответить на казахском? я плохо понимаю по-русски", "можно отвечать по-казахски, я плохо читаю по-русски",
])
def test_a_language_request_is_no_ground(text: str) -> None:
    assert _x(text).grounds == ()


@pytest.mark.parametrize("text", [
    "қазақша сөйлесеңдер айыппұл саламын дейді бастық",
    "qazaqsha soileseñder aiyppul salamyn deidi bastyq",
    "казакша сойлесендер айыппул саламын дейди бастык",
    "начальник запретил нам говорить по-казахски в цеху",
    "не взяли, потому что не знаю государственный язык",
    "коллеги смеются над моим акцентом",
])
def test_language_at_work_is_a_ground(text: str) -> None:
    assert "language" in _x(text).grounds


def test_speaking_a_language_well_is_no_ground() -> None:
    assert "language" not in _x("по-казахски говорю лучше многих, но перевели на склад").grounds


@pytest.mark.parametrize(("text", "grounds"), [
    ("в вакансии «только славяне», я уйгурка, по-русски говорю отлично, это законно?", {"nationality"}),
    ("свободно говорю по-казахски, но в объявлении «только славяне», а я казах", {"nationality"}),
    ("меня травят за то что я русский", {"nationality"}),
    # a lack beside it, a requirement, a denial: still the language
    ("по-казахски говорю свободно а по-русски плохо, поэтому не взяли", {"language"}),
    ("директор сказал, что начальник должен свободно говорить по-казахски, а я говорю плохо, не повысили", {"language"}),
    ("по-казахски говорю не очень хорошо, за это сняли премию", {"language"}),
    ("Қытайдан келген қандаспын, қазақша еркін сөйлеймін, бірақ орысша білмеймін деп аз төлейді", {"origin", "language"}),
])
def test_speaking_well_beside_a_nationality_or_a_lack(text: str, grounds: set[str]) -> None:
    assert set(_x(text).grounds) == grounds


# --------------------------------------------------------------------------------------------------
# Employer kind and size


@pytest.mark.parametrize(("text", "kind", "size"), [
    ("у нас 5 человек", "micro", 5),
    ("бізде 7 адам ғана жұмыс істейді", "micro", 7),
    ("ИП, 4 человека", "micro", 4),
    ("Я продавец у ИП, нас 6 человек", "micro", 6),
    ("біз ЖШС, он бір адам ғана істейміз", "micro", 11),
    ("работаю в ТОО, нас пятнадцать человек", "micro", 15),
    ("в компании 16 человек", "other", 16),
    ("у нас в компании работает около 300 человек", "other", 300),
    ("у нас в фирме человек 40 работает", "other", 40),
    ("мы небольшая НКО, 9 сотрудников", "ngo_small", 9),
    ("біздің ұйым шағын ҮЕҰ, 8 адам ғана", "ngo_small", 8),
    ("общественный фонд, нас 30 человек", "other", 30),
    ("Работаю домработницей у частного лица", "domestic", None),
    ("няней в семье работаю три года", "domestic", None),
    ("Мен бір отбасында үй жұмыскерімін", "domestic", None),
    ("Я госслужащий", "civil_service", None),
    ("работаю в акимате района специалистом", "civil_service", None),
    ("Мемлекеттік қызметшімін", "civil_service", None),
    ("әкімдікте істеймін", "civil_service", None),
    ("работаю на заводе сварщиком", "other", None),
    ("кассир в сетевом супермаркете", "other", None),
    ("работаю оператором колл-центра в банке", "other", None),
    ("Жеке кәсіпкерде сатушымын", None, None),  # no headcount: not known to be micro
    ("работаю в кафе официанткой", None, None),
    ("пост в фейсбуке про акимат", None, None),  # the akimat is the topic, not the employer
    ("у меня кредит в банке", None, None),
    ("я состою в НПО по защите животных", None, None),  # membership, not the employer
    ("нас всего семеро", "micro", 7),  # a headcount in words
    ("біз бесеуміз ғана", "micro", 5),
    ("работаю в акимате", "civil_service", None),
    ("мемлекеттік мекемеде істеймін", "other", None),  # a state institution's staff are not state servants
    ("работаю медсестрой в больнице", "other", None),
    ("подала жалобу в акимат", None, None),  # where she complained, not where she works
    ("бізде в акимате повышение дают только своим", "civil_service", None),  # "бізде": where we work
    ("rabotayu v upravlenii obrazovaniya pri akimate 8 let", "civil_service", None),
    ("Бір үйде бала күтуші болып істеймін", "domestic", None),
    ("Әріптесім екеуміз бір лауазымда істейміз", None, None),  # a colleague and I: not a headcount
    ("Біздің кен орнында 400-ге жуық жұмысшы бар", "other", 400),
    ("u nas v firme vsego 12 kurerov", "micro", 12),
    ("біздің мекемеде 60 шақты адам бар", "other", 60),
    # approximate Kazakh counts, a headcount as a participle or an adjective, "там", a place before "человек N"
    ("біздің зауытымызда 250-ге жуық адам бар", "other", 250),
    ("цехта жетпіс шақты адам істейміз", "other", 70),
    ("дүкенде 35 қызметкеріміз бар", "other", 35),
    ("бригадада 20-дай адам істейміз", "other", 20),
    ("saudada 70-tei adam bar", "other", 70),
    ("Мен 150 адам істейтін логистика компаниясында жүк тасушымын", "other", 150),
    ("11 адам істейтін шағын дүкенге сатушы болып тұрдым", "micro", 11),
    ("7 адамнан тұратын қоғамдық бірлестікте хатшымын", "ngo_small", 7),
    ("Men 6 adamdyq qorda esepshimin", "ngo_small", 6),
    ("работаю в клинике, там около 90 человек", "other", 90),
    ("в колл-центре, там человек 250, я оператор", "other", 250),
    ("на складе человек под триста", "other", 300),
    ("ТОО, человек 25 нас, я бухгалтер", "other", 25),
    ("в организации около сорока человек", "other", 40),
    # a bank, a university, the railway, an oil company: never a micro-enterprise (a trade named beside it says the
    # worker works there)
    ("Банкте кассирмін, төрт жыл болды", "other", None),
    ("темір жол депосында слесарьмын", "other", None),
    ("Я старший преподаватель в университете", "other", None),
    ("мұнай компаниясында оператормын", "other", None),
    ("у меня кредит в банке, уволили с работы", None, None),  # the bank lends, it does not employ
    ("работаю поваром в столовой университета", None, None),  # the canteen may be a contractor's
    ("у акимата есть бесплатные юристы?", None, None),
    # not the employer's headcount
    ("Менімен бірге тағы үш жүргізуші бар", None, None),
    ("в отделе уволили человек 5 разом", None, None),
    ("на складе человек 10 лет работает", None, None),
    ("у нас 5 рабочих дней в неделю", None, None),
    # a small headcount of a department, a team, a shift or a branch is not the employer's (a bank's branch of 8 is no
    # micro-enterprise); a large one still tells a large employer; a team that is the sole trader's whole business is
    ("у нас в отделении 8 человек", None, None),
    ("нас в отделении 14 человек, я медсестра", None, None),
    ("Бір бөлімде Жанар екеуміз бірдей жұмыс істейміз", None, None),
    ("бригадада 6 адамбыз", None, None),
    ("в бригаде нас пятеро", None, None),
    ("bizdin bolimnen 3 adam kursqa barady", None, None),
    ("у нас в филиале человек 60", "other", 60),
    ("бригада у нас 9 человек, это ИП", "micro", 9),
    ("цехта 12 адамбыз", "micro", 12),
    # «бар болғаны» (only), a unit word before "там"
    ("ofiste bar bolgany 6 adam, bastyq jukti ekenimdi bilgen son jumystan shygardy", "micro", 6),
    ("в ТОО, рабочих там около 100", "other", 100),
    ("нас 8 рабочих на стройке", "micro", 8),
])
def test_employer(text: str, kind: str | None, size: int | None) -> None:
    s = _x(text)
    assert (s.employer_kind, s.employer_size) == (kind, size)


def test_a_word_end_inside_a_pattern_is_a_word_end() -> None:
    """In the cue shorthand "!" ends a word anywhere in a pattern, not only at its end (it was a literal "!"
    in the middle, which the normalised text never has: "перевод(?:ят|ит)! ..." could never match)."""
    from tendik.situation import _alternatives

    regex = re.compile(_alternatives(["перевод(?:ят|ит)! (?:меня )?(?:на|в|из)!", "тіркеу(?:ім|ің)?!", "(?<!без )оскорб"]))
    assert regex.search(" переводят из терапии") and regex.search(" переводят меня в цех")
    assert not regex.search(" переводятся из") and regex.search(" тиркеуим") and not regex.search(" тиркеуимди")
    assert regex.search(" оскорбляет") and not regex.search(" без оскорблений")


def test_a_date_never_spans_two_sentences() -> None:
    s = _x("У нас в компании человек 300. Месяц назад вступил в профсоюз, мастер угрожает")
    assert s.date_text is None or "300" not in s.date_text
    assert extract("2 айлық сынақ мерзімімен алды, бұрын сотталғанмын деп шығарды", TODAY).grounds == ("social_status",)  # «сынақ» is no son
    # a date inside quoted speech is what someone said, not when it happened
    assert _x("Бригадир бізге «сендер бүгін барсыңдар, ертең жоқсыңдар» деп сыйақы бермейді").date is None


def test_an_ngo_the_worker_belongs_to_is_a_ground_not_the_employer() -> None:
    s = _x("жалақымды 30 пайызға кемітті, себебі мен ҮЕҰ белсендісімін")
    assert s.grounds == ("public_association",) and s.employer_kind is None


# --------------------------------------------------------------------------------------------------
# Dates

DATE_CASES: list[tuple[str, datetime.date | None]] = [
    ("сегодня", datetime.date(2026, 3, 20)),
    ("вчера", datetime.date(2026, 3, 19)),
    ("позавчера", datetime.date(2026, 3, 18)),
    ("14 saurde", datetime.date(2025, 4, 14)),  # Latin «сәуірде» without the і
    ("3 дня назад", datetime.date(2026, 3, 17)),
    ("три дня назад", datetime.date(2026, 3, 17)),
    ("пять дней назад", datetime.date(2026, 3, 15)),
    ("двадцать пять дней назад", datetime.date(2026, 2, 23)),
    ("пару дней назад", datetime.date(2026, 3, 18)),
    ("неделю назад", datetime.date(2026, 3, 13)),
    ("2 недели назад", datetime.date(2026, 3, 6)),
    ("две недели назад", datetime.date(2026, 3, 6)),
    ("месяц назад", datetime.date(2026, 2, 20)),
    ("два месяца назад", datetime.date(2026, 1, 20)),
    ("полгода назад", datetime.date(2025, 9, 20)),
    ("на прошлой неделе", datetime.date(2026, 3, 9)),  # its Monday
    ("в прошлый понедельник", datetime.date(2026, 3, 9)),
    ("в понедельник", datetime.date(2026, 3, 16)),
    ("в пятницу", datetime.date(2026, 3, 20)),
    ("12.03", datetime.date(2026, 3, 12)),
    ("12.03.2026", datetime.date(2026, 3, 12)),
    ("12.03.26", datetime.date(2026, 3, 12)),
    ("12/03", datetime.date(2026, 3, 12)),
    ("25.03", datetime.date(2025, 3, 25)),  # no year: the last 25 March not after today
    ("12.04", datetime.date(2025, 4, 12)),
    ("12 марта", datetime.date(2026, 3, 12)),
    ("12 марта 2025 года", datetime.date(2025, 3, 12)),
    ("5 апреля", datetime.date(2025, 4, 5)),
    ("31 декабря", datetime.date(2025, 12, 31)),
    ("15-го числа", datetime.date(2026, 3, 15)),
    ("25 числа", datetime.date(2026, 2, 25)),
    ("кеше", datetime.date(2026, 3, 19)),
    ("бүгін", datetime.date(2026, 3, 20)),
    ("алдыңғы күні", datetime.date(2026, 3, 18)),
    ("3 күн бұрын", datetime.date(2026, 3, 17)),
    ("үш күн бұрын", datetime.date(2026, 3, 17)),
    ("бес күн бұрын", datetime.date(2026, 3, 15)),
    ("жиырма күн бұрын", datetime.date(2026, 2, 28)),
    ("екі апта бұрын", datetime.date(2026, 3, 6)),
    ("бір ай бұрын", datetime.date(2026, 2, 20)),
    ("өткен аптада", datetime.date(2026, 3, 9)),
    ("өткен сәрсенбіде", datetime.date(2026, 3, 11)),
    ("дүйсенбіде", datetime.date(2026, 3, 16)),
    ("12 наурызда", datetime.date(2026, 3, 12)),
    ("12 наурыз", datetime.date(2026, 3, 12)),
    ("25 наурыз", datetime.date(2025, 3, 25)),
    ("5 сәуірде", datetime.date(2025, 4, 5)),
    ("keshe", datetime.date(2026, 3, 19)),
    ("bügın", datetime.date(2026, 3, 20)),
    ("12 nauryzda", datetime.date(2026, 3, 12)),
    ("üş kün būryn", datetime.date(2026, 3, 17)),
    ("eki apta buryn", datetime.date(2026, 3, 6)),
    ("vchera", datetime.date(2026, 3, 19)),
    ("2 nedeli nazad", datetime.date(2026, 3, 6)),
    ("наурыздың 5-інде", datetime.date(2026, 3, 5)),  # the month first (genitive), the day as an ordinal
    ("Aqpannyn 20-synda", datetime.date(2026, 2, 20)),
    ("на этой неделе", datetime.date(2026, 3, 16)),  # its Monday (the earliest day it can mean)
    ("осы аптада", datetime.date(2026, 3, 16)),
    # impossible, future, vague or day-less: no date
    ("31.02", None),
    ("30.02.2026", None),
    ("32.01", None),
    ("12.13", None),
    ("12.03.2027", None),
    ("завтра", None),
    ("ертең", None),
    ("в марте", None),
    ("өткен айда", None),
    ("в этом месяце", None),  # the month only
    ("осы айда", None),
    ("несколько дней назад", None),
    ("1.5 года", None),  # a duration
    ("в 10.30", None),  # a time
    ("жұма", None),  # a name as likely as Friday
    ("10 лет назад", None),  # years back are background facts, not the event
    ("осы айдың 3-інде", datetime.date(2026, 3, 3)),  # a day of this month
    ("Dusenbi kuni", datetime.date(2026, 3, 16)),  # Latin typing drops the й of «дүйсенбі»
    ("осы айдың 1-інен", datetime.date(2026, 3, 1)),  # "from the 1st of this month"
    ("osy aidyñ 1-ınen", datetime.date(2026, 3, 1)),
    ("өткен айдың 20-сында", datetime.date(2026, 2, 20)),  # a day of last month
    ("Otken aidyn 20-synda", datetime.date(2026, 2, 20)),
    ("өткен айдың 31-інде", None),  # February has no 31st
]


@pytest.mark.parametrize(("text", "expected"), DATE_CASES)
def test_parse_date(text: str, expected: datetime.date | None) -> None:
    found = parse_date(text, TODAY)
    assert (found[0] if found else None) == expected
    if found:
        assert found[1] == text  # the expression as written


@pytest.mark.parametrize(("text", "today", "expected"), [
    ("месяц назад", datetime.date(2026, 3, 31), datetime.date(2026, 2, 28)),  # month end
    ("месяц назад", datetime.date(2024, 3, 31), datetime.date(2024, 2, 29)),  # leap year
    ("бір ай бұрын", datetime.date(2026, 1, 31), datetime.date(2025, 12, 31)),
    ("29.02", datetime.date(2026, 3, 20), datetime.date(2024, 2, 29)),  # the last leap year
    ("29.02", datetime.date(2024, 3, 1), datetime.date(2024, 2, 29)),
    ("29.02.2025", datetime.date(2026, 3, 20), None),  # 2025 is not a leap year
    ("вчера", datetime.date(2026, 1, 1), datetime.date(2025, 12, 31)),
    ("31.12", datetime.date(2026, 1, 1), datetime.date(2025, 12, 31)),
    ("на прошлой неделе", datetime.date(2026, 3, 16), datetime.date(2026, 3, 9)),  # on a Monday
    ("сегодня", datetime.date(2028, 2, 29), datetime.date(2028, 2, 29)),
])
def test_parse_date_at_month_and_year_ends(text: str, today: datetime.date, expected: datetime.date | None) -> None:
    found = parse_date(text, today)
    assert (found[0] if found else None) == expected


def test_today_may_be_a_datetime() -> None:
    now = datetime.datetime(2026, 3, 20, 23, 59)
    assert parse_date("вчера", now) == (datetime.date(2026, 3, 19), "вчера")
    assert extract("12.03 уволили", now).date == datetime.date(2026, 3, 12)


def test_a_month_alone_is_kept_as_text_without_a_day() -> None:
    s = _x("в марте меня уволили за то что я мусульманка")
    assert (s.date, s.date_text) == (None, "в марте")
    s = _x("Өткен айда шыққан бойда мені ресепшнге ауыстырды")
    assert (s.date, s.date_text) == (None, "Өткен айда")


def test_the_date_of_the_decisive_event() -> None:
    # The latest day in the sentences that tell the dismissal.
    s = _x("Две недели назад начальник потребовал написать по собственному. Я отказалась, а вчера меня уволили.")
    assert (s.date, s.date_text) == (datetime.date(2026, 3, 19), "вчера")
    # A background date in a sentence that tells no stage is not the event.
    s = _x("Муж умер три месяца назад, я одна воспитываю сына 2 лет. Начальник ставит мне ночные смены.")
    assert s.date is None
    # A day beats a month alone.
    s = _x("На прошлой неделе вывесили список на сокращение, хотя справку о беременности я отдала ещё в январе")
    assert (s.date, s.date_text) == (datetime.date(2026, 3, 9), "На прошлой неделе")
    # A future date is not the event ("завтра можешь не выходить" was said on 12.03).
    s = _x("12.03 отдала справку о беременности, а хозяйка сказала завтра можешь не выходить")
    assert (s.date, s.date_text) == (datetime.date(2026, 3, 12), "12.03")
    # A short follow-up that only gives the date.
    s = _x("меня уволили. Это было 5 марта")
    assert s.date == datetime.date(2026, 3, 5)
    assert _x("это было позавчера").date == datetime.date(2026, 3, 18)
    # No date where the stage is told: the message's one recent date outside quoted speech.
    s = _x("Өткен аптада мастер шақырып алып «жастарға орын бер» деді. Келісімшартты ұзартпаймыз дейді.")
    assert (s.date, s.date_text) == (datetime.date(2026, 3, 9), "Өткен аптада")
    # ... but not a background fact months old, nor a date inside quoted speech.
    assert _x("Полгода назад мы создали профсоюз. А теперь переводят на дальний участок.").date is None
    assert _x("Бастық «ертең келме» деді. Жұмыстан шығарды.").date is None


def test_numbers_that_are_not_dates() -> None:
    s = _x("сыну 1.5 года, перевели на полставки, зарплата 150.000")
    assert s.date is None and s.grounds == ("children_under_3",)


# --------------------------------------------------------------------------------------------------
# Long, noisy stories

STORIES: list[tuple[str, set[str], str | None, str | None, int | None, str | None]] = [
    ("Добрый вечер. Работаю продавцом в небольшом магазине у ИП, нас 4 человека вместе с хозяйкой. В январе сказала, "
     "что жду второго ребёнка, первому сыну 4 года. Хозяйка сначала поздравила, а позавчера сказала, что ей беременные "
     "не нужны и чтобы я писала заявление. Муж работает вахтой, кредит за машину, свекровь болеет. Что мне делать?",
     {"pregnancy"}, "dismissal", "micro", 4, "позавчера"),
    ("Сәлем. Мен құрылыс компаниясында 6 жыл инженер болып істеймін. Өткен аптада бөлім басшысы орнына конкурс болды, "
     "мен ең жоғары балл алдым, бірақ ер адамды тағайындады. Директор «әйел адам құрылысшыларды басқара алмайды» деді. "
     "Күйеуім де осы салада, екі балам бар, несиеміз бар.",
     {"sex"}, "promotion_training", None, None, "Өткен аптада"),
    ("Я госслужащий, 3 дня назад меня уволили после того, как я написал пост про коррупцию в фейсбуке. Жена в шоке, "
     "ипотека, двое детей, давление скачет, не сплю. Коллеги молчат, руководство делает вид что ничего не случилось.",
     {"beliefs"}, "dismissal", "civil_service", None, "3 дня назад"),
    ("Ассалаумағалейкум. Мен Шымкенттен Алматыға көшіп келдім, қазір бір дүкенде сатушымын. Бастық мені «оңтүстіктің "
     "қызы» деп мазақтайды, басқа қыздарға бонус береді, маған бермейді. Анам ауырып жатыр, ақша керек. Не істеуім керек?",
     {"residence"}, "pay", None, None, None),
    ("Здравствуйте! Я работаю на заводе уже 12 лет, у меня 2 группа инвалидности после травмы на производстве. "
     "Новый начальник цеха сказал, что «инвалиды тормозят план», и с понедельника меня перевели в сторожа, зарплата "
     "упала вдвое. Жена не работает, дочка учится в колледже. Я не знаю, что делать, помогите!!!",
     {"disability"}, "transfer", "other", None, "с понедельника"),
    ("Жұмыс орнымда 4 жыл бойы еш ескерту алған жоқпын. Бірақ кәсіподаққа кіргенімді білген соң бастық кеше мені "
     "шақырып алып, жұмыстан босататынын айтты, бүгін бұйрыққа қол қойдырды. Үйде 3 бала, күйеуім ауылда.",
     {"trade_union"}, "dismissal", None, None, "бүгін"),
    ("Мне 17 лет, летом устроилась в кафе помощником повара. Администратор заставляет работать по 12 часов, без "
     "выходных, а когда я сказала что мне нельзя так по закону, он при всех назвал меня «малолеткой» и сказал что "
     "уволит. Мама говорит терпеть.",
     {"minor"}, "harassment", None, None, None),
]


@pytest.mark.parametrize(("text", "grounds", "stage", "kind", "size", "date_text"), STORIES)
def test_long_noisy_stories(text: str, grounds: set[str], stage: str | None, kind: str | None, size: int | None,
                            date_text: str | None) -> None:
    s = _x(text)
    assert set(s.grounds) == grounds
    assert s.stage == stage
    assert (s.employer_kind, s.employer_size) == (kind, size)
    assert s.date_text == date_text


def test_background_facts_do_not_become_grounds() -> None:
    """A loan, a rented flat, a relative's illness, the husband's unemployment: background, unless
    the message gives them as the reason."""
    s = _x("Я беременна, живу на съёмной квартире, кредит, муж безработный, мама болеет, а меня уволили")
    assert s.grounds == ("pregnancy",)
    s = _x("Жүкті екенімді айттым, күйеуім жұмыссыз, анам ауру, несие бар, сосын жұмыстан шығарды")
    assert s.grounds == ("pregnancy",)
    # The same fact given as the reason is the ground.
    assert _x("меня уволили из-за кредита").grounds == ("property_status",)
    assert _x("жалдамалы пәтерде тұратынымды білген соң жұмысқа алмады").grounds == ("property_status",)


# Messages written after the lexicon, to check that it generalises (each one was first run unseen).
FRESH_CASES: list[tuple[str, set[str], str | None]] = [
    ('меня оштрафовали за то, что я молилась в обеденный перерыв', {'religion'}, 'conditions'),
    ('зарплату урезали после того как узнали что я вичинфицирован', {'health'}, 'pay'),
    ('директор не отпускает на курсы, говорит что женщинам с маленькими детьми учиться некогда, у меня дочь 1 год', {'children_under_3', 'sex'}, 'promotion_training'),
    ('Меня сократили одной из первых, я единственная в отделе воспитываю ребёнка без мужа', {'single_parent'}, 'dismissal'),
    ('не берут на работу водителем, потому что мне 58 лет', {'age'}, 'hiring'),
    ('в объявлении о работе написано «без вредных привычек и не старше 40»', {'age'}, 'job_ad'),
    ('после того как я родила, меня перевели на более низкую должность', {'children_under_3'}, 'transfer'),
    ('меня не хотят брать потому что у меня трое детей', set(), 'hiring'),
    ('начальник называет меня «обезьяной» из-за цвета кожи', {'race'}, 'harassment'),
    ('Работаю в частном детском саду, когда узнали что я жду ребенка, сказали искать другую работу', {'pregnancy'}, 'dismissal'),
    ('мастер заставляет меня, как самого молодого, работать в выходные бесплатно', {'age'}, 'conditions'),
    ('в нашей фирме 10 человек, директор не платит премию тем, кто ходит в церковь', {'religion'}, 'pay'),
    ('я член профсоюза, и мне не дают отпуск летом, а остальным дают', {'trade_union'}, 'conditions'),
    ('мне отказали в приеме на работу из-за того, что я живу в общежитии', {'property_status'}, 'hiring'),
    ('уволили после того как я на собрании выступила против решения директора', {'beliefs'}, 'dismissal'),
    ('Сотрудники смеются надо мной, потому что я плохо слышу', {'disability'}, 'harassment'),
    ('меня не повышают уже 5 лет, говорят казахам приоритет', {'nationality'}, 'promotion_training'),
    ('меня уволили за то что я ходила на больничный с ребенком', set(), 'dismissal'),
    ('сказали что из села не берём, только городских', {'residence'}, 'hiring'),
    ('на испытательном сроке узнали о моей судимости и уволили', {'social_status'}, 'probation'),
    ('Я диабетик, начальник запрещает мне делать перерывы на перекус', {'health'}, 'conditions'),
    ('директор сказал, что с такой фамилией как у меня в его компании карьеру не сделать', {'origin'}, 'promotion_training'),
    ('уволили, когда узнали что я лесбиянка', {'other'}, 'dismissal'),
    ('ya ne mogu ustroitsya na rabotu, vezde otkazyvayut iz-za togo chto ya invalid', {'disability'}, 'hiring'),
    ('menya pereveli na druguyu dolzhnost posle togo kak uznali chto ya beremenna', {'pregnancy'}, 'transfer'),
    ('nachalnik skazal chto zhenshinam premiya ne polozhena', {'sex'}, 'pay'),
    ('меня уволили, сказали что я слишком старая для этой работы, мне 61', {'age'}, 'dismissal'),
    ('начальница кричит на меня при клиентах, называет «колхозницей»', {'residence'}, 'harassment'),
    ('Өзбек болғаным үшін маған басқалардан аз төлейді', {'nationality'}, 'pay'),
    ('Намаз оқығаным үшін бастық ескерту беріп, жұмыстан шығарамын деп қорқытады', {'religion'}, 'harassment'),  # a threat to dismiss: pressure (round 19)
    ('Жүктілігімді білген соң мені басқа бөлімге ауыстырды', {'pregnancy'}, 'transfer'),
    ('Менің жасым 57-де, бастық «сен қартайдың» деп ұжым алдында күледі', {'age'}, 'harassment'),
    ('Кәсіподақ төрағасы болғаным үшін сыйақыдан қағып тастады', {'trade_union'}, 'pay'),
    ('Мүгедектер арбасындамын, кеңсеге кіруге пандус жоқ, бастық мәселені шешпейді', {'disability'}, 'conditions'),
    ('Қызым 8 айлық, бала күтімі демалысынан шыққан соң жұмыстан шығарды', {'children_under_3'}, 'dismissal'),
    ('Ауылдан келгенсің деп жұмысқа қабылдамады', {'residence'}, 'hiring'),
    ('Хабарландыруда «тек ер адамдар» деп жазылған, мен әйелмін', {'sex'}, 'job_ad'),
    ('Бастық мені оппозицияны қолдайсың деп қызметтен төмендетті', {'beliefs'}, 'transfer'),
    ('Жалғыз бастымын, үш балам бар, бірақ мені бірінші болып қысқартты', {'single_parent'}, 'dismissal'),
    ('17 жастамын, жазғы жұмыста маған ересектерден аз төлейді', {'minor'}, 'pay'),
    ('Туберкулезбен ауырғанымды біліп, жұмысқа алмады', {'health'}, 'hiring'),
    ('Сынақ мерзімінде бастық мені «семізсің» деп шығарып жіберді', {'other'}, 'probation'),
    ('Біздің мекемеде басшыларға ғана сыйақы береді, қарапайым қызметкерлерге бермейді', {'official_status'}, 'pay'),
    ('Әкем сотталған деп мені резервтен шығарып тастады', {'origin'}, 'promotion_training'),
    ('ozbek bolganym ushin magan az toleidi', {'nationality'}, 'pay'),
    ('jukti ekenimdi bilgen son meni baska bolimge auystyrdy', {'pregnancy'}, 'transfer'),
    ('mügedektigim üşin jūmysqa almady', {'disability'}, 'hiring'),
    ('namaz oqyğanym üşin jūmystan şyğardy', {'religion'}, 'dismissal'),
    ('жасым 50-де деп аттестациядан откизбеди', {'age'}, 'promotion_training'),
    ('касиподак мушесимин деп жалакымды азайтты', {'trade_union'}, 'pay'),
    ('ауылдан келгенсин деп жумыска алмады', {'residence'}, 'hiring'),
    ('меня уволили потому что мен мұсылманмын', {'religion'}, 'dismissal'),
    ('бастық сказал что жүкті сотрудники нам не нужны, и уволил', {'pregnancy'}, 'dismissal'),
    ('маған зарплату меньше платят, себебі мен ауылданмын', {'residence'}, 'pay'),
    ('ответь пожалуйста на русском', set(), None),
    ('қазақша жауап берші', set(), None),
    ('Добрый день. Мне 34, работаю медсестрой в частной клинике 5 лет. Месяц назад призналась главврачу, что жду ребёнка. С тех пор меня ставят на самые тяжёлые смены, а вчера сказали что по результатам аттестации я не соответствую должности. Я в шоке.', {'pregnancy'}, 'dismissal'),
    ('Я работаю грузчиком на складе, мне 23 года. Бригадир — казах, все остальные тоже, а я русский. Каждый день слышу «иди отсюда, орыс», премию мне не дают. Что делать?', {'nationality'}, 'pay'),
    ('Мой начальник постоянно делает намёки сексуального характера, трогает за плечи, а когда я отказала — лишил квартальной премии', {'sex'}, 'pay'),
    ('меня сняли с должности главного бухгалтера после того, как я отказалась участвовать в предвыборной кампании', {'beliefs'}, 'transfer'),
    ('В резюме указала что у меня двое детей 2 и 4 лет, ни одного приглашения на собеседование', {'children_under_3'}, 'hiring'),
    ('Не продлили трудовой договор, потому что я активно участвую в профсоюзе', {'trade_union'}, 'dismissal'),
    ('У нас в отделе женщинам не оплачивают сверхурочные, а мужчинам оплачивают', {'sex'}, 'pay'),
    ('Мне 19, я после колледжа, в вакансии «опыт от 5 лет и возраст от 30»', {'age'}, 'job_ad'),
    ('мою коллегу-узбечку уволили, а меня оставили — это дискриминация?', {'nationality'}, 'dismissal'),
    ('ко мне придирается начальник, потому что я из Шымкента', {'residence'}, 'harassment'),
    ('При приёме на работу потребовали справку что я не беременна', {'pregnancy'}, 'hiring'),
    ('говорят что у меня «неславянская внешность» и не ставят на ресепшн', {'race'}, 'transfer'),
    ('начальница не даёт мне отгул чтобы сходить на службу в церковь в воскресенье', {'religion'}, 'conditions'),
    ('Работаю в ТОО, нас 9 человек, хозяин не платит мне за ночные смены потому что я «приезжая»', {'residence'}, 'pay'),
    ('выгнали с работы за то что я не пошла на митинг в поддержку кандидата', {'beliefs'}, 'dismissal'),
    ('Я после операции на сердце, мне дали инвалидность 3 группы, и теперь меня хотят сократить', {'disability'}, 'dismissal'),
    ('меня не берут охранником из-за того, что я судим 10 лет назад', {'social_status'}, 'hiring'),
    ('сотрудник отдела кадров сказал что одиноким мамам у них не место', {'single_parent'}, None),
    ('у меня ВИЧ, и меня отстранили от работы в столовой', {'health'}, 'dismissal'),
    ('Я работаю няней у частного лица, хозяйка не платит уже 2 месяца, говорит «вы, узбеки, и так потерпите»', {'nationality'}, 'pay'),
    ('uvolili potomu chto ya v dekrete, rebenku 1 god', {'children_under_3'}, 'dismissal'),
    ('na sobesedovanii skazali chto ne berut posle 45 let', {'age'}, 'hiring'),
    ('менеджер по персоналу сказал что мусульман не берут', {'religion'}, 'hiring'),
    ('В прошлом месяце меня перевели из офиса в магазин на окраине за то, что я член партии', {'public_association'}, 'transfer'),
    ('Мен ұйғырмын. Бастық жиналыста «ұйғырлар жалқау» деп бәрінің көзінше айтты', {'nationality'}, 'harassment'),
    ('Жүктілігім 6 айлық, бастық мені қоймаға ауыстырып, ауыр жүк көтертеді', {'pregnancy'}, 'transfer'),
    ('Өткен айда декреттен шықтым, ұлым 1 жаста. Жалақымды азайтып, «бала-шағаңмен жүресің» деді', {'children_under_3'}, 'pay'),
    ('Мүгедектігім бар, арбамен жүремін, бірақ жұмысқа кіретін есік тар, бастық өзгертпейді', {'disability'}, 'conditions'),
    ('Хиджаб киетінім үшін мені сұхбаттан өткізбеді', {'religion'}, 'hiring'),
    ('кәсіподақ құрғанымыз үшін бәрімізді жұмыстан шығарды', {'trade_union'}, 'dismissal'),
    ('Мен Қытайдан келген қандаспын, маған басқаларға қарағанда аз төлейді', {'origin'}, 'pay'),
    ('Әйел болғаным үшін мені басшылыққа тағайындамады', {'sex'}, 'promotion_training'),
    ('Менің кредитім көп деп қаржы бөліміне ауыстыруға болмайды деді', {'property_status'}, 'transfer'),
    ('Біздің ЖШС-да 8 адам бар, директор екіқабат әйелге айлық бермей жүр', {'pregnancy'}, 'pay'),
    ('Бастығым мені «ауылдың қызы» деп бәрінің алдында келемеждейді', {'residence'}, 'harassment'),
    ('Жасым 62-де, зейнет жасына толдың деп жұмыстан шығарды', {'age'}, 'dismissal'),
    ('Ұлтым орыс болғандықтан, мені аға маман лауазымына ұсынбады', {'nationality'}, 'promotion_training'),
    ('16 жастағы ұлымды жұмыстан шығарып, ақшасын бермеді', {'minor'}, 'dismissal'),
    ('Сынақ мерзімі бітерде «сен бізге сай емессің, сенің руың басқа» деді', {'origin'}, 'probation'),
    ('Менің салмағым артық деп сатушылыққа алмады', {'other'}, 'hiring'),
    ('Бастық саяси партияға мүше болғаным үшін іссапарға жібермейді', {'public_association'}, 'conditions'),
    ('Балалар үйінде өстім, соны біліп ұжым менімен сөйлеспейді', {'social_status'}, 'harassment'),
    ('Мен еденшімін, маған басқалардай демалыс бермейді', {'official_status'}, 'conditions'),
    ('Диабетім бар деп сынақ мерзімінен өткізбеді', {'health'}, 'probation'),
    ('Бастық АИТВ-мен өмір сүретінімді барлығына айтып қойды, енді ешкім маған жоламайды', {'health'}, 'harassment'),
    ('jukti bolganymdy bilip, aulyma kayt dep jumystan shygardy', {'pregnancy'}, 'dismissal'),
    ('jasym 55 te dep kurska zhibermedi', {'age'}, 'promotion_training'),
    ('balam 2 jasta dep jūmysqa almady', {'children_under_3'}, 'hiring'),
    ('ūltym qazaq emes dep jalaqymdy az töleidi', {'nationality'}, 'pay'),
    ('kasipodak mushesi bolganym ushin auystyrdy', {'trade_union'}, 'transfer'),
    ('дини киимим ушин жумыска алмады', {'religion'}, 'hiring'),
    ('мугедек деп сынак мерзиминде шыгарды', {'disability'}, 'probation'),
    ('начальник маған «сен орыссың» деп премию не дает', {'nationality'}, 'pay'),
    ('жүкті болған соң меня перевели на склад', {'pregnancy'}, 'transfer'),
    ('меня не взяли на работу, себебі мен мүгедекпін', {'disability'}, 'hiring'),
    ('HR сказала что с прописка жоқ не возьмут', {'residence'}, 'hiring'),
    ('на казахском пожалуйста', set(), None),
    ('орысша сөйлеші', set(), None),
    ('где находится трудовая инспекция?', set(), None),
    ('қандай құжаттар керек?', set(), None),
    ('уволили из-за того что я из рода, который не нравится директору', {'origin'}, 'dismissal'),
    ('не берут на работу детдомовцев', {'social_status'}, 'hiring'),
    ('платят меньше, потому что я простая санитарка, а не врач', {'official_status'}, 'pay'),
    ('перевели на худшую должность, потому что у меня долги по кредитам', {'property_status'}, 'transfer'),
    ('мужчинам дают премию, женщинам нет', {'sex'}, 'pay'),
    ('меня называют «черным» и не пускают в общую раздевалку', {'race'}, 'harassment'),
    ('уволили, потому что я таджичка', {'nationality'}, 'dismissal'),
    ('требуют говорить только на русском, за казахский штрафуют', {'language'}, 'conditions'),
    ('уволили за то, что я ношу никаб', {'religion'}, 'dismissal'),
    ('за критику директора лишили премии', {'beliefs'}, 'pay'),
    ('не взяли, потому что у меня прописка в другом городе', {'residence'}, 'hiring'),
    ('не отправляют на обучение, говорят я уже старая', {'age'}, 'promotion_training'),
    ('у меня нет руки, и меня не берут ни на какую работу', {'disability'}, 'hiring'),
    ('сократили за активность в общественной организации', {'public_association'}, 'dismissal'),
    ('за вступление в профсоюз перевели в ночную смену', {'trade_union'}, 'conditions'),
    ('уволили на 7 месяце беременности', {'pregnancy'}, 'dismissal'),
    ('не дают отпуск по уходу за ребенком до 3 лет', {'children_under_3'}, 'conditions'),
    ('я одинокая мама, меня первую в список на сокращение', {'single_parent'}, 'dismissal'),
    ('мне 15, работодатель не платит', {'minor'}, 'pay'),
    ('у меня гепатит С, сказали что не возьмут поваром', {'health'}, 'hiring'),
    ('меня не повышают потому что я курю', {'other'}, 'promotion_training'),
    ('Тегіме бола жұмыстан шығарды', {'origin'}, 'dismissal'),
    ('Жұмыссыз болғанымды біліп, «сенімсізсің» деп алмады', {'social_status'}, 'hiring'),
    ('Қарапайым жұмысшыларға асханаға кіруге болмайды', {'official_status'}, 'conditions'),
    ('Кедей болғаным үшін жұмысқа алмады', {'property_status'}, 'hiring'),
    ('Әйелсің деп аға маман қызметіне көтермейді', {'sex'}, 'promotion_training'),
    ('Терімнің түсіне бола мені мазақтайды', {'race'}, 'harassment'),
    ('Шешен болғаным үшін жұмыстан шығарды', {'nationality'}, 'dismissal'),
    ('Орысша білмейсің деп жұмысқа алмады', {'language'}, 'hiring'),
    ('Сақал қойғаным үшін жұмыстан шығарамын дейді', {'religion'}, 'dismissal'),
    ('Бастықты сынағаным үшін премиядан қағып тастады', {'beliefs'}, 'pay'),
    ('Басқа облыстан келгенсің деп жалақыны аз төлейді', {'residence'}, 'pay'),
    ('Жасың келді деп курсқа жібермейді', {'age'}, 'promotion_training'),
    ('Қолым жоқ, мүгедекпін, жұмысқа алмайды', {'disability'}, 'hiring'),
    ('Қоғамдық бірлестіктің мүшесі болғаным үшін басқа бөлімге ауыстырды', {'public_association'}, 'transfer'),
    ('Кәсіподақтан шықпасаң жалақыңды азайтамын дейді', {'trade_union'}, 'pay'),
    ('Жүкті екенімді білген соң жұмыстан шығарды', {'pregnancy'}, 'dismissal'),
    ('Балам 2 жаста деп іссапарға жібере береді', {'children_under_3'}, 'conditions'),
    ('Жалғызбасты ана болғаным үшін жұмысқа алмады', {'single_parent'}, 'hiring'),
    ('Мен 16 жастамын, бастық айлық бермей жүр', {'minor'}, 'pay'),
    ('Эпилепсиям бар деп жұмыстан шығарды', {'health'}, 'dismissal'),
    ('Татуировкам бар деп кассир етіп алмады', {'other'}, 'hiring'),
    ('jūmyssyz bolğanymdy bilip almady', {'social_status'}, 'hiring'),
    ('terimnin tusi kara dep masqaralaidy', {'race'}, 'harassment'),
    ('sakal koigonym ushin jumystan shygaramyn deidi', {'religion'}, 'dismissal'),
    ('ne vzyali iz-za propiski', {'residence'}, 'hiring'),
    ('uvolili na 7 mesyatse beremennosti', {'pregnancy'}, 'dismissal'),
    ('mne 60, ne otpravlyayut na kursy', {'age'}, 'promotion_training'),
    ('жүкті болғаным үшін меня уволили', {'pregnancy'}, 'dismissal'),
    ('мүгедек деп не взяли на работу', {'disability'}, 'hiring'),
    ('уволили, потому что у меня нет прописки', {'residence'}, 'dismissal'),
    ('платят меньше, потому что я христианка', {'religion'}, 'pay'),
    ('мне 63 года, начальник каждый день спрашивает когда я уже уйду на пенсию и смеётся', {'age'}, 'harassment'),
    ('в объявлении: «граждане РК, только казахской национальности»', {'nationality'}, 'job_ad'),
    ('уволили, когда я была на 3 месяце', set(), 'dismissal'),
    ('меня уволили через неделю после того, как я сообщила о беременности', {'pregnancy'}, 'dismissal'),
    ('я беременна, а начальник заставляет работать в ночную смену', {'pregnancy'}, 'conditions'),
    ('Я незрячий программист, меня не допускают к аттестации на повышение', {'disability'}, 'promotion_training'),
    ('начальник сказал — вступишь в профсоюз, уволю', {'trade_union'}, 'dismissal'),
    ('отец одиночка, в отпуске летом отказывают, хотя по закону положен в удобное время', {'single_parent'}, 'conditions'),
    ('мне 16, работаю в кафе по 12 часов без выходных', {'minor'}, 'conditions'),
    ('меня не допустили к испытательному сроку... то есть уволили на испытательном из-за того, что я из Узбекистана', {'nationality'}, 'probation'),
    ('меня не берут, потому что я бывший заключенный', {'social_status'}, 'hiring'),
    ('уборщицам не выдают спецодежду, а офисным дают всё', {'official_status'}, 'conditions'),
    ('на работе смеются, что я бедная и хожу в одной куртке', {'property_status'}, 'harassment'),
    ('вакансия: «кандидаты только с собственным автомобилем и квартирой в городе»', {'property_status'}, 'job_ad'),
    ('меня не повысили, потому что я не замужем и «ненадёжная»', {'other'}, 'promotion_training'),
    ('уволили, потому что я похудела недостаточно — «не соответствуешь имиджу компании»', {'other'}, 'dismissal'),
    ('Бала күтімі демалысында жүргенде мені қысқартты, балам 2 жаста', {'children_under_3'}, 'dismissal'),
    ('Жүктімін, бірақ бастық түнгі ауысымға қоя береді', {'pregnancy'}, 'conditions'),
    ('Бастық «кәсіподаққа кірсең, жұмыстан шығарамын» деп қорқытады', {'trade_union'}, 'harassment'),  # a threat to dismiss: pressure (round 19)
    ('Сынақ мерзімінде өзбек болғаның үшін қалдыра алмаймыз деді', {'nationality'}, 'probation'),
    ('кара насилди деп жумыска алмады', {'race'}, 'hiring'),
    ('касиподакка кирдим деп жалакымды азайтты', {'trade_union'}, 'pay'),
    ('мугедектигим бар деп сынак мерзиминен откизбеди', {'disability'}, 'probation'),
    ('dinim üşin jalaqymdy azaitty', {'religion'}, 'pay'),
    ('jasym 58 de, jastarğa oryn ber dep jūmystan şyğardy', {'age'}, 'dismissal'),
    ('меня сократили, себебі мен жүктімін', {'pregnancy'}, 'dismissal'),
    # Fourth round (issue 11): words that only look like a ground, grounds the worker denies, other people.
    ('я член экологического движения, и меня вычеркнули из списка на премию', {'public_association'}, 'pay'),
    ('бастық «ақсақалдар демалсын» деп 60-тан асқандарды қысқартты', {'age'}, 'dismissal'),
    ('в бухгалтерии одни женщины, а премию дали только мне не дали, потому что я казашка', {'nationality'}, 'pay'),
    ('мне 60, но дело точно не в возрасте: меня уволили после того как я вступил в профсоюз', {'trade_union'}, 'dismissal'),
    ('я татарка, по-русски говорю без акцента, язык тут вообще ни при чём, а начальник при всех смеётся, что я татарка', {'nationality'}, 'harassment'),
    ('жена беременная, а меня за это время лишили премии потому что я член профсоюза', {'trade_union'}, 'pay'),
    ('нас в ТОО 9 человек, дочка два раза болела и меня уволили, хотя я одна её воспитываю, ей 8 лет', {'single_parent'}, 'dismissal'),
    ('бастық «сен алыста тұрасың, кешігесің» деп жұмысқа алмады', {'residence'}, 'hiring'),
    ('меня не взяли в штат, узнав что я член оппозиционной партии', {'public_association'}, 'hiring'),
    ('«Жасыл қала» қоғамдық бірлестігінің мүшесімін, сол үшін мені басқа бөлімге ауыстырды', {'public_association'}, 'transfer'),
    ('в вакансии кладовщика требование: свободное владение английским языком, зачем кладовщику английский', {'language'}, 'job_ad'),
    ('коллеги болтают что меня уволили потому что я уйгурка, но это ерунда, на самом деле из-за моего возраста, мне 59', {'age'}, 'dismissal'),
    ('Дінім үшін деп ойламаймын, бастық мені жасым үшін қысқартты, 62 жастамын', {'age'}, 'dismissal'),
    ('профсоюзға кіргенім үшін жұмыстан шығарды, енді жұмыссыз қалдым', {'trade_union'}, 'dismissal'),
    ('директор барлығының жалақысын көтерді, маған көтермеді, себебі мен кәсіподақ мүшесімін', {'trade_union'}, 'pay'),
    ('я мулатка, и управляющая сказала, что у меня «нестандартная внешность» для ресепшена и перевела в бэк-офис', {'race'}, 'transfer'),
    ('после развода коллеги меня поддержали, но начальник урезал мне премию потому что я мусульманка и хожу в платке', {'religion'}, 'pay'),
    ('меня уволили из-за развода, начальник сказал «разведённым веры нет»', {'other'}, 'dismissal'),
    # Fifth round: Cyrillic typed with Latin look-alikes, denials across a comma, duration is not a child's age.
    ('пришла на coбeceдoвaниe в aптeкy, увидели пpoпиcкy из села и сказали «приезжих не берём»', {'residence'}, 'hiring'),
    ('у меня астма, но инвалидности у меня нет, а начальник всё равно перевёл меня на склад из-за болезни', {'health'}, 'transfer'),
    ('Только не надо говорить, что из-за возраста, мне 40. Меня уволили, когда узнали про мою судимость', {'social_status'}, 'dismissal'),
    ('мужики-грузчики получают на 40 тысяч больше, хотя мы, женщины, делаем то же самое', {'sex'}, 'pay'),
    ('после того как я вступил в профсоюз, меня переводят на дальний участок', {'trade_union'}, 'transfer'),
    ('коллеги смеются над моим акцентом каждый день, увольняться не хочу, но терпеть сил нет', {'language'}, 'harassment'),
    ('воспитываю сына одна, ему 6, и меня первой сократили', {'single_parent'}, 'dismissal'),
    ('мне 55, кредит за машину сына ещё два года платить, а меня сократили потому что «старый»', {'age'}, 'dismissal'),
    ('Біреулер «ұлтың үшін шығарды» дейді, жоқ, мені кәсіподаққа кіргенім үшін жұмыстан шығарды', {'trade_union'}, 'dismissal'),
    ('Алдымен жасым үшін бе деп ойладым, жоқ, бастық «сен жаңа ажырастың, басың толы уайым» деп курсқа жібермеді', {'other'}, 'promotion_training'),
    ('бастық «сен әлі жассың, сақалың да шықпаған» деп бөлім басшысы орнына басқа адамды тағайындады', {'age'}, 'promotion_training'),
    ('Kaskelennen katynaimyn dedim, HR «bizge almatylyk adam kerek» dep almady', {'residence'}, 'hiring'),
    ('сұхбаттан кейін «орамалыңызды шешесіз бе?» деді, шешпеймін дедім, сізді ала алмаймыз деп шығарып салды', {'religion'}, 'hiring'),
    ('жолдасым жұмыссыз, ал мені фейсбукта әкімдікті сынап пост жазғаным үшін жұмыстан шығарамыз дейді', {'beliefs'}, 'dismissal'),
    # Sixth round: a quarry is not a career, an age range in an ad, someone's wife, a wheelchair, a gap in the record.
    ('Karerge BelAZ zhurgizushisi bolyp barsam, «bul erkektin zhumysy» dep zhumyska almady', {'sex'}, 'hiring'),
    ('в вакансии кассира написано «кандидаты 18-25 лет», мне 31, даже не позвонили', {'age'}, 'job_ad'),
    ('бастық «сен соның әйелісің, саған сенім жоқ» деп мені басқа бөлімге ауыстырды', {'other'}, 'transfer'),
    ('пришла на собеседование, увидели мою коляску и сказали что вакансия уже закрыта', {'disability'}, 'hiring'),
    ('в аптеку не берут, потому что у меня перерыв в стаже два года', {'social_status'}, 'hiring'),
    ('бригадир «бас көтересіңдер» деп ұйғырларды жұмысқа алмады', {'nationality'}, 'hiring'),
    ('мәселе жаста емес, мені кәсіподақ құрғаным үшін қысқартты, 60 жастамын', {'trade_union'}, 'dismissal'),
    # the apostrophes of Latin Kazakh ("Sa'lem ... ju'mysqa") are not quotation marks around the employer's words
    ("Sa'lem. Ajyrasqannan keiin de ju'mys istep ju'rmin, biraq bastyq ma'g'an kasipodaqqa kirgenim u'shin syilyqaqy bermeidi",
     {'trade_union'}, 'pay'),
]


@pytest.mark.parametrize(("text", "grounds", "stage"), FRESH_CASES)
def test_fresh_messages(text: str, grounds: set[str], stage: str | None) -> None:
    s = _x(text)
    assert (set(s.grounds), s.stage) == (grounds, stage)


@pytest.mark.parametrize("text", [
    "как рассчитать отпускные?",
    "какие документы нужны при увольнении по собственному желанию",
    "работодатель задерживает зарплату 2 месяца, что делать",
    "куда жаловаться на работодателя",
    "как написать заявление в трудовую инспекцию",
    "Еңбек демалысы қанша күн болады?",
    "Жалақыны 2 айдан бері бермей жатыр, не істеймін?",
    "Мені ескертусіз жұмыстан шығарды, заңды ма?",
    "zhalakyny bermei zhatyr ne isteimin",
    "Сәлем, менің атым Ислам, сұрақ бар еді",  # a name, not a religion
    "меня зовут Карина, хочу спросить про отпуск",
    "Я живу в Алматы, работаю в банке, хочу узнать про больничный",
    "Здравствуйте, я молодой специалист, хочу узнать про подъемные",
    "в положении о премировании написано одно, а платят другое",
    "говорите негромко, пожалуйста",
    "у меня карта зарплатная в другом банке",
    # «-у үшін» is a purpose ("in order to divorce", "to rent a flat"), not a reason
    "Ажырасу үшін қандай құжаттар керек?",
    "azhyrasu ushin kandai kuzhattar kerek",
    "Пәтер жалдау үшін қандай құжат керек?",
])
def test_plain_labour_questions_have_no_ground(text: str) -> None:
    s = _x(text)
    assert s.grounds == () and s.negated == (), s


@pytest.mark.parametrize(("text", "ground"), [
    ("ажырасқаным үшін жұмыстан шығарды", "other"),
    ("ауру үшін жұмыстан шығарды", "health"),  # the noun «ауру» (an illness) before «үшін» is a reason
])
def test_a_reason_before_ushin_still_counts(text: str, ground: str) -> None:
    assert ground in _x(text).grounds


def test_plain_questions_still_get_their_stage() -> None:
    assert _x("директор не подписывает заявление на отпуск").stage == "conditions"
    assert _x("как написать заявление в трудовую инспекцию").stage is None


@pytest.mark.parametrize("text", [
    "а им штраф за это будет?",
    "а штраф какой им будет?",
    "какой штраф грозит работодателю?",
    "инспектор труда может оштрафовать работодателя?",
    "жұмыс берушіге бұл үшін айыппұл сала ма?",
    "buǵan aiyppūl salyna ma?",
    "kemsitkeni ushin firmaga shtraf salyna ma",
    "кемсіткен компанияға қанша айыппұл салады",
    "кемсіткен бастық жазаланады ма",
])
def test_a_fine_on_the_employer_asked_about_is_no_stage(text: str) -> None:
    """A question about the employer's liability told after a story must not overwrite its stage:
    the fine is on the employer, not a condition of the worker's work (nor harassment)."""
    assert _x(text).stage is None


@pytest.mark.parametrize(("text", "stage"), [
    ("мне штраф выписали за опоздание, а казахам нет", "conditions"),
    ("начальник всех штрафует но меня чаще", "conditions"),
    ("руководитель штрафует работников, которые разговаривают по-уйгурски", "conditions"),
    ("нас штрафуют за казахский", "conditions"),
    ("маған айыппұл салды, басқаларға салмайды", "conditions"),
    ("қазақша сөйлесеңдер айыппұл саламын дейді", "conditions"),
])
def test_a_fine_on_the_worker_is_a_condition_of_work(text: str, stage: str) -> None:
    assert _x(text).stage == stage


# --------------------------------------------------------------------------------------------------
# Batch 28's lessons: shared reasons, interview questions about marriage, denials that point back, the same
# treatment for everyone, unpaid extra hours


@pytest.mark.parametrize(("text", "grounds", "stage"), [
    # Kazakh reasons joined by «әрі», «және», «оның үстіне» share the reason word after the last one
    ("Ипотекам бар әрі ұлымды жалғыз тәрбиелеймін деп, бастық мені оқуға жібермеді", {"property_status", "single_parent"},
     "promotion_training"),
    ("Қарызым бар және ауылданмын деп бастық жалақымды аз төлейді", {"property_status", "residence"}, "pay"),
    # asked at an interview about marriage: the marital status («other»)
    ("Әңгімелесуде тұрмыс құрғансыз ба деп сұрады, жоқ дедім, сосын алмады", {"other"}, "hiring"),
    ("на собеседовании спросили, собираетесь ли вы замуж, и не взяли", {"other"}, "hiring"),
    # blood pressure told as the reason
    ("Бастық «давлениең бар, сапарға жарамайсың» деп іссапарға жібермеді", {"health"}, None),
    # an open letter criticising the authorities: a conviction
    ("Әкімдікті сынаған ашық хатқа қол қойдым, содан кейін сыйақыдан айырды", {"beliefs"}, "pay"),
    # a renting worker, the Russian word order of a mixed message; "своё жильё" asked about at an interview
    ("Пәтер жоқ, комнату снимаю деп мені кассаға қоймады", {"property_status"}, None),
    ("на собеседовании спросили, есть ли у меня своё жильё, я сказала нет, и мне отказали", {"property_status"}, "hiring"),
])
def test_batch_28_reasons(text: str, grounds: set[str], stage: str | None) -> None:
    s = _x(text)
    assert set(s.grounds) == grounds
    if stage is not None:
        assert s.stage == stage


@pytest.mark.parametrize(("text", "denied"), [
    # a word pointing back at the ground, later in its sentence
    ("У меня диабет, но перевели меня не из-за этого, а из-за реорганизации", "health"),
    ("Мүгедектігім бар, бірақ жұмыстан сол үшін емес шығарды, бүкіл цех жабылды", "disability"),
    # a Kazakh verbal noun between the ground word and the denial
    ("Хиджаб киетініне байланысты емес, оны бұрын да киіп жүрген, әйелімді жүкті болғаны үшін ауыстырды", "religion"),
])
def test_a_denial_after_the_ground(text: str, denied: str) -> None:
    s = _x(text)
    assert denied not in s.grounds and denied in s.negated


@pytest.mark.parametrize("text", [
    "кассирмін, аға кассир айқайлап сөйлейді, маған да, басқаларға да",
    "я уборщица, начальник на всех орёт, не только на меня",
])
def test_the_same_treatment_for_everyone_has_no_weak_ground(text: str) -> None:
    assert _x(text).grounds == ()


@pytest.mark.parametrize(("text", "stage"), [
    ("Қожайын қосымша сағаттар үшін бір тиын төлемеді", "pay"),
    ("Ауысымды 24 сағатқа созды, үстеме ақы төлемеді, «кеткің келсе кет» дейді", "pay"),
    ("пришла на собеседование, посмотрел на меня и не взял меня", "hiring"),
    # sent back when applying; applying after the advert is the hiring, not the advert
    ("дүкенге сатушылыққа барсам «бізге жас қыз керек» деп қайтарып жіберді", "hiring"),
    ("Аспазшы керек деген хабарландыру көріп бардым, «бізге ер адам керек» деп бас тартты", "hiring"),
    ("увидела вакансию кассира, пришла, а мне сказали что берут только до 35", "hiring"),
    # hired long ago is background, not the stage; an order issued is no dismissal
    ("Устроилась продавцом год назад. Теперь меня ставят только в ночные смены", "conditions"),
    ("Директор приказ шығарды: түскі үзіліс 20 минут, кешіксең айыппұл", "conditions"),
    # told to find another place within a month
    ("хозяйка сказала, что ищет няню помоложе, и дала мне месяц, чтобы я нашла другую работу", "dismissal"),
])
def test_batch_28_stages(text: str, stage: str) -> None:
    assert _x(text).stage == stage


# --------------------------------------------------------------------------------------------------
# Batch 29's lessons: «мәселе онда емес», everyone treated alike, an older age that only introduces the writer


@pytest.mark.parametrize(("text", "grounds"), [
    # "the matter is not that": the ground just named is denied
    ("Мен 2 топ мүгедекпін, бірақ мәселе онда емес: бастық цехта бәрімізге айқайлайды", set()),
    ("Жүктімін, бірақ мәселе онда емес, бізге үш ай жалақы бермей жатыр", set()),
    ("У меня диабет, но дело не в этом: зарплату задерживают всему цеху", set()),
    # the whole workplace laid off: an older age in the introduction is no reason
    ("Здравствуйте. Мне 57 лет, работаю на мебельной фабрике в Караганде уже 20 лет, жена на пенсии. Фабрика "
     "закрывается, сокращают всех, нас 60 человек, выходное пособие обещают только одно. Что нам положено по закону?", set()),
    # an older age in the introduction beside another ground: the other ground
    ("Сәлеметсіз бе. Мен Павлодардағы зауытта слесармын, 54 жастамын, екі немерем бар, зауытта 25 жыл істеймін. "
     "Жақында кәсіподаққа мүше болдым. Содан бері мастер тексеру артынан тексеру жасап, тоқсандық сыйақыдан айырды.",
     {"trade_union"}),
    # ... but an age named again by the boss stays
    ("Здравствуйте. Мне 63 года, работаю сторожем. Перенёс инсульт, врач разрешил работать. "
     "Начальник сказал «дед, пора на покой, ещё и больной» и уволил.", {"age", "health"}),
    ("Мен 58 жастамын, қант диабетім бар. Ұжымда «жасы үлкендер мен ауыратындар бірінші қысқарады» деген сөз жүр.",
     {"age", "health"}),
    # a heart stent; girls not wanted on a building site
    ("Жүрегіме стент қойды, больничныйдан шыққан соң күзетші орнымды басқаға берді", {"health"}),
    ("прораб говорит, что девчонкам на стройке не место, и при всех смеётся надо мной", {"sex"}),
])
def test_batch_29_grounds(text: str, grounds: set[str]) -> None:
    assert set(_x(text).grounds) == grounds


# --------------------------------------------------------------------------------------------------
# The measuring command and the speed


def _devset(tmp_path: Path) -> Path:
    path = tmp_path / "situations.yml"
    path.write_text(
        "version: 1\nquestions:\n"
        "  - {id: t-ru-1, lang: ru, style: cyrillic, split: tune, text: 'уволили вчера, потому что беременна',"
        " grounds: [pregnancy], stage: dismissal, date: 'вчера'}\n"
        "  - {id: t-kk-1, lang: kk, style: cyrillic, split: tune, text: 'жасым үлкен деп жұмысқа алмады',"
        " grounds: [age], stage: hiring, date: null, followups: [{text: 'бізде 7 адам', expect: {employer: {kind: micro, size: 7}}}]}\n"
        "  - {id: t-kk-2, lang: kk, style: cyrillic, split: tune, text: 'ЖҰМЫСТАН ШЫҒАРДЫ ЖӘНЕ ТҮНГІ АУЫСЫМ',"
        " grounds: [sex], stage: conditions, date: null}\n"
        "  - {id: h-ru-1, lang: ru, style: cyrillic, split: heldout, text: 'SECRET HELDOUT TEXT',"
        " grounds: [age], stage: hiring, date: null}\n",
        encoding="utf-8")
    return path


def test_the_measuring_command_prints_misses_for_tune_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    devset = _devset(tmp_path)
    assert situation.main(["--devset", str(devset), "--split", "tune", "--today", "2026-03-20"]) == 0
    out = capsys.readouterr().out
    assert "kk: n=2 grounds=0.500 stage=0.500" in out and "follow-ups=1/1" in out
    assert "ru: n=1 grounds=1.000 stage=1.000 employer=1.000 date=1.000" in out
    assert "miss t-kk-2 grounds" in out and "SECRET" not in out
    assert situation.main(["--devset", str(devset), "--split", "heldout", "--today", "2026-03-20"]) == 0
    out = capsys.readouterr().out
    assert "ru: n=1 grounds=0.000" in out
    assert "SECRET" not in out and "miss" not in out  # numbers only, never the held-out texts


def test_the_command_reads_one_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert situation.main(["--today", "2026-03-20", "--explain", "кеше жүкті болғаным үшін жұмыстан шығарды"]) == 0
    out = capsys.readouterr().out
    assert "grounds=('pregnancy',)" in out and "stage='dismissal'" in out and "pregnancy: 'жүкті'" in out


def test_speed_is_reported() -> None:
    """The extractor runs on every message: well under a millisecond for a typical one. Timing is
    printed (pytest -s), not asserted: the shared test machine is too noisy for a hard limit."""
    texts = [c[0] for c in GROUND_CASES] + [c[0] for c in STORIES]
    for text in texts:
        extract(text, TODAY)
    times = []
    for _ in range(5):
        for text in texts:
            started = time.perf_counter()
            extract(text, TODAY)
            times.append(time.perf_counter() - started)
    print(f"situation.extract: median {1000 * statistics.median(times):.3f} ms, max {1000 * max(times):.3f} ms "
          f"over {len(times)} calls")


@pytest.mark.parametrize(("text", "want"), [
    ("мне опять продлевают испытательный, уже на второй круг", "term"),
    ("директор решил продлить испытательный срок до пяти месяцев", "term"),
    ("исп срок пролонгировали без приказа", "term"),
    ("Кадр бөлімі сынақ мерзімін тағы бір айға ұзартамыз деді", "term"),
    ("бастык сынак мерзимин узартты, себебин айтпады", "term"),
    ("menin synaq merzimimdi taghy uzartty", "term"),
    ("mne prodlili ispytatelnyi, eto normalno?", "term"),
    ("в договоре испытательный срок 6 месяцев, я обычный продавец", "term"),
    ("шартымда сынақ мерзімі алты ай деп тұр, мен аспазбын", "term"),
    ("маған бес айлық сынақ мерзімі қойды", "term"),
    # not an extension of the probation
    ("Жұмада сынақ мерзімім біткенде директор келісімшартты ұзартпады", None),
    ("уволили на испытательном, не продлили договор", None),
    ("испытательный 3 месяца, уволили через месяц", None),
    ("работаю 5 месяцев, на испытательном уволили", None),
    ("на испытательном сроке заболела. Продлили больничный, а потом сказали не прошла", None),
])
def test_a_probation_extended_or_longer_than_three_months_is_its_term(text: str, want: str | None) -> None:
    s = extract(text, TODAY)
    assert s.stage == "probation"
    assert stage_detail(text, s.stage) == want


def test_a_stage_detail_belongs_to_its_stage() -> None:
    assert stage_detail("продлили срок договора на 6 месяцев", "conditions") is None


# --------------------------------------------------------------------------------------------------
# Batch 33's lessons: a relative given as the reason, speaking the language well, everyone treated alike


@pytest.mark.parametrize(("text", "grounds", "stated"), [
    # the relative is the reason: the worker's family situation ('other'); the relative's own traits are theirs
    ("Күйеуім өткен жылы 1-топ мүгедек болып қалды. 16 қыркүйекте мені шығарды, директор ашық «күйеуің ауру, сен бізге "
     "сенімсіз қызметкерсің» деді.", {"other"}, ("other",)),
    ("Інім белгілі блогер, әлеуметтік желіде билікті жиі сынайды. Кадр бөлімінің басшысы «інің сондай адам болғанда сені "
     "жоғарылата алмаймыз» деді.", {"other"}, ("other",)),
    ("Директор «сотталған адамның әйелі балаларға сабақ бермеуі керек» деп мені кітапханаға ауыстырды.", {"other"}, ("other",)),
    ("Мой брат известный активист, его задержали на митинге. Директор сказала, что из-за брата у фонда будут проблемы, "
     "и попросила написать по собственному.", {"other"}, ("other",)),
    ("У меня сын с ДЦП. Хозяйка сказала, что ей не нужна няня с таким ребенком, и рассчитала в тот же день.", {"other"}, ("other",)),
    ("узнали, что мой муж отбывал срок, руководитель сказал, что с такой семьей мне нельзя работать с документами, и "
     "перевели в архив", {"other"}, ("other",)),
    # the worker's own ground beside the relative: the worker's ("сенің күйеуің бай, үйің бар": the property)
    ("Директор «сенің күйеуің бизнесмен, үйің, көлігің бар, саған ақша керек емес» деп сыйақы бермеді", {"property_status"}, ()),
    ("na tebya nelzya rasschityvat s tvoim rebenkom, skazal nachalnik, ya odna vospityvayu syna, emu 9, i menya "
     "vycherknuli iz spiska na obuchenie", {"single_parent"}, ()),
])
def test_a_relative_given_as_the_reason(text: str, grounds: set[str], stated: tuple[str, ...]) -> None:
    s = _x(text)
    assert set(s.grounds) == grounds
    assert s.stated == stated


@pytest.mark.parametrize("text", [
    # a parent is the worker's origin, as the labelling rules say («әкең сотталған»), not a relative's 'other'
    "kuzet kompaniyasyna zhumyska barsam kadrovik familiyamdy korip 'akeng sottalgan goi sen de sondai bolasyn' dep almady",
    "меня не взяли из-за отца, он сидел",
    # writing on behalf of a relative; a husband asked about at an interview
    "Ағам үшін жазып отырмын. Ол жүргізуші орнына сұхбатқа барды, бірақ жұмысқа алмады",
    "собеседованиеде 'куйеуин бар ма' деп сурады, жок дедим, 'онда бизге кыйын' деп алмады",
])
def test_no_relative_reason(text: str) -> None:
    s = _x(text)
    assert "other" not in s.grounds and s.stated == ()


@pytest.mark.parametrize(("text", "grounds", "not_added"), [
    # speaking the language well, even after a particle, says the language is not the trouble
    ("Bır qūrylys kompaniasynyñ vakansiasynda «tek qazaq ūltynan» dep jazylğan. Men kärıspın, qazaqşa da, orysşa da erkın "
     "söileimın.", {"nationality"}, {"language"}),
    ("Бастык сказал что замом будет только қазақ, и назначил другую. Я русская, по-казахски кстати нормально говорю.",
     {"nationality"}, {"language"}),
    # ... but not when the worker says they speak it badly
    ("Бастық «қазақша білмейсің» деп айлығымды кесті, қазақшам онша жақсы емес", {"language"}, set()),
    # the dungan nationality in its Kazakh spelling
    ("дүнген болғаным үшін жұмыста кемсітушілік көріп жүрмін", {"nationality"}, set()),
])
def test_batch_33_grounds(text: str, grounds: set[str], not_added: set[str]) -> None:
    s = _x(text)
    assert set(s.grounds) == grounds
    assert set(s.not_added) == not_added
    assert "language" not in s.negated  # not a denial: a language told in an earlier message stays


def test_speaking_well_does_not_take_back_a_language_told_before() -> None:
    assert extract("я по-казахски кстати нормально говорю", TODAY).negated == ()


@pytest.mark.parametrize(("text", "grounds"), [
    ("Здравствуйте. Мне 58 лет, работаю курьером в компании уже год, живу в Алматы с семьёй. Летом нас заставляли выходить "
     "по субботам, обещали оплатить как сверхурочные. В июле и августе ничего не доплатили. У всех ребят так же. Куда "
     "обращаться?", set()),
    ("Jalaqyny 12.11 beremız degen, älı joq. Bükıl bölımge bermei jatyr, bastyq kütıñder deidı. Men üş balanyñ äkesımın, "
     "nesie tölemım bar, ne ısteuge bolady?", set()),
    # without the words about everyone, the debt is told beside the unpaid salary
    ("Jalaqyny 12.11 beremız degen, älı joq. Men üş balanyñ äkesımın, nesie tölemım bar, ne ısteuge bolady?",
     {"property_status"}),
])
def test_everyone_treated_alike_leaves_background_no_ground(text: str, grounds: set[str]) -> None:
    assert set(_x(text).grounds) == grounds


@pytest.mark.parametrize(("text", "date_text"), [
    # a month the worker counts from («... айынан бастап», «қазаннан бері»): a month without a day
    ("Қазан айынан бастап айлығымды толық бермей жүр", "Қазан айынан"),
    ("Qazan aiynan bastap jalaqymdy kesip jatyr", "Qazan aiynan"),
    ("қазаннан бері сыйақы бермейді", "қазаннан"),
    ("Наурыз айынан бастап мені түнгі ауысымға қойды", "Наурыз айынан"),
    # «қазан» alone is as likely a cauldron
    ("асханада қазаннан ас құйып берем, бастық ұрсады", None),
])
def test_a_kazakh_month_counted_from(text: str, date_text: str | None) -> None:
    s = _x(text)
    assert s.date_text == date_text and s.date is None


@pytest.mark.parametrize(("text", "grounds"), [
    # a brother's, a sister's, a husband's conviction is the relative's situation ('other'); a parent's is the origin
    ("Ағамның соттылығы бар екенін біліп, мені кассадан шығарды", {"other"}),
    ("сестру посадили в прошлом году, и теперь меня не повышают, говорят риск для банка", {"other"}),
    ("Inim turmede otyr, sol ushin meni zhumysqa almady", {"other"}),
])
def test_a_siblings_or_spouses_conviction(text: str, grounds: set[str]) -> None:
    s = _x(text)
    assert set(s.grounds) == grounds and s.stated == ("other",)


@pytest.mark.parametrize("text", [
    "муж сидит в отпуске по уходу за ребенком, а мне не дают гибкий график",
    "Я раньше сидела дома с детьми, теперь не берут на работу",
])
def test_sitting_at_home_is_no_conviction(text: str) -> None:
    s = _x(text)
    assert "other" not in s.grounds and "social_status" not in s.grounds


@pytest.mark.parametrize(("text", "denied"), [
    ("Я не думаю, что дело в возрасте: план не выполнил никто из новеньких", "age"),
    ("Мені жүктілігім үшін шығарған жоқ, кассадан ақша жоғалды деп шығарды", "pregnancy"),
])
def test_batch_34_denials(text: str, denied: str) -> None:
    s = _x(text)
    assert denied in s.negated and denied not in s.grounds


@pytest.mark.parametrize(("text", "grounds", "stage"), [
    ("Жастар қоғамдық бірлестігінің мүшесімін деп тренингке жібермеді", {"public_association"}, "promotion_training"),
    ("Маған партияға кіргенімнен бері бастық мүлдем сөйлемейді", {"public_association"}, "harassment"),
    ("бастык 'сен корейсин' деп маган сыйлыкакы бермеди", {"nationality"}, "pay"),
    ("менеджер 'кедей ауыл отбасынансың' деп жұмысқа алмады", {"social_status"}, "hiring"),
    ("ya ranshe sidel, uznali i srazu uvolili", {"social_status"}, "dismissal"),
])
def test_batch_34_grounds(text: str, grounds: set[str], stage: str) -> None:
    s = _x(text)
    assert set(s.grounds) == grounds and s.stage == stage


@pytest.mark.parametrize(("text", "stage"), [
    ("әйелсің деп мені түнгі сменаға қоймайды", "conditions"),
    ("Шеф маған ылғи ауыр жұмысты береді, өзбек болғаным үшін", "conditions"),
    ("Маған ғана кезекшілікті көп береді, басқаларға аз", "conditions"),
    ("Кассадан алып, еден жуушы қылды, қарызың бар деп", "transfer"),
    ("Декреттен шыққан соң договорымды продлевать етпеді", "dismissal"),
    ("ВИЧ барын біліп, мені басқалардан оқшаулап қойды", "harassment"),
    ("бастық мені детдомдасың деп күнде қалжыңдайды", "harassment"),
    ("Место заведующей отдали новенькой, сказали что с вашим весом нельзя", "promotion_training"),
    ("Кадровик алмай қойды, сенің тіркеуің жоқ деді", "hiring"),
    ("Kadrovik almai qoidy, tirkeuin joq dedi", "hiring"),
    # not taken to a course or to talks: not a hiring refusal
    ("курсқа алмай қойды, жасың үлкен деді", "promotion_training"),
    # "leave the union or your contract is not renewed": a threat, not a dismissal
    ("начальник сказал: либо выходишь из профсоюза, либо контракт тебе не продлят", "harassment"),
    ("Жалақым өзгерген жоқ, бірақ бастық жиналыстарда мені мазақтайды", "harassment"),
])
def test_batch_34_stages(text: str, stage: str) -> None:
    assert _x(text).stage == stage


def test_a_whole_department_cut_leaves_background_no_ground() -> None:
    s = _x("Здравствуйте. Мне 52 года, у меня ипотека и двое детей. Вчера объявили о сокращении всего нашего отдела, "
           "никого из отдела не оставили. Правильно ли это?")
    assert s.grounds == () and s.stage == "dismissal"


@pytest.mark.parametrize(("text", "date"), [
    ("с прошлой недели не платят доплату за ночные", datetime.date(2026, 3, 9)),
    ("өткен аптадан бері түнгі ауысымға қояды", datetime.date(2026, 3, 9)),
    # «сенбілік» is a clean-up day, not a Saturday
    ("сенбіліктерде ағаш отырғызамыз, бастық соған ұрсады", None),
])
def test_batch_34_dates(text: str, date: datetime.date | None) -> None:
    assert _x(text).date == date


@pytest.mark.parametrize(("text", "stage"), [
    # either-or threats: pressure, not a dismissal
    ("Бастық: «не постыңды өшіресің, не өз еркіңмен кетесің» деді", "harassment"),
    ("директор сказал: или снимаешь платок, или пиши заявление по собственному", "harassment"),
    ("Жүкті екенімді айтсам, «қиналсаң өз еркіңмен кет» деді", "harassment"),
    ("Қазақша үйренбесең, складқа ауыстырамын дейді бастық", "harassment"),
    # ... but an order that followed the words is the transfer
    ("«сені қоймаға ауыстырамын» деді, кеше бұйрық шықты, орысша білмейсің деп", "transfer"),
    # a post given to someone else, applied for, an attestation not allowed
    ("Меңгеруші орнына өтініш бердім, бірақ орынды директордың жиеніне берді", "promotion_training"),
    ("Bastyq lauazymdy magan bermedi, oz dosyn qoidy", "promotion_training"),
    ("хотела стать старшей медсестрой, но сказали что с моим весом нельзя", "promotion_training"),
    ("Ұйғыр болғаным үшін аттестацияға жібермеді", "promotion_training"),
    # the canteen left, not the job
    ("Санитарларды дәрігерлер асханасынан шығарды, бөлек бөлмеде тамақтанамыз", "conditions"),
    # a demotion said in Russian words inside Kazakh
    ("Мені менеджер должностидан снял, простой кассир етіп қойды", "transfer"),
    # a schedule changed, a workload, Saturdays
    ("Жүкті болғанымды білген соң графигімді ауыстырып, түнгі сменаға қойды", "conditions"),
    ("16 жастамын, мені ересектерден көп істетеді", "conditions"),
    ("Тек маған сенбі күні жұмысқа шығуды бұйырады, діні басқа деп", "conditions"),
    ("mne 17, zastavlyayut rabotat po 12 chasov bez obeda", "conditions"),
    # isolation, "go and retire"
    ("ВИЧ-ім барын білгелі ешкім қасыма отырмайды", "harassment"),
    ("Мне 60, начальница постоянно говорит: иди на пенсию, освободи место", "harassment"),
    # afraid, the worker wrote the resignation
    ("Жасың үлкен деп қорқытты, қорыққаным сонша, сол күні арыз жазып бердім", "dismissal"),
])
def test_batch_35_stages(text: str, stage: str) -> None:
    assert _x(text).stage == stage


@pytest.mark.parametrize(("text", "grounds"), [
    ("Арбада отыратынымды көрген соң, «орын толды» деп алмады", {"disability"}),
    ("вакансияда «славян түрлі сатушы керек» деп жазылған, мен қазақпын", {"race"}),
    ("HR сказала: вы слишком полная для нашего зала, и отказала", {"other"}),
    ("Бастық «бұл орынға өз руымыздан адам керек» деп басқаны қойды", {"origin"}),
    ("На аттестации сказали: ты же сын того, которого посадили, и не пропустили", {"origin"}),
    # rank mocked: "your opinion is not needed" is no belief
    ("«сен жай күзетшісің, сенің пікірің керек емес» деп жиналыста мазақтайды", {"official_status"}),
    # an NGO the worker works in, with a reason told in the next sentence: the employer, not a membership
    ("Мен 9 адам істейтін қоғамдық қорда істеймін. Жүкті екенімді айтқан соң басқа филиалға ауыстырды", {"pregnancy"}),
])
def test_batch_35_grounds(text: str, grounds: set[str]) -> None:
    assert set(_x(text).grounds) == grounds


@pytest.mark.parametrize(("text", "stage"), [
    # conditional threats: pressure, not a dismissal
    ("постыңды өшірмесең жұмыстан кетесің деді бастық", "harassment"),
    ("уйде намаз окысан бирден кетесин деп ескертти", "harassment"),
    ("Бастық «орысша сөйлеме, әйтпесе кет» дейді", "harassment"),
    ("главврач сказал снимай платок или пиши заявление, но пока не уволили", "harassment"),
    # a resignation the worker refused to sign
    ("Bastyq oz erkimmen ketu turaly aryzga qol qoi dedi. Qoimadym. Endi kunde eskertu jazady", "harassment"),
    # a wheelchair up the stairs; a post given to acquaintances, to a young man
    ("пандус жоқ, 4 қабатқа коляскамен көтерілу мүмкін емес", "conditions"),
    ("lauazymdy ylgi oz tanystaryna beredi, men oralmanmyn", "promotion_training"),
    ("Бөлім басшысы орнын маған емес, тәжірибесі жоқ жас жігітке берді", "promotion_training"),
    # a canteen, leaving early asked, hours cut, a report not accepted
    ("kuzetshi bolganym ushin ashanaga kirgizbeidi", "conditions"),
    ("ораза кезінде ерте кетуге рұқсат сұрадым, бастық бермеді", "conditions"),
    ("Директор сағатымды 18-ден 8-ге қысқартты, айлығым азайды", "pay"),
    ("асханада «бізбен бірге отырма» деп бастық қуып шықты", "harassment"),
    ("Есебім орысша деп қабылдамады, қазақша жаз дейді", None),
    # a nanny told she is no longer needed; a colleague's place after "убрали из ... и поставили"
    ("я няня, хозяйка написала что больше не нуждается в моих услугах, узнав про ВИЧ", "dismissal"),
    ("меня убрали из процедурного кабинета и поставили в регистратуру", "transfer"),
    # a redundancy only foreseen
    ("сказали что при реорганизации я первая пойду на сокращение", None),
])
def test_batch_36_stages(text: str, stage: str | None) -> None:
    assert _x(text).stage == stage


@pytest.mark.parametrize(("text", "grounds"), [
    ("Бастық «әйел адам бала мен жұмысты қатар алып жүре алмайды» деп кассаға ауыстырды", {"sex"}),
    ("kuzetshi bolganym ushin ashanaga kirgizbeidi", {"official_status"}),
    ("қысқартты, «пенсионерсің, больничный көп аласың» деді", {"health", "age"}),
    ("17 жастамын, «жассың, шыда» деп ең ауыр жүкті маған тасытады", {"minor"}),
    ("Бұрын сотталған едім, директор біліп арыз жаз деді", {"social_status"}),
    # a student says who they are: background
    ("Men studentpin, kafede istep jurmin, menedzher 'afrikalyqtar klientterdi qorqytady' dep meni zaldan asuyga auystyrdy", {"race"}),
    # denied: "дело не в твоём возрасте", "это отношения не имеет"
    ("начальник сказал: дело не в твоем возрасте, просто медленно работаешь, поэтому без премии", set()),
    ("У меня 3 группа инвалидности, но к увольнению это отношения не имеет. Уволили за прогул", set()),
])
def test_batch_36_grounds(text: str, grounds: set[str]) -> None:
    assert set(_x(text).grounds) == grounds


@pytest.mark.parametrize(("text", "stage"), [
    # a dismissal only feared; a contract not renewed or not concluded for the next year; paid off; "you no longer work with us"
    ("бастық күнде мазақ етеді, қорқамын жұмыстан шығарады деп", "harassment"),
    ("директор шартыңды жаңартпаймыз деді, себебін айтпады", "dismissal"),
    ("контракт на следующий год со мной не заключат, сказали в отделе кадров", "dismissal"),
    ("меня в конце месяца рассчитали, отдали половину", "dismissal"),
    ("курьер болдым, координатор сен бізбен енді істемейсің деп жазды", "dismissal"),
    # "if you do not ..., I will not ...": a threat
    ("кафеде хиджаб киіп келсем админ шешпесең смена бермеймін дейді", "harassment"),
    ("бастық «ұйымнан шықпасаң, кеңеске кіргізбеймін» деді", "harassment"),
    # left out of the chat or the meetings, a bag searched, messages at night, a reprimand given to the worker
    ("начальник удалил меня из рабочего чата и ничего не объясняет", "harassment"),
    ("меня не добавили в чат отдела, новости узнаю последней", "harassment"),
    ("бастық мені жиналысқа мүлде шақырмайды", "harassment"),
    ("хозяйка каждый день проверяет мою сумку", "harassment"),
    ("бастық түнде маған жазады, кездесейік дейді", "harassment"),
    ("namaz oqyganym ushin eskertu berdi", "harassment"),
    ("мне объявили выговор за то что говорю по-казахски", "harassment"),
    ("в какой срок надо обжаловать выговор", None),
    ("директору дали выговор, а мне что положено?", None),
    # a transfer told as "you go to the warehouse", a seat in the archive, the dishes; a dative typed apart
    ("мастер ватсапқа «ертеңнен бастап складқа барасың» деп жазды", "transfer"),
    ("декреттен шықсам, мені архивке құжат сканерлеуге отырғызды", "transfer"),
    ("админ сказал в зал не выходи и поставил посуду мыть", "transfer"),
    ("нас поставили убирать бизнес-центр, в лифт не пускают", "conditions"),
    ("магазинде продавецпін, хозяйка склад қа жіберді", "transfer"),
    # a uniform bought with one's own money; a post given to a young man; a rank
    ("маған ғана форманы өз ақшама сатып алғызды", "conditions"),
    ("бас дәрігер бөлімге 35 жастағы ер жігітті тағайындады. Бұйрық 14 қарашада шықты", "promotion_training"),
    ("капитан шеніне ұсынатын тізімге мені енгізбеді", "promotion_training"),
    ("мне задержали очередное звание, хотя срок вышел", "promotion_training"),
    # the worker refusing is no hiring; fines and deductions for a shortage are conditions; the 13th salary in Latin
    ("бас тартқан соң ең ауыр жұмысты маған береді", "conditions"),
    ("bas medbike shtraf salady, 5 myn, 10 myn dep aiylyqtan ustap qalady", "conditions"),
    ("хозяйка штрафует, вычла 15 тысяч за недостачу", "conditions"),
    ("jeltoqsanda 13-shi aiylyqty bizge bermedi", "pay"),
    ("базарда сатушымын қожайын аз төлейд", "pay"),
])
def test_batch_37_stages(text: str, stage: str | None) -> None:
    assert _x(text).stage == stage


@pytest.mark.parametrize(("text", "grounds"), [
    ("нач говорит ты ж девочка тебе меньше надо", {"sex"}),
    ("ты девочка или мальчик", set()),
    ("цех басшысы ейел мастер болмайды деди", {"sex"}),
    ("әйелінің туыстары келді, «бөтен рудан адам үйде керек емес» деді", {"origin"}),
    ("не продлили контракт, кадровик сказал изза того что брат под следствием", {"other"}),
    ("начальница говорит у тебя детей куча, отпуск летом не дам", {"other"}),
    ("дир мені сен Серікбаевтардың баласысың деп шығарды", {"origin"}),
    ("жаңа төраға «әкеңнің кім екенін білемін» деп басқа ауданға ауыстырды", {"origin"}),
    ("прораб бұрын сотталған деп естіп, ертең келме деді", {"social_status"}),
    ("қожайын «сенде үй де жоқ» деп айлықты аз береді", {"property_status"}),
    ("начальница орет что я по русски как баран говорю", {"language"}),
    ("профсоюз у нас вроде есть, но молчит. премию срезали, мастер сказал ты русский", {"nationality"}),
    ("орамал таққан соң мені құжат тіркеуге отырғыздым деп ауыстырды", {"religion"}),
    ("бастық «банктің имиджі бар» деп орамалымды шешуді талап етеді", {"religion"}),
    ("больничных не брала, замечаний не было, а премию сняли", set()),
    ("ajyrasqan aielsin goi dep tunde jazady", {"other"}),
])
def test_batch_37_grounds(text: str, grounds: set[str]) -> None:
    assert set(_x(text).grounds) == grounds


@pytest.mark.parametrize(("text", "grounds", "stage"), [
    # a colleague's story told beside the worker's: not the worker's ground, dismissal or transfer; a place is no colleague
    ("Устроился грузчиком на склад в Алматы, испытательный срок два месяца. Через две недели нашли судимость, сказали "
     "«нам зэки не нужны» и уволили", {"social_status"}, "probation"),
    ("Біздің бөлімде әріптесім Айгүлді жүкті болғанда шығарып жіберген еді. Енді мен кәсіподаққа кіргенімді білгеннен кейін бастық маған "
     "жылдық сыйақы бермей қойды.", {"trade_union"}, "pay"),
    ("Әріптесім Серікті кәсіподаққа кірген үшін шығарып жіберді, мен оған куә болдым. Ал маған «сен әлі жассың» деп "
     "басқалардан 30 мың аз төлейді.", {"age"}, "pay"),
    ("Моего напарника уволили за прогулы. А мне начальник сказал «ты казах, работай в ночь» и поставил только ночные смены.",
     {"nationality"}, "conditions"),
    # a colleague promoted is the worker passed over
    ("Коллегу Асель повысили до старшего кассира. Мне начальница сказала: «ты по-казахски плохо говоришь»", {"language"},
     "promotion_training"),
])
def test_a_colleagues_story_is_not_the_workers(text: str, grounds: set[str], stage: str) -> None:
    s = _x(text)
    assert (set(s.grounds), s.stage) == (grounds, stage)


@pytest.mark.parametrize(("text", "grounds"), [
    # a reason given makes the worker's own facts told apart from what happened background
    ("Мен балалар үйінде өскенмін, әлі тұрмысқа шықпағанмын. Аға әкімші «сен әйелсің, аға сатушы бола алмайсың» деп, "
     "ол орынды кеше келген жігітке берді.", {"sex"}),
    ("Я кореянка, мне 41, разведена. Я подала заявление на место прораба, замдиректора ответил: «бабе прорабом не место».",
     {"sex"}),
    ("уволили за то что пришла в хиджабе. мне 23, не замужем, работала администратором", {"religion"}),
    # no reason given: the facts told stay
    ("Я кореянка. Меня уволили без объяснения причин.", {"nationality"}),
    ("коллегу прошлым летом выжили когда она была беременна, я теперь боюсь. я на 30 неделе, как подать на декрет?", {"pregnancy"}),
    ("я на 2 неделе работы, а уже штрафуют за опоздания", set()),
    # the worker's own dismissal told before a comparison with colleagues
    ("уволилась сама в феврале, при расчете мне не выплатили надбавку, которую коллегам выплатили", set()),
    # a reason supposed, then rejected; "the problem is not there" as a sentence of its own
    ("Алдымен ауылдық болғаным үшін қысым көрсетіп жүр ме деп ойладым, бірақ жоқ. Әкімші «орамалыңды шеш» деді.", {"religion"}),
    ("Намаз оқимын, сақалым бар. Бірақ мәселе онда емес. Кассаға «несиесі бар адамды қоймаймыз» деп алмады.", {"property_status"}),
    # what follows the "но" is no longer the supposition
    ("Думала, не взяли из-за возраста, мне 45, но нет, диспетчер сказал: «женщин водителями не берём»", {"sex"}),
    ("Әуелі руымды сұрады, думала ру үшін ғой деп, бірақ жоқ, оказывается у них требование только до 35 лет", {"age"}),
])
def test_background_facts_and_rejected_guesses_are_not_the_reason(text: str, grounds: set[str]) -> None:
    assert set(_x(text).grounds) == grounds


@pytest.mark.parametrize(("text", "stage"), [
    ("несием бар, сондықтан жұмыстан кете алмаймын. Бастық маған басқалардан аз төлейді", "pay"),
    ("Мне 34, ипотека, так что уйти сама не могу. Менеджер при покупателях передразнивает мой акцент", "harassment"),
    ("поставила мне все вечерние смены и сказала: «не нравится — увольняйся»", "conditions"),
    ("Меня тоже уволят ба деп қорқамын, мастер ең ауыр жұмысты маған береді", "conditions"),
    ("начальник парка snyal menya s marshruta, теперь я на подмене", "transfer"),
    ("администратор увидел тату и поставил меня на мойку, хотя на собеседовании тату было видно", "transfer"),
    ("кредит в Каспи ещё год платить. Начальник сказал старики не нужны и перевел в гараж", "transfer"),
    ("Городским проезд компенсируют, а нам нет", "pay"),
    ("хочу компенсацию морального вреда за унижения", "harassment"),
])
def test_batch_38_stages(text: str, stage: str) -> None:
    assert _x(text).stage == stage


# Round 39: grounds told indirectly (batch 39); written for these tests, not copied from the batch
@pytest.mark.parametrize(("text", "grounds"), [
    ("начальница говорит: ты дочку одна растишь, вечно будешь отпрашиваться", {"single_parent"}),
    ("мастер сказал: в твои годы на смене тяжело, иди в сторожа", {"age"}),
    ("бригадир смеётся: ты же не нашего ру, тебе и так сойдёт", {"origin"}),
    ("прораб «салмағыңнан баспалдақ сынады» деп бәрінің алдында күледі", {"other"}),
    ("мұғалімдер қауымдастығына мүше болғаным үшін директор сабағымды азайтты", {"public_association"}),
    ("терім қара болғандықтан клиенттермен жұмыс істетпейді", {"race"}),
    ("хабарландыруда «44 размерден аспайтын, сымбатты қыз керек» деп тұр", {"other"}),
    ("заставляет мыть его личную машину, а когда отказалась, лишил премии", set()),
])
def test_batch_39_grounds(text: str, grounds: set[str]) -> None:
    assert set(_x(text).grounds) == grounds


@pytest.mark.parametrize(("text", "stage"), [
    ("зарплату всей бригаде не платят, прораб говорит заказчик денег не перевел", "pay"),
    ("курсы по новой программе оплатили только старшим, меня на обучение не отправили", "promotion_training"),
    ("в такси берут 25% с заказа и штрафуют за отказ от заказа", "conditions"),
    ("мені кассадан алып, қоймаға аударды", "transfer"),
    ("директор «ұнамаса, заявление жаз» деп ұрсады", "harassment"),
    ("директор шақырып «заявление жаз» деді, қорыққаннан жаздым", "dismissal"),
    ("қазақ жігіттерге 40 мың үстеме қосып береді, маған бермейді", "pay"),
    ("бас тартсам премияңды кесемін дейді", "harassment"),
    ("жұмыстан айырыламын ба деп қорқамын, бастық күнде ұрсады", "harassment"),
    ("суретке түскенде мені шетке шығарып жіберді, бәрі күледі", "harassment"),
    ("дәрігер ауыр көтеруге тыйым салды, ал бастық тоқсандық сыйлықтан мені алып тастады", "pay"),
    ("супервайзер дауыс көтеріп ұрсады, басқаларға тиіспейді", "harassment"),
    ("был на собеседовании, а потом HR сказала что место уже занято, хотя вакансия висит", "hiring"),
    ("заставляет возить его жену, а теперь грозит выговором", "harassment"),
    ("ағылшыншаға аударып берші мына мәтінді", None),
])
def test_batch_39_stages(text: str, stage: str | None) -> None:
    assert _x(text).stage == stage


# Round 40: stages told by their signs (batch 40); written for these tests, not copied from the batch
@pytest.mark.parametrize(("text", "stage"), [
    ("вчера мой пропуск на проходной не сработал, охранник сказал что меня нет в списках", "dismissal"),
    ("охрана не пустила меня на завод, пропуск аннулировали", "dismissal"),
    ("заведующая велела сдать халат и ключи и больше не появляться", "dismissal"),
    ("хозяйка выставила мои вещи за дверь", "dismissal"),
    ("рұқсатнамам бұғатталған, күзетші мені ішке кіргізбеді", "dismissal"),
    ("бастық кілтті және формамды қайтарып алды", "dismissal"),
    ("жаңа кестеде атым мүлдем жоқ, бастық телефон алмайды", "dismissal"),
    ("енді келудің қажеті жоқ деді", "dismissal"),
    ("мені бухгалтериядан алып, кеңсені жинауға қойды", "transfer"),
    ("мені екі аптадан бері скамейкаға отырғызып қойды", "transfer"),
    ("терезесі жоқ бөлмеге отырғызды", "conditions"),
    ("диспетчер маған тапсырыс бермейді, бәрі басқаларға кетеді", "conditions"),
    ("начальник перестал отдавать мне клиентов", "conditions"),
    ("IT бөлімі ноутбугымды алып кетті", "conditions"),
    ("наурызда картама 140 мың түсті, жігіттерге 210 мыңнан", "pay"),
    ("курсқа баратындардың тізімі шықты, менің атым жоқ", "promotion_training"),
    ("сұхбаттан кейін «сізге хабарласамыз» деді, сол орынға танысын алды", "hiring"),
    ("чатқа «пайдасыз қызметкер» деп жазды", "harassment"),
])
def test_batch_40_stages(text: str, stage: str | None) -> None:
    assert _x(text).stage == stage


@pytest.mark.parametrize(("text", "stage"), [
    ("HR телефон көтермейді", "promotion_training"),  # a phone not picked up
    ("жалпы хат таратудан да шығарып тастады", "dismissal"),  # out of a mailing list
    ("демалыс кестесінде атым жоқ", "dismissal"),  # the vacation schedule
    ("охрана бизнес-центра не пускает собаку-поводыря", "dismissal"),  # the guide dog, not the worker
    ("приказ о курсах вышел, меня в списке нет", "dismissal"),  # a list of a course
])
def test_batch_40_signs_that_are_not_the_stage(text: str, stage: str) -> None:
    assert _x(text).stage != stage


@pytest.mark.parametrize(("text", "grounds"), [
    ("кадр маманы туған жылымды сұрады да, бас тартты", {"age"}),
    ("бетімдегі күйік ізін клиенттер көрмесін деп қоймаға жіберді", {"other"}),
])
def test_batch_40_grounds(text: str, grounds: set[str]) -> None:
    assert set(_x(text).grounds) == grounds


@pytest.mark.parametrize(("text", "date_text"), [
    # a month named with «айы» / «айының» or "за" (batch 40): a month without a day
    ("Тамыз айының ақшасы түсті: бәріне 230 мың, маған 150", "Тамыз айының"),
    ("Наурыз айы үшін картама аз түсті", "Наурыз айы"),
    ("за июль всем дали премию, кроме меня", "за июль"),
    ("за 2 дня до отпуска перевели на склад", None),
    ("қазанда палау пісіремін, бастық ұрсады", None),
])
def test_batch_40_months(text: str, date_text: str | None) -> None:
    s = _x(text)
    assert s.date_text == date_text and s.date is None


@pytest.mark.parametrize("text", [
    "сот орындаушы картамды бұғаттап тастады, бастық несиең бар деп ұрысты",  # a bank card, not a pass
    "бастық қойманың кілтін алып келуімді сұрады, мен кешігіп қалдым",  # keys brought, not taken back
])
def test_batch_40_signs_of_something_else(text: str) -> None:
    assert _x(text).stage != "dismissal"
