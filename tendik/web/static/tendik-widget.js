/*!
 * Теңдік (Tendik) website chat widget. MIT licence. https://github.com/ (Tendik project)
 *
 * Embed with one script tag:
 *   <script src="https://SERVICE/widget/tendik-widget.js" defer
 *           data-language="kk" data-position="bottom-right" data-primary-color="#0f5d8c"></script>
 * or set window.TendikConfig = {language, position, colors: {primary}, serviceUrl} before it.
 * Any element with a data-tendik-open attribute (="kk"/"ru" to pick the language) opens the chat.
 *
 * Everything is rendered inside a shadow root with its own styles: the host page is not restyled
 * and its styles do not leak in. The only global is window.TendikWidget. Text from the assistant
 * or the user is never parsed as HTML (DOM nodes + textContent only).
 */
(function () {
  "use strict";

  if (window.TendikWidget) return; // loaded twice: keep the first one

  var VERSION = "1.0.0";
  var LANGS = ["kk", "ru"];
  var STORE_KEY = "tendik-widget:v2";
  var OLD_STORE_KEYS = ["tendik-widget:v1"]; // held a guessable-looking id the server showed operators
  var DEFAULT_PRIMARY = "#0f5d8c";
  var CHAT_TIMEOUT_MS = 120000;
  var API_TIMEOUT_MS = 20000;
  var DRAFT_TIMEOUT_MS = 60000;
  var DRAFT_FORMATS = ["docx", "pdf"];
  var SELFCHECK = "/start_selfcheck"; // the self-check form's entry (its bubble shows the title)
  var POLL_MS = 3000; // while a person has the conversation: how often the operators' replies are asked for
  var POLL_MAX_MS = 30000; // the longest wait between polls after errors
  var script = document.currentScript;

  // ------------------------------------------------------------------ texts
  var T = {
    kk: {
      launcherOpen: "Теңдік чатын ашу: жұмыстағы кемсітушілік туралы құқықтық ақпарат",
      launcherClose: "Теңдік чатын жабу",
      title: "Теңдік",
      subtitle: "Жұмыстағы кемсітушілік туралы құқықтық ақпарат",
      dialog: "Теңдік чаты",
      langGroup: "Тіл",
      close: "Чатты жабу",
      menu: "Сөйлесу әрекеттері",
      newChat: "Жаңа сөйлесу",
      deleteChat: "Сөйлесуімді жою",
      confirmDelete: "Осы сөйлесу мен бағаларыңыз серверден біржола жойылсын ба?",
      confirmYes: "Иә, жою",
      confirmNo: "Болдырмау",
      log: "Хабарламалар",
      you: "Сіз:",
      bot: "Теңдік:",
      inputLabel: "Сұрағыңыз",
      placeholder: "Жағдайыңызды сипаттаңыз немесе сұрақ қойыңыз",
      hint: "Enter — жіберу, Shift+Enter — жаңа жол",
      send: "Жіберу",
      typing: "Теңдік жауап жазып жатыр…",
      welcome:
        "Сәлеметсіз бе! Мен Теңдікпін. Жұмыстағы кемсітушілік туралы Қазақстан заңы не дейтінін айтып, нақты норманы көрсетемін. " +
        "Бұл жеке заң кеңесі емес, құқықтық ақпарат.",
      suggestions: "Сұрақ үлгілері",
      examples: [
        "Жұмыстағы кемсітушілік деген не?",
        "Жүкті болғаным үшін жұмысқа алмады",
        "Әйелдерге ерлерден аз жалақы төлейді",
      ],
      topics: "Тақырыптар",
      selfcheck: "✅ Жағдайымды тексеру",
      selfcheckHint: "Бірнеше сұраққа жауап беріңіз: қайда және қай күнге дейін жүгінуге болатынын айтамын.",
      more: "Толығырақ",
      law: "Заң не дейді",
      cardShow: "Норма мәтінін көрсету",
      stale: "ескі редакция",
      staleNote: "Боттың базасындағы бұл мәтін {date} редакциясында; ол өзгерген болуы мүмкін. Қолданыстағы редакциясын adilet.zan.kz сайтынан тексеріңіз.",
      otherLang: "Бұл норманың мәтіні базада тек мына тілде бар: {lang}.",
      langNames: { ru: "орыс тілі", kk: "қазақ тілі", en: "ағылшын тілі" },
      source: "Мәтін көзі",
      newTab: "(жаңа бетте ашылады)",
      helpfulQ: "Жауап пайдалы болды ма?",
      helpful: "Пайдалы",
      notHelpful: "Пайдасыз",
      voteSaved: "Рахмет! Бағаңыз сақталды.",
      addComment: "Пікір қосу",
      commentLabel: "Жауапта не жетіспеді немесе не дұрыс емес? (міндетті емес; жеке деректеріңізді жазбаңыз)",
      commentSend: "Пікірді жіберу",
      commentSaved: "Рахмет! Пікіріңіз сақталды.",
      notSent: "Жіберілмеді.",
      retry: "Қайталау",
      offline: "Қызметпен байланыс орнамады. Интернет байланысын тексеріп, қайталап көріңізші.",
      unavailable: "Кешіріңіз, жауап беру қызметі уақытша қолжетімсіз. Бір минуттан кейін қайталап көріңізші.",
      empty: "Алдымен сұрағыңызды жазыңыз.",
      tooLong: "Хабарлама тым ұзын: {limit} таңбадан аспауы керек. Сұрағыңызды қысқартып жазыңызшы.",
      counter: "{n} / {max} таңба",
      newStarted: "Жаңа сөйлесу басталды.",
      historyFailed: "Алдыңғы сөйлесуді жүктеу мүмкін болмады.",
      footer: "Жеке заң кеңесі емес. Сөйлесу серверде сақталады, оны мәзірден жоюға болады.",
    },
    ru: {
      launcherOpen: "Открыть чат Теңдік: правовая информация о дискриминации на работе",
      launcherClose: "Закрыть чат Теңдік",
      title: "Теңдік",
      subtitle: "Правовая информация о дискриминации на работе",
      dialog: "Чат Теңдік",
      langGroup: "Язык",
      close: "Закрыть чат",
      menu: "Действия с разговором",
      newChat: "Новый разговор",
      deleteChat: "Удалить мой разговор",
      confirmDelete: "Удалить этот разговор и ваши оценки с сервера без возможности восстановления?",
      confirmYes: "Да, удалить",
      confirmNo: "Отмена",
      log: "Сообщения",
      you: "Вы:",
      bot: "Теңдік:",
      inputLabel: "Ваш вопрос",
      placeholder: "Опишите ситуацию или задайте вопрос",
      hint: "Enter — отправить, Shift+Enter — новая строка",
      send: "Отправить",
      typing: "Теңдік пишет ответ…",
      welcome:
        "Здравствуйте! Я Теңдік. Расскажу, что закон Казахстана говорит о дискриминации на работе, и укажу точную норму. " +
        "Это правовая информация, а не индивидуальная юридическая консультация.",
      suggestions: "Примеры вопросов",
      examples: [
        "Что такое дискриминация на работе?",
        "Меня уволили, когда я была беременна",
        "Женщинам платят меньше, чем мужчинам",
      ],
      topics: "Темы",
      selfcheck: "✅ Проверить мою ситуацию",
      selfcheckHint: "Ответьте на несколько вопросов: подскажу, куда и до какого срока можно обратиться.",
      more: "Подробнее",
      law: "Что говорит закон",
      cardShow: "Показать текст нормы",
      stale: "старая редакция",
      staleNote: "В базе бота этот текст в редакции от {date}; он мог измениться. Сверьте действующую редакцию на adilet.zan.kz.",
      otherLang: "Текст этой нормы в базе есть только на языке: {lang}.",
      langNames: { ru: "русский", kk: "казахский", en: "английский" },
      source: "Источник текста",
      newTab: "(откроется в новой вкладке)",
      helpfulQ: "Ответ был полезен?",
      helpful: "Полезно",
      notHelpful: "Не полезно",
      voteSaved: "Спасибо! Ваша оценка сохранена.",
      addComment: "Добавить комментарий",
      commentLabel: "Чего не хватило в ответе или что в нём не так? (необязательно; не пишите личные данные)",
      commentSend: "Отправить комментарий",
      commentSaved: "Спасибо! Комментарий сохранён.",
      notSent: "Не отправлено.",
      retry: "Повторить",
      offline: "Не удалось связаться с сервисом. Проверьте подключение к интернету и попробуйте ещё раз.",
      unavailable: "Извините, сервис ответов временно недоступен. Попробуйте, пожалуйста, через минуту.",
      empty: "Сначала напишите вопрос.",
      tooLong: "Сообщение слишком длинное: не больше {limit} символов. Сократите, пожалуйста, вопрос.",
      counter: "{n} / {max} символов",
      newStarted: "Начат новый разговор.",
      historyFailed: "Не удалось загрузить прошлый разговор.",
      footer: "Не индивидуальная консультация. Разговор хранится на сервере, его можно удалить в меню.",
    },
  };

  function fmt(s, vars) {
    return String(s).replace(/\{(\w+)\}/g, function (m, k) {
      return vars && vars[k] !== undefined ? String(vars[k]) : m;
    });
  }

  // ------------------------------------------------------------------ configuration
  function pickLang(value) {
    var code = String(value || "").toLowerCase().split("-")[0];
    return LANGS.indexOf(code) >= 0 ? code : null;
  }

  function httpUrl(value, base) {
    try {
      var u = new URL(String(value), base || window.location.href);
      return u.protocol === "http:" || u.protocol === "https:" ? u : null;
    } catch (e) {
      return null;
    }
  }

  function readConfig() {
    var data = (script && script.dataset) || {};
    var given = window.TendikConfig && typeof window.TendikConfig === "object" ? window.TendikConfig : {};
    var colors = given.colors && typeof given.colors === "object" ? given.colors : {};
    var base = null;
    var service = given.serviceUrl || data.serviceUrl;
    if (service) base = httpUrl(service);
    if (!base && script && script.src) base = httpUrl("../", script.src); // the script lives in /widget/
    if (!base) base = httpUrl("/");
    var position = given.position || data.position;
    return {
      base: base.href.replace(/\/?$/, "/"),
      language: pickLang(given.language || data.language),
      position: position === "bottom-left" ? "bottom-left" : "bottom-right",
      primary: parseColor(colors.primary || data.primaryColor) ? colors.primary || data.primaryColor : DEFAULT_PRIMARY,
      maxChars: Math.max(1, parseInt(given.maxMessageChars || data.maxMessageChars, 10) || 2000),
      openOnLoad: given.open === true || data.open === "true",
    };
  }

  // ------------------------------------------------------------------ colours and contrast
  function parseColor(value) {
    var m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(value || "").trim());
    if (!m) return null;
    var hex = m[1].length === 3 ? m[1].replace(/(.)/g, "$1$1") : m[1];
    return [0, 2, 4].map(function (i) {
      return parseInt(hex.substr(i, 2), 16);
    });
  }

  function luminance(rgb) {
    var c = rgb.map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function hex(rgb) {
    return "#" + rgb.map(function (v) {
      return ("0" + Math.round(v).toString(16)).slice(-2);
    }).join("");
  }

  function darken(rgb, t) {
    return rgb.map(function (v) {
      return v * (1 - t);
    });
  }

  /** The theme colours derived from the host's primary colour, every pair readable (>= 4.5:1). */
  function theme(primaryHex) {
    var white = [255, 255, 255], ink = [27, 31, 36];
    var primary = parseColor(primaryHex) || parseColor(DEFAULT_PRIMARY);
    var onPrimary = contrast(primary, white) >= contrast(primary, ink) ? white : ink;
    var t = 0;
    while (contrast(primary, onPrimary) < 4.5 && t < 1) {
      t += 0.05; // a mid-tone colour: darken it until white text on it is readable
      primary = darken(parseColor(primaryHex) || primary, t);
      onPrimary = white;
    }
    var accent = primary; // the colour used for text and borders on white
    t = 0;
    while (contrast(accent, white) < 4.5 && t < 1) {
      t += 0.05;
      accent = darken(primary, t);
    }
    return { primary: hex(primary), onPrimary: hex(onPrimary), accent: hex(accent) };
  }

  // ------------------------------------------------------------------ storage and ids
  var memoryStore = {};
  function loadState() {
    try {
      var raw = window.localStorage.getItem(STORE_KEY);
      var parsed = raw ? JSON.parse(raw) : {};
      return parsed && typeof parsed === "object" ? parsed : {};
    } catch (e) {
      return memoryStore; // storage blocked (privacy settings): keep the session in memory
    }
  }

  function saveState(s) {
    memoryStore = s;
    try {
      window.localStorage.setItem(STORE_KEY, JSON.stringify(s));
    } catch (e) {
      /* blocked or full: the in-memory copy is enough for this page */
    }
  }

  // The conversation key: 32 random bytes that only this browser holds. It is sent in request
  // bodies only; the server stores and shows a one-way hash of it, never the key itself.
  var KEY = /^[0-9a-f]{64}$/;

  function newKey() {
    var b = new Uint8Array(32);
    window.crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) {
      return ("0" + x.toString(16)).slice(-2);
    }).join("");
  }

  function forgetOldStores() {
    try {
      OLD_STORE_KEYS.forEach(function (k) { window.localStorage.removeItem(k); });
    } catch (e) {
      /* storage blocked: nothing to forget */
    }
  }

  // ------------------------------------------------------------------ DOM helpers (nodes and textContent only)
  var uid = 0;
  function nextId(prefix) {
    uid += 1;
    return "tw-" + prefix + "-" + uid;
  }

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") el.textContent = v;
      else if (k === "class") el.className = v;
      else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : v);
    });
    (children || []).forEach(function (c) {
      if (c) el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return el;
  }

  var SVG_NS = "http://www.w3.org/2000/svg";
  var ICONS = {
    chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3z",
    close: "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6 10.6 12 5 6.4z",
    down: "M7.4 8.6 12 13.2l4.6-4.6L18 10l-6 6-6-6z",
    more: "M6 10a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm6 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm6 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4z",
    send: "M3 20.5 21 12 3 3.5v6.6l12 1.9-12 1.9z",
    up: "M2 21h4V9H2v12zM22 10a2 2 0 0 0-2-2h-6.3l1-4.6V3a1.5 1.5 0 0 0-.5-1L13 1 7.6 6.6A2 2 0 0 0 7 8v11a2 2 0 0 0 2 2h9a2 2 0 0 0 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z",
    chevron: "M8.6 16.6 13.2 12 8.6 7.4 10 6l6 6-6 6z",
    book: "M21 5c-1.1-.3-2.3-.5-3.5-.5-1.9 0-4 .4-5.5 1.5-1.5-1.1-3.6-1.5-5.5-1.5S2.5 4.9 1 6v14.6c0 .3.3.5.5.5h.3C3.1 20.4 5 20 6.5 20c1.9 0 4 .4 5.5 1.5 1.3-.8 3.8-1.5 5.5-1.5 1.6 0 3.3.3 4.7 1.1.1 0 .2.1.3.1.3 0 .5-.3.5-.5V6c-.6-.5-1.2-.7-2-1zm0 13.5c-1.1-.3-2.3-.5-3.5-.5-1.7 0-4.2.7-5.5 1.5V8c1.3-.8 3.8-1.5 5.5-1.5 1.2 0 2.4.2 3.5.5v11.5z",
  };

  function icon(name, cls) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    if (cls) svg.setAttribute("class", cls);
    var path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", ICONS[name]);
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }

  var URL_RE = /\bhttps?:\/\/[^\s<>«»"']+/g;

  /** Text with its http(s) links made clickable (safely: new tab, no opener, no referrer). */
  function richText(el, text, lang) {
    var last = 0, m;
    text = String(text || "");
    URL_RE.lastIndex = 0;
    while ((m = URL_RE.exec(text))) {
      var url = m[0].replace(/[.,;:!?)\]]+$/, "");
      if (m.index > last) el.appendChild(document.createTextNode(text.slice(last, m.index)));
      el.appendChild(link(url, url, lang) || document.createTextNode(url));
      last = m.index + url.length;
      URL_RE.lastIndex = last;
    }
    if (last < text.length) el.appendChild(document.createTextNode(text.slice(last)));
    return el;
  }

  /** Text split into paragraphs at blank lines (single line breaks are kept inside a paragraph). */
  function paragraphs(el, text, lang) {
    String(text || "").split(/\n[ \t]*\n+/).forEach(function (para) {
      if (para.trim()) el.appendChild(richText(h("p", { class: "tw-p" }), para.replace(/^\n+|\n+$/g, ""), lang));
    });
    return el;
  }

  function link(href, label, lang) {
    var u = httpUrl(href);
    if (!u || !/^https?:\/\//i.test(String(href))) return null;
    return h("a", { href: u.href, target: "_blank", rel: "noopener noreferrer" }, [
      label,
      h("span", { class: "tw-sr", text: " " + T[lang].newTab }),
    ]);
  }

  // ------------------------------------------------------------------ styles (all inside the shadow root)
  var CSS = [
    ":host{all:initial !important;position:static !important;display:block !important;}",
    ".tw-root{--tw-primary:#0f5d8c;--tw-on-primary:#fff;--tw-accent:#0f5d8c;--tw-ink:#1b1f24;--tw-muted:#4b5563;",
    "--tw-line:#c9d1d9;--tw-bg:#f4f6f8;--tw-err:#b42318;",
    "font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Helvetica Neue',Arial,sans-serif;",
    "font-size:15px;line-height:1.45;color:var(--tw-ink);letter-spacing:normal;text-align:left;text-transform:none;",
    "font-weight:400;font-style:normal;word-spacing:normal;direction:ltr;-webkit-font-smoothing:antialiased;}",
    "*,*::before,*::after{box-sizing:border-box;}",
    "button,textarea{font:inherit;color:inherit;letter-spacing:inherit;margin:0;}",
    "button{cursor:pointer;-webkit-appearance:none;appearance:none;-webkit-tap-highlight-color:transparent;}",
    "[hidden]{display:none !important;}",
    ".tw-sr{position:absolute !important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0;}",
    "svg{width:20px;height:20px;display:block;flex:none;}",
    ":focus{outline:none;}",
    ":focus-visible{outline:3px solid var(--tw-ink);outline-offset:2px;}",
    // launcher
    ".tw-launcher{position:fixed;z-index:2147483000;bottom:20px;right:20px;width:60px;height:60px;border-radius:50%;",
    "border:2px solid var(--tw-on-primary);background:var(--tw-primary);color:var(--tw-on-primary);display:flex;",
    "align-items:center;justify-content:center;box-shadow:0 4px 14px rgba(0,0,0,.28);padding:0;}",
    ".tw-left .tw-launcher{right:auto;left:20px;}",
    ".tw-launcher svg{width:28px;height:28px;}",
    ".tw-launcher:focus-visible,.tw-header button:focus-visible{outline:2px solid transparent;",
    "box-shadow:0 0 0 3px #fff,0 0 0 6px #111;}",
    // panel
    ".tw-panel{position:fixed;z-index:2147483001;bottom:92px;right:20px;width:400px;max-width:calc(100vw - 32px);",
    "height:640px;max-height:calc(100vh - 112px);display:flex;flex-direction:column;background:#fff;",
    "border-radius:16px;box-shadow:0 12px 40px rgba(0,0,0,.3);overflow:hidden;border:1px solid var(--tw-line);}",
    ".tw-left .tw-panel{right:auto;left:20px;}",
    "@media (max-width:480px),(max-height:520px){.tw-panel{inset:0;width:100%;max-width:100%;height:100%;max-height:100%;",
    "border-radius:0;border:0;}.tw-open .tw-launcher{display:none;}}",
    "@media (max-width:400px){.tw-subtitle{display:none;}.tw-header{padding-left:12px;gap:4px;}}",
    // header
    ".tw-header{display:flex;align-items:center;gap:8px;padding:10px 10px 10px 16px;background:var(--tw-primary);color:var(--tw-on-primary);flex:none;}",
    ".tw-titles{flex:1;min-width:0;}",
    ".tw-title{font-size:17px;font-weight:700;margin:0;line-height:1.2;}",
    ".tw-subtitle{font-size:12.5px;margin:2px 0 0;line-height:1.3;}",
    ".tw-langs{display:flex;border:1.5px solid var(--tw-on-primary);border-radius:8px;overflow:hidden;flex:none;}",
    ".tw-lang{background:transparent;border:0;color:var(--tw-on-primary);padding:6px 8px;font-size:13px;font-weight:600;min-height:32px;}",
    ".tw-lang[aria-pressed=true]{background:var(--tw-on-primary);color:var(--tw-primary);}",
    ".tw-icon-btn{background:transparent;border:0;color:var(--tw-on-primary);width:40px;height:40px;border-radius:8px;",
    "display:flex;align-items:center;justify-content:center;padding:0;flex:none;}",
    ".tw-icon-btn:hover,.tw-lang:hover{text-decoration:underline;}",
    // menu
    ".tw-menu{border-bottom:1px solid var(--tw-line);background:#fff;padding:8px;display:flex;flex-direction:column;gap:4px;flex:none;}",
    ".tw-menu-item{background:#fff;border:1px solid var(--tw-line);border-radius:8px;padding:9px 12px;text-align:left;min-height:40px;}",
    ".tw-menu-item:hover{background:var(--tw-bg);}",
    ".tw-danger{color:var(--tw-err);border-color:var(--tw-err);}",
    ".tw-confirm{padding:8px 4px 2px;}",
    ".tw-confirm p{margin:0 0 8px;}",
    ".tw-row{display:flex;gap:8px;flex-wrap:wrap;}",
    ".tw-btn{border-radius:8px;padding:8px 14px;min-height:40px;border:1.5px solid var(--tw-accent);background:#fff;color:var(--tw-accent);font-weight:600;}",
    ".tw-btn-danger{background:var(--tw-err);border-color:var(--tw-err);color:#fff;}",
    // log
    ".tw-log{flex:1;overflow-y:auto;padding:14px 12px;background:var(--tw-bg);display:flex;flex-direction:column;gap:10px;",
    "overscroll-behavior:contain;}",
    ".tw-log:focus-visible{outline-offset:-3px;}",
    ".tw-msg{display:flex;flex-direction:column;max-width:92%;gap:6px;}",
    ".tw-msg-user{align-self:flex-end;align-items:flex-end;}",
    ".tw-msg-bot{align-self:flex-start;}",
    ".tw-bubble{padding:10px 13px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word;}",
    ".tw-msg-user .tw-bubble{background:var(--tw-primary);color:var(--tw-on-primary);border-bottom-right-radius:4px;}",
    ".tw-msg-user .tw-bubble a{color:inherit;}",
    ".tw-msg-bot .tw-bubble{background:#fff;border:1px solid var(--tw-line);border-bottom-left-radius:4px;}",
    ".tw-msg-notice .tw-bubble{background:#fff7ed;border:1px solid #c2410c;border-left-width:4px;color:#4a1d05;}",
    ".tw-msg-ok .tw-bubble{background:#ecfdf3;border:1px solid #067647;border-left-width:4px;color:#053321;}",
    // a person has the conversation: the operator's replies and what the service says about the handoff
    ".tw-msg-operator .tw-bubble{background:#eef6ff;border:1px solid var(--tw-accent);border-left-width:4px;color:var(--tw-ink);}",
    ".tw-msg-handoff .tw-bubble{background:#fff;border:1px dashed #6b7280;color:var(--tw-ink);font-size:14px;}",
    ".tw-bubble a{color:var(--tw-accent);text-decoration:underline;}",
    ".tw-failed{font-size:13px;color:var(--tw-err);display:flex;align-items:center;gap:8px;}",
    ".tw-link-btn{background:none;border:0;padding:4px 2px;color:var(--tw-accent);text-decoration:underline;font-weight:600;}",
    // citations
    ".tw-law{margin:8px 0 4px;display:flex;flex-direction:column;gap:6px;white-space:normal;}",
    ".tw-law-h{font-weight:700;margin:0;font-size:14px;display:flex;align-items:center;gap:6px;}",
    ".tw-law-h svg{width:18px;height:18px;color:var(--tw-accent);}",
    ".tw-p{margin:0 0 8px;}.tw-p:last-child{margin-bottom:0;}",
    ".tw-card{border:1px solid var(--tw-line);border-radius:10px;background:#fff;overflow:hidden;}",
    ".tw-card-btn{display:flex;gap:8px;align-items:flex-start;width:100%;text-align:left;background:#fff;border:0;padding:9px 10px;}",
    ".tw-card-btn:hover{background:var(--tw-bg);}",
    ".tw-card-btn:focus-visible{outline-offset:-3px;}",
    ".tw-card-btn svg{margin-top:1px;transition:transform .15s;color:var(--tw-accent);}",
    ".tw-card-btn[aria-expanded=true] svg{transform:rotate(90deg);}",
    ".tw-card-head{display:flex;flex-direction:column;min-width:0;}",
    ".tw-cite{font-weight:600;font-size:14px;}",
    ".tw-ed{font-size:13px;color:var(--tw-muted);}",
    ".tw-badge{display:inline-block;margin-left:6px;padding:0 6px;border-radius:6px;background:#fef3c7;color:#713f12;font-size:12px;font-weight:600;}",
    ".tw-card-body{padding:2px 12px 12px 38px;font-size:14px;}",
    ".tw-norm{margin:0 0 8px;padding:6px 0 6px 10px;border-left:3px solid var(--tw-accent);white-space:pre-wrap;}",
    ".tw-note{margin:0 0 6px;font-size:13px;color:var(--tw-muted);}",
    ".tw-card-body a{color:var(--tw-accent);font-size:13px;}",
    // a typed answer's sections
    ".tw-a-title{font-weight:700;margin:0 0 8px;}",
    ".tw-a-case{font-size:14px;}",
    ".tw-a-sec{margin:0 0 8px;white-space:normal;}",
    ".tw-a-h{font-weight:700;margin:0 0 4px;font-size:14px;}",
    ".tw-a-list{margin:0;padding-left:22px;white-space:pre-wrap;}",
    ".tw-a-list li{margin:0 0 4px;}",
    ".tw-a-note{margin:0 0 8px;font-size:14px;}",
    ".tw-a-disclaimer{margin:8px 0 0;font-size:13px;color:var(--tw-muted);font-style:italic;}",
    ".tw-quote{margin:0 0 8px;min-width:0;}",
    ".tw-cite-line{font-weight:600;font-size:13.5px;margin:0 0 4px;}",
    ".tw-quote .tw-norm{margin:0 0 6px;font-size:14px;}",
    ".tw-quote a{color:var(--tw-accent);font-size:13px;}",
    // chips and votes
    ".tw-chips{display:flex;flex-wrap:wrap;gap:6px;}",
    ".tw-chip{border:1.5px solid var(--tw-accent);color:var(--tw-accent);background:#fff;border-radius:999px;padding:6px 12px;",
    "font-size:14px;text-align:left;min-height:36px;line-height:1.25;}",
    ".tw-chip:hover{background:var(--tw-bg);text-decoration:underline;}",
    ".tw-send[aria-disabled=true],.tw-btn[aria-disabled=true]{cursor:progress;}",
    ".tw-vote{display:flex;flex-wrap:wrap;align-items:center;gap:6px;font-size:13px;color:var(--tw-muted);}",
    ".tw-vote-btn{display:inline-flex;align-items:center;gap:4px;border:1.5px solid var(--tw-line);background:#fff;",
    "color:var(--tw-ink);border-radius:999px;padding:4px 10px;min-height:32px;font-size:13px;}",
    ".tw-vote-btn svg{width:16px;height:16px;}",
    ".tw-vote-btn.tw-down svg{transform:rotate(180deg);}",
    ".tw-vote-btn[aria-pressed=true]{background:var(--tw-accent);border-color:var(--tw-accent);color:#fff;}",
    ".tw-feedback{display:flex;flex-direction:column;align-items:flex-start;gap:4px;}",
    ".tw-reasons{display:flex;flex-direction:column;gap:4px;font-size:13px;color:var(--tw-muted);}",
    ".tw-reason[aria-pressed=true]{background:var(--tw-accent);color:#fff;}",
    ".tw-comment{display:flex;flex-direction:column;gap:6px;width:100%;font-size:13px;}",
    ".tw-comment-input{width:100%;min-height:60px;flex:none;}",
    // a draft's downloads
    ".tw-draft{display:flex;flex-direction:column;gap:6px;background:#fff;border:1px solid var(--tw-line);border-radius:10px;",
    "padding:8px 10px;font-size:14px;}",
    ".tw-draft-caption{margin:0;}",
    ".tw-draft-status{font-size:13px;color:var(--tw-muted);}",
    ".tw-draft-status:empty,.tw-draft-error:empty{display:none;}",
    ".tw-draft[aria-busy=true] .tw-draft-btn{cursor:progress;}",
    // the self-check's entry in the welcome message
    ".tw-entry{display:flex;flex-direction:column;align-items:flex-start;gap:4px;}",
    ".tw-entry-hint{margin:0;font-size:13px;color:var(--tw-muted);}",
    // typing
    ".tw-typing{align-self:flex-start;display:flex;gap:5px;padding:12px 14px;background:#fff;border:1px solid var(--tw-line);border-radius:14px;}",
    ".tw-typing span{width:8px;height:8px;border-radius:50%;background:var(--tw-muted);animation:tw-blink 1.2s infinite ease-in-out;}",
    ".tw-typing span:nth-child(2){animation-delay:.2s;}.tw-typing span:nth-child(3){animation-delay:.4s;}",
    "@keyframes tw-blink{0%,80%,100%{opacity:.25;transform:translateY(0);}40%{opacity:1;transform:translateY(-3px);}}",
    "@media (prefers-reduced-motion:reduce){.tw-typing span{animation:none;opacity:.7;}.tw-card-btn svg{transition:none;}}",
    // form
    ".tw-form{flex:none;border-top:1px solid var(--tw-line);padding:10px 10px 6px;background:#fff;}",
    ".tw-input-row{display:flex;gap:8px;align-items:flex-end;}",
    ".tw-input,.tw-comment-input{flex:1;min-width:0;resize:none;border:1.5px solid #6b7280;border-radius:10px;padding:9px 11px;min-height:44px;",
    "max-height:140px;background:#fff;color:var(--tw-ink);line-height:1.4;}",
    ".tw-input::placeholder{color:#5f6773;opacity:1;}",
    ".tw-input:focus-visible,.tw-comment-input:focus-visible{outline:3px solid var(--tw-accent);outline-offset:1px;}",
    ".tw-input[aria-invalid=true]{border-color:var(--tw-err);}",
    ".tw-send{width:44px;height:44px;border-radius:10px;border:0;background:var(--tw-primary);color:var(--tw-on-primary);",
    "display:flex;align-items:center;justify-content:center;padding:0;flex:none;}",
    ".tw-meta{display:flex;justify-content:space-between;gap:8px;font-size:12.5px;color:var(--tw-muted);min-height:18px;padding-top:3px;}",
    ".tw-counter{white-space:nowrap;margin-left:auto;}",
    ".tw-error{color:var(--tw-err);font-weight:600;}",
    ".tw-over{color:var(--tw-err);}",
    ".tw-footer{flex:none;margin:0;padding:4px 12px 8px;font-size:12px;color:var(--tw-muted);background:#fff;line-height:1.35;}",
    "@media (forced-colors:active){.tw-launcher,.tw-send,.tw-chip,.tw-card,.tw-bubble{border:1px solid CanvasText;}}",
  ].join("");

  function adoptStyles(root) {
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet]; // not blocked by the host page's style-src CSP
    } catch (e) {
      root.appendChild(h("style", { text: CSS }));
    }
  }

  // ------------------------------------------------------------------ the widget
  function Widget(cfg) {
    this.cfg = cfg;
    forgetOldStores();
    var stored = loadState();
    this.key = KEY.test(stored.key || "") ? stored.key : null;
    this.lang = pickLang(stored.lang) || cfg.language || pickLang(document.documentElement.lang) ||
      pickLang(navigator.language) || "kk";
    this.isOpen = false;
    this.busy = false;
    this.loaded = false;
    this.handoffAfter = 0; // the last handoff line this widget has (the polling cursor)
    this.pollTimer = null;
    this.polling = false;
    this.pollDelay = POLL_MS;
    this.i18n = []; // [element, attribute or "text", key]
    this.build();
    this.applyLanguage();
    if (stored.open || cfg.openOnLoad) this.open(false);
    var self = this;
    window.addEventListener("storage", function (e) {
      if (e.key === STORE_KEY) self.syncFromOtherTab();
    });
  }

  /** Another tab of the same site started, changed or deleted the conversation: follow it. */
  Widget.prototype.syncFromOtherTab = function () {
    var s = loadState();
    var key = KEY.test(s.key || "") ? s.key : null;
    if (pickLang(s.lang) && s.lang !== this.lang) {
      this.lang = s.lang;
      this.applyLanguage();
    }
    if (key === this.key) return;
    this.key = key;
    this.resetHandoff();
    while (this.log.firstChild) this.log.removeChild(this.log.firstChild);
    this.welcome = null;
    this.loaded = false;
    if (this.isOpen) this.loadHistory();
  };

  Widget.prototype.t = function (key) {
    return T[this.lang][key];
  };

  /** Remember an element whose text/attribute follows the language toggle. */
  Widget.prototype.tr = function (el, attr, key) {
    this.i18n.push([el, attr, key]);
    return el;
  };

  Widget.prototype.persist = function () {
    saveState({ key: this.key, lang: this.lang, open: this.isOpen });
  };

  Widget.prototype.build = function () {
    var self = this;
    var colors = theme(this.cfg.primary);
    this.host = h("tendik-widget", { "data-tendik-widget": VERSION });
    this.shadow = this.host.attachShadow({ mode: "open" });
    adoptStyles(this.shadow);
    this.root = h("div", { class: "tw-root" + (this.cfg.position === "bottom-left" ? " tw-left" : "") });
    this.root.style.setProperty("--tw-primary", colors.primary);
    this.root.style.setProperty("--tw-on-primary", colors.onPrimary);
    this.root.style.setProperty("--tw-accent", colors.accent);

    this.launcher = h("button", {
      type: "button", class: "tw-launcher", "aria-haspopup": "dialog", "aria-expanded": "false", "aria-controls": "tw-panel",
      onclick: function () { self.toggle(); },
      onkeydown: function (e) { if (e.key === "Escape" && self.isOpen) { e.preventDefault(); self.close(); } },
    }, [icon("chat", "tw-ico-chat")]);

    this.title = this.tr(h("h2", { class: "tw-title", id: "tw-title" }), "text", "title");
    this.langButtons = LANGS.map(function (code) {
      return h("button", {
        type: "button", class: "tw-lang", lang: code, "aria-pressed": "false", "data-lang": code,
        text: code === "kk" ? "ҚАЗ" : "РУС", "aria-label": code === "kk" ? "Қазақша" : "Русский",
        onclick: function () { self.setLanguage(code); },
      });
    });
    this.menuButton = this.tr(h("button", {
      type: "button", class: "tw-icon-btn tw-menu-btn", "aria-expanded": "false", "aria-controls": "tw-menu",
      onclick: function () { self.toggleMenu(); },
    }, [icon("more")]), "aria-label", "menu");
    this.closeButton = this.tr(h("button", {
      type: "button", class: "tw-icon-btn tw-close", onclick: function () { self.close(); },
    }, [icon("close")]), "aria-label", "close");
    var langGroup = this.tr(h("div", { class: "tw-langs", role: "group" }, this.langButtons), "aria-label", "langGroup");
    var header = h("div", { class: "tw-header" }, [
      h("div", { class: "tw-titles" }, [this.title, this.tr(h("p", { class: "tw-subtitle" }), "text", "subtitle")]),
      langGroup, this.menuButton, this.closeButton,
    ]);

    this.newButton = this.tr(h("button", {
      type: "button", class: "tw-menu-item tw-new", onclick: function () { self.newConversation(); },
    }), "text", "newChat");
    this.deleteButton = this.tr(h("button", {
      type: "button", class: "tw-menu-item tw-danger tw-delete", onclick: function () { self.askDelete(); },
    }), "text", "deleteChat");
    this.confirmYes = this.tr(h("button", {
      type: "button", class: "tw-btn tw-btn-danger tw-confirm-yes", onclick: function () { self.deleteConversation(); },
    }), "text", "confirmYes");
    this.confirmNo = this.tr(h("button", {
      type: "button", class: "tw-btn tw-confirm-no", onclick: function () { self.cancelDelete(); },
    }), "text", "confirmNo");
    this.confirmText = this.tr(h("p", { id: "tw-confirm-text" }), "text", "confirmDelete");
    this.confirm = h("div", { class: "tw-confirm", role: "group", "aria-labelledby": "tw-confirm-text", hidden: true }, [
      this.confirmText, h("div", { class: "tw-row" }, [this.confirmYes, this.confirmNo]),
    ]);
    this.menu = h("div", { class: "tw-menu", id: "tw-menu", hidden: true }, [this.newButton, this.deleteButton, this.confirm]);

    this.log = this.tr(h("div", {
      class: "tw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0",
    }), "aria-label", "log");
    this.typing = h("div", { class: "tw-typing", "aria-hidden": "true", hidden: true }, [h("span"), h("span"), h("span")]);
    this.status = h("div", { class: "tw-sr", role: "status", "aria-live": "polite" });

    this.input = this.tr(this.tr(h("textarea", {
      id: "tw-input", class: "tw-input", rows: "1", "aria-describedby": "tw-hint tw-input-error",
      autocomplete: "off", spellcheck: "true",
      oninput: function () { self.onInput(); },
      onkeydown: function (e) { self.onInputKey(e); },
    }), "placeholder", "placeholder"), "aria-label", "inputLabel");
    this.sendButton = this.tr(h("button", { type: "submit", class: "tw-send" }, [icon("send")]), "aria-label", "send");
    this.counter = h("span", { class: "tw-counter", "aria-hidden": "true" });
    this.inputError = h("span", { class: "tw-error", id: "tw-input-error", role: "alert" });
    this.form = h("form", {
      class: "tw-form", novalidate: true,
      onsubmit: function (e) { e.preventDefault(); self.submit(); },
    }, [
      h("div", { class: "tw-input-row" }, [this.input, this.sendButton]),
      h("div", { class: "tw-meta" }, [this.inputError, this.counter]),
      this.tr(h("span", { class: "tw-sr", id: "tw-hint" }), "text", "hint"),
    ]);

    this.panel = h("div", {
      id: "tw-panel", class: "tw-panel", role: "dialog", "aria-modal": "false", hidden: true, // aria-label: applyLanguage
      onkeydown: function (e) { self.onPanelKey(e); },
    }, [header, this.menu, this.log, this.status, this.form,
      this.tr(h("p", { class: "tw-footer" }), "text", "footer")]);

    this.root.appendChild(this.panel);
    this.root.appendChild(this.launcher);
    this.shadow.appendChild(this.root);
    (document.body || document.documentElement).appendChild(this.host);
  };

  Widget.prototype.applyLanguage = function () {
    var self = this;
    this.root.setAttribute("lang", this.lang);
    this.i18n.forEach(function (item) {
      if (item[1] === "text") item[0].textContent = self.t(item[2]);
      else item[0].setAttribute(item[1], self.t(item[2]));
    });
    this.launcher.setAttribute("aria-label", this.t(this.isOpen ? "launcherClose" : "launcherOpen"));
    this.langButtons.forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-lang") === self.lang));
    });
    this.panel.setAttribute("aria-label", this.t("dialog"));
    if (this.welcome) {
      var fresh = this.renderWelcome();
      this.log.replaceChild(fresh, this.welcome);
      this.welcome = fresh;
    }
    this.onInput(true);
  };

  Widget.prototype.setLanguage = function (code) {
    code = pickLang(code);
    if (!code) return;
    this.lang = code;
    this.persist();
    this.applyLanguage();
  };

  // ---------------------------------------------------------------- open / close / keyboard
  Widget.prototype.open = function (focus) {
    if (!this.isOpen) {
      this.isOpen = true;
      this.panel.hidden = false;
      this.root.classList.add("tw-open");
      this.launcher.setAttribute("aria-expanded", "true");
      this.launcher.replaceChild(icon("down"), this.launcher.firstChild);
      this.launcher.setAttribute("aria-label", this.t("launcherClose"));
      this.persist();
      if (!this.loaded) this.loadHistory();
      this.onInput(true);
    }
    if (focus !== false) this.input.focus();
  };

  Widget.prototype.close = function () {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.closeMenu();
    this.panel.hidden = true;
    this.root.classList.remove("tw-open");
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcher.replaceChild(icon("chat"), this.launcher.firstChild);
    this.launcher.setAttribute("aria-label", this.t("launcherOpen"));
    this.persist();
    this.launcher.focus();
  };

  Widget.prototype.toggle = function () {
    if (this.isOpen) this.close();
    else this.open(true);
  };

  Widget.prototype.onPanelKey = function (e) {
    if (e.key !== "Escape") return;
    e.preventDefault();
    e.stopPropagation();
    if (!this.menu.hidden) {
      this.closeMenu();
      this.menuButton.focus();
    } else {
      this.close();
    }
  };

  Widget.prototype.toggleMenu = function () {
    if (this.menu.hidden) {
      this.menu.hidden = false;
      this.menuButton.setAttribute("aria-expanded", "true");
      this.newButton.focus();
    } else {
      this.closeMenu();
    }
  };

  Widget.prototype.closeMenu = function () {
    this.menu.hidden = true;
    this.confirm.hidden = true;
    this.menuButton.setAttribute("aria-expanded", "false");
  };

  // ---------------------------------------------------------------- input
  Widget.prototype.count = function (text) {
    return Array.from(text.trim()).length; // code points, as the server counts
  };

  Widget.prototype.onInput = function (quiet) {
    var n = this.count(this.input.value), max = this.cfg.maxChars;
    this.counter.textContent = n > max * 0.8 ? fmt(this.t("counter"), { n: n, max: max }) : "";
    this.counter.className = "tw-counter" + (n > max ? " tw-over" : "");
    if (!quiet || n > max) this.setInputError(n > max ? fmt(this.t("tooLong"), { limit: max }) : "");
    if (!this.isOpen) return;
    this.input.style.height = "auto";
    this.input.style.height = Math.min(this.input.scrollHeight + 3, 140) + "px";
  };

  Widget.prototype.setInputError = function (text) {
    this.inputError.textContent = text || "";
    this.input.setAttribute("aria-invalid", text ? "true" : "false");
  };

  Widget.prototype.onInputKey = function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.submit();
    }
  };

  Widget.prototype.submit = function () {
    var text = this.input.value.trim();
    if (!text) {
      this.setInputError(this.t("empty"));
      return;
    }
    if (this.count(text) > this.cfg.maxChars) {
      this.setInputError(fmt(this.t("tooLong"), { limit: this.cfg.maxChars }));
      return;
    }
    if (this.busy) return;
    this.input.value = "";
    this.onInput();
    this.send(text, text);
  };

  // ---------------------------------------------------------------- network
  Widget.prototype.api = function (method, path, body, timeout) {
    var url = new URL(path, this.cfg.base);
    var ctrl = typeof AbortController === "function" ? new AbortController() : null;
    var timer = ctrl ? setTimeout(function () { ctrl.abort(); }, timeout || API_TIMEOUT_MS) : null;
    var init = {
      method: method, credentials: "omit", mode: "cors", cache: "no-store", referrerPolicy: "strict-origin",
      headers: { "Accept-Language": this.lang }, signal: ctrl ? ctrl.signal : undefined,
    };
    if (body) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(url.href, init).then(function (resp) {
      return resp.json().then(function (data) {
        return { status: resp.status, data: data || {} };
      }, function () {
        return { status: resp.status, data: {} };
      });
    }).then(function (r) {
      if (timer) clearTimeout(timer);
      return r;
    }, function (err) {
      if (timer) clearTimeout(timer);
      return { status: 0, data: {}, error: err };
    });
  };

  Widget.prototype.send = function (text, shown, retryOf, retryLang) {
    var self = this;
    if (!this.key) {
      this.key = newKey();
      this.persist();
    }
    var lang = retryLang || this.lang; // a retried message keeps the language it was written in
    var bubble = retryOf || this.addUser(shown, lang);
    this.setBusy(true);
    return this.api("POST", "api/chat", { conversation_key: this.key, message: text, language: lang }, CHAT_TIMEOUT_MS)
      .then(function (r) {
        self.setBusy(false);
        var msgs = (r.data && r.data.messages) || [];
        if (r.status === 200) {
          self.addBotMessages(msgs, lang);
          self.setHandoff(r.data.handoff, false);
          return;
        }
        if (r.data && r.data.error === "bad_conversation") {
          self.key = null; // the stored key is not usable: the next message starts a new conversation
          self.persist();
        }
        self.markFailed(bubble, text, shown, lang, r.status === 0 || r.status === 503 || r.status === 429);
        self.addNotice(msgs.length ? msgs[0].text : self.t(r.status === 0 ? "offline" : "unavailable"), lang);
      });
  };

  Widget.prototype.setBusy = function (busy) {
    this.busy = busy;
    this.sendButton.setAttribute("aria-disabled", String(busy)); // not disabled: it would drop the focus
    if (busy) {
      this.log.appendChild(this.typing); // always the last item of the log while it is shown
      this.status.textContent = this.t("typing");
      this.typing.hidden = false;
      this.scrollTo(this.typing);
    } else {
      this.status.textContent = "";
      this.typing.hidden = true;
    }
    this.log.setAttribute("aria-busy", String(busy));
  };

  Widget.prototype.loadHistory = function () {
    var self = this;
    this.loaded = true;
    this.welcome = this.renderWelcome();
    this.log.appendChild(this.welcome);
    if (!this.key) return Promise.resolve();
    this.log.setAttribute("aria-busy", "true");
    var key = this.key;
    return this.api("POST", "api/history", { conversation_key: key, language: this.lang }).then(function (r) {
      self.log.setAttribute("aria-busy", "false");
      if (key !== self.key) return;
      if (r.status === 200) {
        var lang = self.lang; // each reply is in the language of the message before it
        (r.data.messages || []).forEach(function (m) {
          if (m.role === "user") {
            lang = pickLang(m.language) || lang;
            self.addUser(m.text, lang, true);
          } else {
            self.addBotMessages([m], lang, true);
          }
        });
        self.scrollTo(null);
        self.setHandoff(r.data.handoff, true); // a case open (or a line waiting): ask at once
      } else if (r.status === 400) {
        self.key = null;
        self.persist();
      } else {
        self.addNotice(self.t("historyFailed") + " " + ((r.data && r.data.message) || self.t("offline")), self.lang);
      }
    });
  };

  // ---------------------------------------------------------------- a person has the conversation
  /** What the service says about the handoff (every chat reply, the history, each poll): poll every
   *  few seconds while ``poll`` is true (a case is open, or a line waits), stop when it is not. */
  Widget.prototype.setHandoff = function (s, now) {
    if (!s || typeof s !== "object") return;
    if (typeof s.after === "number" && s.after > this.handoffAfter) this.handoffAfter = s.after;
    this.root.setAttribute("data-handoff", s.open === true ? "open" : "none");
    if (s.poll === true) this.startPolling(now ? 0 : POLL_MS);
    else this.stopPolling();
  };

  Widget.prototype.startPolling = function (delay) {
    var self = this;
    if (this.pollTimer || this.polling || !this.key) return;
    this.pollTimer = setTimeout(function () {
      self.pollTimer = null;
      self.poll();
    }, delay);
  };

  Widget.prototype.stopPolling = function () {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.pollDelay = POLL_MS;
  };

  Widget.prototype.resetHandoff = function () {
    this.stopPolling();
    this.handoffAfter = 0;
    this.root.setAttribute("data-handoff", "none");
  };

  /** One poll: the operators' replies (and claimed / closed) since the last line this widget has. */
  Widget.prototype.poll = function () {
    var self = this, key = this.key, lang = this.lang;
    if (!key || this.polling) return Promise.resolve();
    this.polling = true;
    return this.api("POST", "api/handoff/updates", { conversation_key: key, after: this.handoffAfter, language: lang })
      .then(function (r) {
        self.polling = false;
        if (key !== self.key) return; // a new conversation meanwhile
        if (r.status === 200) {
          self.pollDelay = POLL_MS;
          var msgs = (r.data && r.data.messages) || [];
          if (msgs.length) self.addBotMessages(msgs, lang);
          self.setHandoff(r.data.handoff, false);
        } else if (r.status === 400) {
          self.stopPolling(); // this conversation cannot be asked about (its key is refused)
        } else {
          self.pollDelay = Math.min(self.pollDelay * 2, POLL_MAX_MS); // offline, busy, rate-limited: later
          self.startPolling(self.pollDelay);
        }
      });
  };

  // ---------------------------------------------------------------- rendering
  Widget.prototype.scrollTo = function (el) {
    var log = this.log;
    if (!el) {
      log.scrollTop = log.scrollHeight;
      return;
    }
    log.scrollTop = Math.max(0, el.offsetTop - log.offsetTop - 8);
  };

  Widget.prototype.append = function (el, quiet) {
    if (this.typing.parentNode === this.log && !this.typing.hidden) this.log.insertBefore(el, this.typing);
    else this.log.appendChild(el);
    if (!quiet) this.scrollTo(el);
    return el;
  };

  Widget.prototype.renderWelcome = function () {
    var self = this;
    var chips = h("div", { class: "tw-chips", role: "group", "aria-label": this.t("suggestions") },
      this.t("examples").map(function (q) {
        return h("button", { type: "button", class: "tw-chip", onclick: function () { self.choose(q, q); } }, [q]);
      }));
    var hintId = nextId("entry");
    var entry = h("div", { class: "tw-entry" }, [
      h("button", {
        type: "button", class: "tw-btn tw-selfcheck", "data-payload": SELFCHECK, "aria-describedby": hintId,
        text: this.t("selfcheck"), onclick: function () { self.choose(SELFCHECK, self.t("selfcheck")); },
      }),
      h("p", { class: "tw-entry-hint", id: hintId, text: this.t("selfcheckHint") }),
    ]);
    return h("div", { class: "tw-msg tw-msg-bot tw-welcome", lang: this.lang }, [
      h("span", { class: "tw-sr", text: this.t("bot") }),
      paragraphs(h("div", { class: "tw-bubble" }), this.t("welcome"), this.lang),
      chips,
      entry,
    ]);
  };

  Widget.prototype.choose = function (payload, title) {
    if (this.busy) return;
    this.send(payload, title);
  };

  Widget.prototype.addUser = function (text, lang, quiet) {
    return this.append(h("div", { class: "tw-msg tw-msg-user", lang: lang || this.lang }, [
      h("span", { class: "tw-sr", text: this.t("you") }),
      richText(h("div", { class: "tw-bubble" }), text, this.lang),
    ]), quiet);
  };

  Widget.prototype.markFailed = function (bubble, text, shown, lang, canRetry) {
    var self = this;
    if (!bubble || bubble.querySelector(".tw-failed")) return;
    var row = h("div", { class: "tw-failed" }, [h("span", { text: this.t("notSent") })]);
    if (canRetry) {
      row.appendChild(h("button", {
        type: "button", class: "tw-link-btn tw-retry", text: this.t("retry"),
        onclick: function () {
          if (self.busy) return;
          bubble.removeChild(row);
          self.send(text, shown, bubble, lang);
        },
      }));
    }
    bubble.appendChild(row);
  };

  Widget.prototype.addNotice = function (text, lang, ok) {
    return this.append(h("div", { class: "tw-msg tw-msg-bot " + (ok ? "tw-msg-ok" : "tw-msg-notice"), lang: lang || this.lang }, [
      h("span", { class: "tw-sr", text: this.t("bot") }),
      paragraphs(h("div", { class: "tw-bubble" }), text, lang || this.lang),
    ]));
  };

  Widget.prototype.addBotMessages = function (messages, lang, quiet) {
    var self = this, first = null;
    messages.forEach(function (m) {
      if (m && m.kind === "error") {
        self.addNotice(m.text, lang);
        return;
      }
      var el = self.renderBot(m || {}, lang);
      self.append(el, true);
      first = first || el;
    });
    if (first && !quiet) this.scrollTo(first);
  };

  Widget.prototype.renderBot = function (m, lang) {
    var self = this;
    var bubble = h("div", { class: "tw-bubble" });
    var answer = m.answer && typeof m.answer === "object" ? m.answer : null;
    var citations = answer && Array.isArray(answer.citations) ? answer.citations : [];
    var sections = answer && Array.isArray(answer.sections) ? answer.sections : [];
    if (!this.renderSections(bubble, sections, citations, lang)) {
      // no sections: a greeting, a menu, or an answer stored before answers had them
      if (m.text) paragraphs(bubble, m.text, lang);
      if (citations.length) bubble.appendChild(this.renderCitations(citations, T[lang].law, lang));
    }

    var children = [h("span", { class: "tw-sr", text: T[lang].bot }), bubble];
    var buttons = (Array.isArray(m.buttons) ? m.buttons : []).filter(function (b) {
      return b && typeof b.title === "string" && typeof b.payload === "string" && b.title && b.payload;
    });
    if (buttons.length) {
      children.push(h("div", { class: "tw-chips", role: "group", "aria-label": sections.length ? T[lang].more : T[lang].topics },
        buttons.map(function (b) {
          return h("button", {
            type: "button", class: "tw-chip", "data-payload": b.payload,
            onclick: function () { self.choose(b.payload, b.title); },
          }, [b.title]);
        })));
    }
    var draft = this.renderDraft(m.draft, lang);
    if (draft) children.push(draft);
    if (answer && typeof answer.answer_id === "string" && answer.answer_id) children.push(this.renderVote(answer, lang));
    var kind = m.kind === "operator" ? " tw-msg-operator" : m.kind === "handoff" ? " tw-msg-handoff" : "";
    return h("div", { class: "tw-msg tw-msg-bot" + kind, lang: lang }, children);
  };

  /** A draft that came with a message: its caption and a download button per format (the file is
   *  made by the service on request, from this conversation's stored message). */
  Widget.prototype.renderDraft = function (d, lang) {
    var self = this;
    if (!d || typeof d !== "object" || typeof d.answer_id !== "string" || !d.answer_id) return null;
    var formats = (Array.isArray(d.formats) ? d.formats : []).filter(function (f) {
      return f && typeof f === "object" && DRAFT_FORMATS.indexOf(f.format) >= 0;
    });
    if (!formats.length) return null;
    var captionId = nextId("draft");
    var status = h("span", { class: "tw-draft-status", role: "status" });
    var error = h("span", { class: "tw-error tw-draft-error", role: "alert" });
    var box = h("div", { class: "tw-draft", role: "group", "aria-labelledby": captionId, "aria-busy": "false" });
    var buttons = formats.map(function (f) {
      return h("button", {
        type: "button", class: "tw-btn tw-draft-btn", "data-format": f.format,
        text: str(f.label) || f.format.toUpperCase(),
        onclick: function () { self.downloadDraft(d, f.format, box, buttons, status, error, lang); },
      });
    });
    box.appendChild(h("p", { class: "tw-draft-caption", id: captionId, text: str(d.caption) }));
    box.appendChild(h("div", { class: "tw-row" }, buttons));
    box.appendChild(status);
    box.appendChild(error);
    return box;
  };

  function fileName(disposition, fallback) {
    var m = /filename="?([A-Za-z0-9._-]+)"?/.exec(String(disposition || ""));
    return m ? m[1] : fallback;
  }

  /** POST /api/draft, then the file saved through a blob URL and an <a download>; errors in the
   *  user's language (the service's message, or "offline"). Resolves to true when saved. */
  Widget.prototype.downloadDraft = function (d, format, box, buttons, status, error, lang) {
    var self = this;
    // not disabled while busy: a disabled button would lose the keyboard focus
    if (box.getAttribute("aria-busy") === "true") return Promise.resolve(false);
    box.setAttribute("aria-busy", "true");
    buttons.forEach(function (b) { b.setAttribute("aria-disabled", "true"); });
    status.textContent = str(d.busy);
    error.textContent = "";
    var ctrl = typeof AbortController === "function" ? new AbortController() : null;
    var timer = ctrl ? setTimeout(function () { ctrl.abort(); }, DRAFT_TIMEOUT_MS) : null;
    function done(ok, message) {
      if (timer) clearTimeout(timer);
      box.setAttribute("aria-busy", "false");
      buttons.forEach(function (b) { b.setAttribute("aria-disabled", "false"); });
      status.textContent = ok ? message : "";
      error.textContent = ok ? "" : message;
      return ok;
    }
    return fetch(new URL("api/draft", this.cfg.base).href, {
      method: "POST", credentials: "omit", mode: "cors", cache: "no-store", referrerPolicy: "strict-origin",
      headers: { "Accept-Language": lang, "Content-Type": "application/json" }, signal: ctrl ? ctrl.signal : undefined,
      body: JSON.stringify({ conversation_key: this.key, answer_id: d.answer_id, format: format, language: lang }),
    }).then(function (resp) {
      var type = resp.headers.get("Content-Type") || "";
      if (resp.ok && type.indexOf("application/json") < 0) {
        var name = fileName(resp.headers.get("Content-Disposition"), "draft." + format);
        return resp.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var a = h("a", { href: url, download: name, hidden: true });
          self.root.appendChild(a);
          a.click();
          self.root.removeChild(a);
          setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
          return done(true, fmt(str(d.done), { name: name }));
        });
      }
      return resp.json().then(function (data) {
        return done(false, (data && typeof data.message === "string" && data.message) || T[lang].offline);
      }, function () {
        return done(false, T[lang].offline);
      });
    }).catch(function () {
      return done(false, T[lang].offline);
    });
  };

  function str(v) {
    return typeof v === "string" ? v : "";
  }

  function strings(v) {
    return (Array.isArray(v) ? v : []).filter(function (x) { return typeof x === "string" && x.trim(); });
  }

  var MARKS = { title: "📌 ", law: "📖 ", steps: "✅ ", route: "🏛 ", deadline: "⏳ ", note: "⚠️ ", warning: "⚠️ " };

  /** A typed answer rendered from its sections (no text is parsed); false when there are none. */
  Widget.prototype.renderSections = function (bubble, sections, citations, lang) {
    var self = this, shown = 0;
    sections.forEach(function (s) {
      if (!s || typeof s !== "object") return;
      var kind = str(s.kind), heading = str(s.heading).trim(), text = str(s.text).trim(), items = strings(s.items);
      var el = null;
      if (kind === "title") {
        if (text) el = h("p", { class: "tw-a-title", text: text });
      } else if (kind === "situation") {
        if (text) el = h("p", { class: "tw-p tw-a-case" }, [heading ? h("strong", { text: heading + ": " }) : null, text]);
      } else if (kind === "law") {
        el = self.renderLaw(s, heading, citations, lang);
      } else if (kind === "disclaimer") {
        if (text) el = h("p", { class: "tw-a-disclaimer", text: text });
      } else if ((kind === "note" || kind === "warning") && !items.length) {
        if (text) el = richText(h("p", { class: "tw-a-note" }), MARKS[kind] + text, lang);
      } else if (text || items.length) {
        el = h("div", { class: "tw-a-sec tw-a-" + (kind.replace(/[^a-z_]/g, "") || "x") });
        if (heading) el.appendChild(h("p", { class: "tw-a-h", text: (MARKS[kind] || "") + heading }));
        if (text) paragraphs(el, text, lang);
        if (items.length) {
          el.appendChild(h(kind === "steps" ? "ol" : "ul", { class: "tw-a-list" }, items.map(function (i) {
            return richText(h("li"), i, lang);
          })));
        }
      }
      if (el) {
        bubble.appendChild(el);
        shown += 1;
      }
    });
    return shown > 0;
  };

  /** A law section: each citation it quotes as "citation, edition" over the verbatim norm. */
  Widget.prototype.renderLaw = function (s, heading, citations, lang) {
    var self = this;
    var notes = Array.isArray(s.notes) ? s.notes : [];
    var quotes = (Array.isArray(s.citations) ? s.citations : []).map(function (i, n) {
      var c = typeof i === "number" && i >= 0 && i % 1 === 0 ? citations[i] : null;
      return c && typeof c === "object" ? self.renderQuote(c, str(notes[n]).trim(), lang) : null;
    }).filter(Boolean);
    if (!quotes.length) return null;
    var hid = nextId("law");
    var box = h("div", { class: "tw-law", role: "group" }, heading ? [h("p", { class: "tw-law-h", id: hid }, [icon("book"), heading])] : []);
    if (heading) box.setAttribute("aria-labelledby", hid);
    else box.setAttribute("aria-label", T[lang].law);
    quotes.forEach(function (q) { box.appendChild(q); });
    return box;
  };

  Widget.prototype.renderQuote = function (c, note, lang) {
    var tx = T[lang];
    var cite = str(c.citation).trim(), edition = str(c.edition).trim();
    var head = [cite.charAt(0).toUpperCase() + cite.slice(1), edition].filter(Boolean).join(", ");
    var out = h("figure", { class: "tw-quote", "data-norm": str(c.norm_id) }, [
      h("figcaption", { class: "tw-cite-line" }, [head, c.stale === true ? h("span", { class: "tw-badge", text: tx.stale }) : null]),
      h("blockquote", { class: "tw-norm", lang: pickLang(c.text_lang) || (c.text_lang === "en" ? "en" : lang), text: str(c.text) }),
    ]);
    if (note) out.appendChild(h("p", { class: "tw-note", text: note }));
    var url = str(c.source_url);
    var src = url ? link(url, tx.source + ": " + (httpUrl(url) || {}).hostname, lang) : null;
    if (src) out.appendChild(h("p", { class: "tw-note" }, [src]));
    return out;
  };

  Widget.prototype.renderCitations = function (citations, heading, lang) {
    var self = this;
    var hid = nextId("law");
    var box = h("div", { class: "tw-law", role: "group", "aria-labelledby": hid }, [
      h("p", { class: "tw-law-h", id: hid }, [icon("book"), heading || T[lang].law]),
    ]);
    citations.forEach(function (c) {
      box.appendChild(self.renderCard(c, lang));
    });
    return box;
  };

  Widget.prototype.renderCard = function (c, lang) {
    var tx = T[lang];
    var bodyId = nextId("norm");
    var cite = String(c.citation || "");
    var head = h("span", { class: "tw-card-head" }, [
      h("span", { class: "tw-cite", text: cite.charAt(0).toUpperCase() + cite.slice(1) }),
      h("span", { class: "tw-ed" }, [String(c.edition || ""), c.stale ? h("span", { class: "tw-badge", text: tx.stale }) : null]),
    ]);
    var body = h("div", { class: "tw-card-body", id: bodyId, hidden: true });
    if (c.text_lang && c.text_lang !== lang) {
      body.appendChild(h("p", { class: "tw-note", text: fmt(tx.otherLang, { lang: tx.langNames[c.text_lang] || c.text_lang }) }));
    }
    body.appendChild(h("blockquote", { class: "tw-norm", lang: c.text_lang || lang, text: String(c.text || "") }));
    if (c.stale) body.appendChild(h("p", { class: "tw-note", text: fmt(tx.staleNote, { date: c.edition_date || "" }) }));
    var src = c.source_url ? link(c.source_url, tx.source + ": " + (httpUrl(c.source_url) || {}).hostname, lang) : null;
    if (src) body.appendChild(h("p", { class: "tw-note" }, [src]));
    var button = h("button", {
      type: "button", class: "tw-card-btn", "aria-expanded": "false", "aria-controls": bodyId,
      onclick: function () {
        var open = button.getAttribute("aria-expanded") !== "true";
        button.setAttribute("aria-expanded", String(open));
        body.hidden = !open;
      },
    }, [icon("chevron"), head, h("span", { class: "tw-sr", text: " " + tx.cardShow })]);
    return h("div", { class: "tw-card", "data-norm": c.norm_id || "" }, [button, body]);
  };

  Widget.prototype.renderVote = function (answer, lang) {
    var self = this, tx = T[lang];
    var status = h("span", { class: "tw-vote-status", role: "status" });
    var qid = nextId("vote");
    var buttons = [["helpful", tx.helpful, "up", ""], ["not_helpful", tx.notHelpful, "up", " tw-down"]].map(function (v) {
      return h("button", {
        type: "button", class: "tw-vote-btn" + v[3], "data-vote": v[0], "aria-pressed": String(answer.vote === v[0]),
        onclick: function () {
          self.vote(answer.answer_id, v[0], buttons, status, lang).then(function (ok) {
            if (ok && comment.form.hidden) comment.opener.hidden = false;
            if (ok) self.renderReasons(reasons, answer.answer_id, ok, status, lang);
          });
        },
      }, [icon(v[2]), v[1]]);
    });
    var group = h("div", { class: "tw-vote", role: "group", "aria-labelledby": qid }, [
      h("span", { id: qid, text: tx.helpfulQ }),
    ].concat(buttons, [status]));
    var comment = this.renderComment(answer, lang, buttons, status);
    comment.opener.hidden = !answer.vote;
    var reasons = h("div", { class: "tw-reasons", hidden: true });
    return h("div", { class: "tw-feedback" }, [group, reasons, comment.opener, comment.form]);
  };

  /** After a 👎: the reasons the service offers (its texts), as chips that POST the reason with the
   * vote; hidden again after a 👍. */
  Widget.prototype.renderReasons = function (box, answerId, data, status, lang) {
    var self = this;
    while (box.firstChild) box.removeChild(box.firstChild);
    box.hidden = !(data.vote === "not_helpful" && data.reasons && data.reasons.length);
    if (box.hidden) return;
    var qid = nextId("reason");
    var chips = data.reasons.map(function (r) {
      return h("button", {
        type: "button", class: "tw-chip tw-reason", "data-reason": r.code, "aria-pressed": String(data.reason === r.code),
        onclick: function () {
          if (box.getAttribute("aria-busy") === "true") return;
          box.setAttribute("aria-busy", "true");
          self.api("POST", "api/vote", { conversation_key: self.key, answer_id: answerId, vote: "not_helpful", reason: r.code, language: lang })
            .then(function (res) {
              box.setAttribute("aria-busy", "false");
              if (res.status === 200) {
                chips.forEach(function (c) { c.setAttribute("aria-pressed", String(c.getAttribute("data-reason") === r.code)); });
              }
              status.textContent = (res.data && res.data.message) || T[lang].offline;
            });
        },
      }, [r.label]);
    });
    box.appendChild(h("span", { id: qid, class: "tw-reasons-q", text: data.reason_question || "" }));
    box.appendChild(h("div", { class: "tw-chips", role: "group", "aria-labelledby": qid }, chips));
  };

  /** The optional comment after a vote: a link that opens a small form. */
  Widget.prototype.renderComment = function (answer, lang, buttons, status) {
    var self = this, tx = T[lang];
    var inputId = nextId("comment"), errorId = nextId("comment-err");
    var input = h("textarea", { id: inputId, class: "tw-comment-input", rows: "2", maxlength: "1000",
      "aria-describedby": errorId });
    var error = h("span", { class: "tw-error", id: errorId, role: "alert" });
    var opener = h("button", { type: "button", class: "tw-link-btn tw-comment-open", text: tx.addComment,
      "aria-expanded": "false", "aria-controls": inputId + "-form",
      onclick: function () {
        form.hidden = false;
        opener.hidden = true;
        opener.setAttribute("aria-expanded", "true");
        input.focus();
      },
    });
    var form = h("form", {
      id: inputId + "-form", class: "tw-comment", hidden: true, novalidate: true,
      onsubmit: function (e) {
        e.preventDefault();
        var text = input.value.trim();
        if (!text) {
          error.textContent = tx.empty;
          return;
        }
        self.api("POST", "api/comment", { conversation_key: self.key, answer_id: answer.answer_id, comment: text, language: lang })
          .then(function (r) {
            if (r.status === 200) {
              form.hidden = true;
              status.textContent = (r.data && r.data.message) || tx.commentSaved;
              var pressed = buttons.filter(function (b) { return b.getAttribute("aria-pressed") === "true"; })[0];
              (pressed || buttons[0]).focus(); // the form is gone: keep the focus nearby
            } else {
              error.textContent = (r.data && r.data.message) || tx.offline;
            }
          });
      },
    }, [
      h("label", { for: inputId, text: tx.commentLabel }),
      input,
      error,
      h("div", { class: "tw-row" }, [h("button", { type: "submit", class: "tw-btn tw-comment-send", text: tx.commentSend })]),
    ]);
    return { opener: opener, form: form };
  };

  /** Resolves to the service's answer (truthy) when the vote was saved, else false. */
  Widget.prototype.vote = function (answerId, choice, buttons, status, lang) {
    var self = this, group = buttons[0].parentNode;
    // not disabled while saving: a disabled button would lose the keyboard focus
    if (group.getAttribute("aria-busy") === "true") return Promise.resolve(false);
    group.setAttribute("aria-busy", "true");
    return this.api("POST", "api/vote", { conversation_key: this.key, answer_id: answerId, vote: choice, language: lang })
      .then(function (r) {
        group.setAttribute("aria-busy", "false");
        buttons.forEach(function (b) {
          if (r.status === 200) b.setAttribute("aria-pressed", String(b.getAttribute("data-vote") === choice));
        });
        status.textContent = r.status === 200 ? T[lang].voteSaved : (r.data && r.data.message) || T[lang].offline;
        if (r.status !== 200) self.status.textContent = status.textContent;
        return r.status === 200 ? (r.data || { vote: choice }) : false;
      });
  };

  // ---------------------------------------------------------------- conversation actions
  Widget.prototype.clearLog = function () {
    while (this.log.firstChild) this.log.removeChild(this.log.firstChild);
    this.welcome = this.renderWelcome();
    this.log.appendChild(this.welcome);
    this.loaded = true;
  };

  Widget.prototype.newConversation = function () {
    this.key = null; // a new key is made when the first message is sent
    this.resetHandoff();
    this.persist();
    this.closeMenu();
    this.clearLog();
    this.status.textContent = this.t("newStarted");
    this.input.focus();
  };

  Widget.prototype.askDelete = function () {
    this.confirm.hidden = false;
    this.confirmNo.focus();
  };

  Widget.prototype.cancelDelete = function () {
    this.confirm.hidden = true;
    this.deleteButton.focus();
  };

  Widget.prototype.deleteConversation = function () {
    var self = this, lang = this.lang;
    if (!this.key) {
      this.newConversation();
      return Promise.resolve();
    }
    if (this.confirmYes.getAttribute("aria-disabled") === "true") return Promise.resolve();
    this.confirmYes.setAttribute("aria-disabled", "true");
    return this.api("POST", "api/delete", { conversation_key: this.key, language: lang }).then(function (r) {
      self.confirmYes.setAttribute("aria-disabled", "false");
      if (r.status === 200) {
        self.key = null;
        self.resetHandoff();
        self.persist();
        self.closeMenu();
        self.clearLog();
        self.addNotice(r.data.message, lang, true);
        self.input.focus();
      } else {
        self.closeMenu();
        self.addNotice((r.data && r.data.message) || T[lang].offline, lang);
        self.menuButton.focus();
      }
    });
  };

  // ------------------------------------------------------------------ start
  var instance = null;
  var readyResolve;
  var ready = new Promise(function (resolve) { readyResolve = resolve; });

  /** Any element of the host page with a data-tendik-open attribute opens the chat. */
  function onHostClick(e) {
    var el = e.target && e.target.closest ? e.target.closest("[data-tendik-open]") : null;
    if (!el || !instance) return;
    e.preventDefault();
    var lang = pickLang(el.getAttribute("data-tendik-open"));
    if (lang) instance.setLanguage(lang);
    instance.open(true);
  }

  function start() {
    if (instance) return;
    instance = new Widget(readConfig());
    document.addEventListener("click", onHostClick);
    if (window.performance && performance.mark) performance.mark("tendik-widget-ready");
    readyResolve(api);
  }

  var api = {
    version: VERSION,
    ready: ready,
    open: function () { if (instance) instance.open(true); },
    close: function () { if (instance) instance.close(); },
    toggle: function () { if (instance) instance.toggle(); },
    setLanguage: function (code) { if (instance) instance.setLanguage(code); },
    newConversation: function () { if (instance) instance.newConversation(); },
  };
  try {
    Object.defineProperty(window, "TendikWidget", { value: Object.freeze(api), configurable: true });
  } catch (e) {
    window.TendikWidget = api;
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
