/*!
 * Теңдік (Tendik) course and quiz view. MIT licence.
 *
 * Put it on any page of the site that serves the widget:
 *   <div data-tendik-learn data-language="kk"></div>
 *   <script src="https://SERVICE/widget/tendik-learn.js" defer></script>
 * (data-service-url on the script tag, or window.TendikLearnConfig = {serviceUrl}, when the page is
 * elsewhere). The view resumes where the learner stopped: short lessons, each with its norm quoted
 * verbatim with its edition, then quiz questions as a radio group (arrow keys move, Enter or the
 * button checks), feedback announced through a polite live region, missed questions back for
 * review later. Progress is kept on the server under a one-way hash of a random key that only this
 * browser holds (localStorage "tendik-learn:v1"); "delete my progress" erases it there.
 *
 * Rendered in a shadow root with its own styles; text from the server is set with textContent only.
 */
(function () {
  "use strict";

  if (window.TendikLearn) return;

  var LANGS = ["kk", "ru"];
  var STORE_KEY = "tendik-learn:v1";
  var KEY = /^[0-9a-f]{64}$/;
  var TIMEOUT_MS = 20000;
  var script = document.currentScript;
  // Shown only when the service cannot be reached (every other label comes from the server).
  var OFFLINE = {
    kk: "Сервиспен байланыс жоқ. Кейінірек қайталап көріңіз.",
    ru: "Не удалось связаться с сервисом. Попробуйте позже.",
  };

  function pickLang(value) {
    var code = String(value || "").toLowerCase().split("-")[0];
    return LANGS.indexOf(code) >= 0 ? code : null;
  }

  function fmt(s, vars) {
    return String(s).replace(/\{(\w+)\}/g, function (m, k) {
      return vars && vars[k] !== undefined ? String(vars[k]) : m;
    });
  }

  function serviceBase() {
    var given = window.TendikLearnConfig && window.TendikLearnConfig.serviceUrl;
    var data = (script && script.dataset && script.dataset.serviceUrl) || null;
    try {
      if (given || data) return new URL(String(given || data), window.location.href).href.replace(/\/?$/, "/");
      if (script && script.src) return new URL("../", script.src).href;
    } catch (e) {
      /* fall through */
    }
    return new URL("/", window.location.href).href;
  }

  // ------------------------------------------------------------------ the learner's key
  var memory = null;
  function loadKey() {
    try {
      var raw = JSON.parse(window.localStorage.getItem(STORE_KEY) || "{}");
      return raw && KEY.test(raw.key || "") ? raw.key : null;
    } catch (e) {
      return memory;
    }
  }

  function saveKey(key) {
    memory = key;
    try {
      if (key) window.localStorage.setItem(STORE_KEY, JSON.stringify({ key: key }));
      else window.localStorage.removeItem(STORE_KEY);
    } catch (e) {
      /* storage blocked: this page keeps it in memory */
    }
  }

  function newKey() {
    var b = new Uint8Array(32);
    window.crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }

  // ------------------------------------------------------------------ DOM (nodes and textContent only)
  var uid = 0;
  function nextId(p) { uid += 1; return "tl-" + p + "-" + uid; }

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") el.textContent = v;
      else if (k.indexOf("on") === 0) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : String(v));
    });
    (children || []).forEach(function (c) { if (c) el.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return el;
  }

  var CSS = [
    ":host{all:initial;display:block;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1b1f24;}",
    "*{box-sizing:border-box;}",
    ".tl{max-width:720px;margin:0 auto;padding:16px;background:#fff;border:1px solid #d0d7de;border-radius:12px;}",
    "h2{font-size:1.3em;margin:0 0 4px;}h3{font-size:1.1em;margin:12px 0 8px;}",
    ".tl-muted{color:#57606a;font-size:.93em;margin:0 0 12px;}",
    ".tl-list{list-style:none;margin:12px 0;padding:0;}.tl-list li{margin:0 0 6px;}",
    "button{font:inherit;min-height:44px;padding:8px 14px;border-radius:8px;border:1px solid #0f5d8c;background:#fff;color:#0a4a70;cursor:pointer;}",
    "button.tl-primary{background:#0f5d8c;color:#fff;}",
    "button:focus-visible,input:focus-visible+span,a:focus-visible{outline:3px solid #0a4a70;outline-offset:2px;}",
    ".tl-lesson-btn{width:100%;text-align:left;}.tl-done::before{content:'✓ ';}",
    ".tl-actions{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0 0;}",
    ".tl-norm{margin:12px 0;padding:8px 12px;border-left:4px solid #0f5d8c;background:#f6f8fa;}",
    ".tl-norm p{margin:4px 0;white-space:pre-line;}.tl-cite{font-weight:600;}",
    "fieldset{border:1px solid #d0d7de;border-radius:8px;margin:12px 0;padding:8px 12px;}",
    "legend{font-weight:600;padding:0 4px;}",
    ".tl-option{display:flex;gap:10px;align-items:flex-start;padding:10px 8px;border-radius:8px;cursor:pointer;min-height:44px;}",
    ".tl-option:hover{background:#f6f8fa;}.tl-option input{width:20px;height:20px;margin:2px 0 0;flex:none;}",
    ".tl-option.tl-right{background:#dafbe1;}.tl-option.tl-wrong{background:#ffebe9;}",
    ".tl-feedback{margin:8px 0;min-height:1.5em;}.tl-feedback strong{display:block;}",
    ".tl-error{color:#a40e26;font-weight:600;}",
    ".tl-foot{margin-top:16px;border-top:1px solid #d0d7de;padding-top:8px;}",
    ".tl-foot button{border-color:#a40e26;color:#a40e26;}",
    "@media (max-width:420px){.tl{padding:12px;border-radius:0;border-left:0;border-right:0;}button{width:100%;}}",
    "@media (forced-colors:active){.tl-option.tl-right,.tl-option.tl-wrong{border:2px solid CanvasText;}}",
  ].join("");

  function adoptStyles(root) {
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      root.appendChild(h("style", { text: CSS }));
    }
  }

  // ------------------------------------------------------------------ one view
  function View(host, base) {
    this.base = base;
    this.lang = pickLang(host.getAttribute("data-language")) || pickLang(document.documentElement.lang) || "ru";
    this.key = loadKey();
    this.L = null;
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    if (root !== host) adoptStyles(root);
    this.live = h("div", { class: "tl-live", role: "status", "aria-live": "polite", "aria-atomic": "true", style: null });
    this.main = h("div", { class: "tl-body" });
    this.box = h("section", { class: "tl", "aria-labelledby": nextId("t") }, [this.main, this.live]);
    this.titleId = this.box.getAttribute("aria-labelledby");
    root.appendChild(this.box);
    this.host = host;
    this.start();
  }

  View.prototype.t = function (name, vars) {
    return fmt((this.L && this.L[name]) || "", vars);
  };

  View.prototype.say = function (text) {
    this.live.textContent = "";
    var live = this.live;
    setTimeout(function () { live.textContent = text; }, 50); // re-announced even when the same
  };

  View.prototype.api = function (method, path, body) {
    var url = new URL(path, this.base);
    if (method === "GET") url.searchParams.set("language", this.lang);
    var init = { method: method, headers: { Accept: "application/json" }, credentials: "omit" };
    if (body) {
      if (!this.key) { this.key = newKey(); saveKey(this.key); }
      body.conversation_key = this.key;
      body.language = this.lang;
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    var ctrl = window.AbortController ? new AbortController() : null;
    if (ctrl) { init.signal = ctrl.signal; setTimeout(function () { ctrl.abort(); }, TIMEOUT_MS); }
    return fetch(url.href, init).then(function (resp) {
      return resp.json().then(function (data) { return { status: resp.status, data: data }; });
    }).catch(function () { return { status: 0, data: null }; });
  };

  View.prototype.fail = function (r) {
    var msg = (r && r.data && r.data.message) || (this.L && this.L.offline) || OFFLINE[this.lang];
    this.clear();
    this.main.appendChild(h("p", { class: "tl-error", role: "alert", text: msg }));
  };

  View.prototype.clear = function () {
    while (this.main.firstChild) this.main.removeChild(this.main.firstChild);
  };

  View.prototype.heading = function (text) {
    var el = h("h2", { id: this.titleId, tabindex: "-1", text: text });
    this.main.appendChild(el);
    return el;
  };

  View.prototype.button = function (label, onClick, primary) {
    return h("button", { type: "button", class: primary ? "tl-primary" : null, text: label, onclick: onClick });
  };

  View.prototype.start = function () {
    var self = this;
    return this.api("GET", "api/learn/course").then(function (r) {
      if (r.status !== 200) return self.fail(r);
      self.L = r.data.labels;
      return self.overview(false);
    });
  };

  // ---------------------------------------------------------------- the course overview
  View.prototype.overview = function (focus) {
    var self = this;
    return this.api("POST", "api/learn/progress", {}).then(function (r) {
      if (r.status !== 200) return self.fail(r);
      var p = r.data;
      self.clear();
      var head = self.heading(self.t("title"));
      self.main.appendChild(h("p", { class: "tl-muted", text: self.t("progress", { done: p.completed, total: p.total }) }));
      var actions = h("div", { class: "tl-actions" });
      if (p.due) {
        actions.appendChild(self.button(self.t("review", { count: p.due }), function () { self.review(); }, true));
      }
      if (p.resume) {
        var resume = p.lessons.filter(function (l) { return l.id === p.resume; })[0];
        actions.appendChild(self.button(self.t("start") + ": " + resume.number + ". " + resume.title,
          function () { self.lesson(p.resume, false); }, !p.due));
      } else {
        self.main.appendChild(h("p", { text: self.t("courseDone") }));
      }
      self.main.appendChild(actions);
      var listId = nextId("contents");
      self.main.appendChild(h("h3", { id: listId, text: self.t("contents") }));
      var list = h("ol", { class: "tl-list", "aria-labelledby": listId });
      p.lessons.forEach(function (l) {
        list.appendChild(h("li", {}, [h("button", {
          type: "button", class: "tl-lesson-btn" + (l.completed ? " tl-done" : ""), "data-lesson": l.id,
          text: l.number + ". " + l.title, onclick: function () { self.lesson(l.id, l.completed); },
        })]));
      });
      self.main.appendChild(list);
      self.main.appendChild(h("div", { class: "tl-foot" }, [self.button(self.t("delete"), function () { self.forget(); })]));
      if (focus) head.focus();
    });
  };

  // ---------------------------------------------------------------- a lesson
  View.prototype.lesson = function (lessonId, restart) {
    var self = this;
    return this.api("POST", "api/learn/start", { lesson_id: lessonId, restart: !!restart }).then(function (r) {
      if (r.status !== 200) return self.fail(r);
      var l = r.data.lesson, pending = r.data.pending;
      self.clear();
      var head = self.heading(self.t("lessonNumber", { n: l.number, total: l.total }) + ". " + l.title);
      self.main.appendChild(h("p", { text: l.text }));
      var norm = h("figure", { class: "tl-norm" }, [
        h("figcaption", { class: "tl-cite", text: self.t("law") + ": " + l.norm.citation + ", " + l.norm.edition }),
        h("blockquote", { lang: l.norm.text_lang }, [h("p", { text: l.norm.text })]),
      ]);
      l.norm.notes.forEach(function (n) { norm.appendChild(h("p", { class: "tl-muted", text: n })); });
      if (l.norm.source_url) {
        norm.appendChild(h("p", {}, [h("a", { href: l.norm.source_url, rel: "noopener noreferrer", target: "_blank", text: self.t("source") })]));
      }
      self.main.appendChild(norm);
      var questions = l.quiz.filter(function (q) { return pending.indexOf(q.id) >= 0; });
      var actions = h("div", { class: "tl-actions" }, [
        self.button(self.t("nextQuestion"), function () { self.ask(questions, 0, "lesson", l); }, true),
        self.button(self.t("contents"), function () { self.overview(true); }),
      ]);
      self.main.appendChild(actions);
      head.focus();
    });
  };

  // ---------------------------------------------------------------- a question
  View.prototype.ask = function (questions, index, mode, lesson) {
    var self = this, q = questions[index];
    this.clear();
    var head = this.heading(mode === "review" ? this.t("reviewIntro", { count: questions.length - index }) :
      this.t("lessonNumber", { n: lesson.number, total: lesson.total }) + ". " + lesson.title);
    var name = nextId("q");
    var legend = h("legend", {}, [
      h("span", { class: "tl-muted", text: this.t("question", { n: index + 1, total: questions.length }) + " " }),
      h("span", { text: q.question }),
    ]);
    var labels = [];
    var fieldset = h("fieldset", { role: "radiogroup" }, [legend]);
    q.options.forEach(function (text, n) {
      var input = h("input", { type: "radio", name: name, value: String(n) });
      var label = h("label", { class: "tl-option" }, [input, h("span", { text: text })]);
      labels.push(label);
      fieldset.appendChild(label);
    });
    var feedback = h("div", { class: "tl-feedback" });
    var check = h("button", { type: "submit", class: "tl-primary", text: this.t("check") });
    var form = h("form", {
      novalidate: true,
      onsubmit: function (e) {
        e.preventDefault();
        var chosen = form.querySelector("input:checked");
        if (!chosen) { feedback.textContent = self.t("choose"); self.say(self.t("choose")); return; }
        if (check.getAttribute("aria-disabled") === "true") return;
        check.setAttribute("aria-disabled", "true");
        self.api("POST", "api/learn/answer", { question_id: q.id, option: parseInt(chosen.value, 10), mode: mode })
          .then(function (r) {
            if (r.status !== 200) { check.setAttribute("aria-disabled", "false"); return self.fail(r); }
            self.graded(r.data, questions, index, mode, lesson, labels, feedback, form, check);
          });
      },
    }, [fieldset, feedback, h("div", { class: "tl-actions" }, [check])]);
    this.main.appendChild(form);
    head.focus();
  };

  View.prototype.graded = function (a, questions, index, mode, lesson, labels, feedback, form, check) {
    var self = this;
    labels.forEach(function (label, n) {
      var input = label.querySelector("input");
      input.disabled = true;
      if (n === a.correct_option) label.classList.add("tl-right");
      else if (n === a.chosen) label.classList.add("tl-wrong");
    });
    check.parentNode.removeChild(check);
    feedback.textContent = "";
    feedback.appendChild(h("strong", { class: a.correct ? "tl-ok" : "tl-error", text: a.verdict }));
    feedback.appendChild(h("p", { text: a.explanation }));
    this.say(a.verdict + " " + a.explanation);
    var actions = form.querySelector(".tl-actions");
    var next;
    if (index + 1 < questions.length) {
      next = this.button(this.t("nextQuestion"), function () { self.ask(questions, index + 1, mode, lesson); }, true);
      actions.appendChild(next);
    } else if (mode === "lesson") {
      var lines = [this.t("lessonDone", { correct: a.run_correct, total: a.run_total })];
      if (a.run_correct < a.run_total) lines.push(this.t("reviewLater"));
      feedback.appendChild(h("p", { class: "tl-summary", text: lines.join(" ") }));
      this.say(a.verdict + " " + a.explanation + " " + lines.join(" "));
      if (a.next_lesson) {
        next = this.button(this.t("next"), function () { self.lesson(a.next_lesson, false); }, true);
        actions.appendChild(next);
      }
      actions.appendChild(this.button(this.t("contents"), function () { self.overview(true); }, !a.next_lesson));
    } else {
      feedback.appendChild(h("p", { class: "tl-summary", text: this.t("reviewDone") }));
      this.say(a.verdict + " " + a.explanation + " " + this.t("reviewDone"));
      next = this.button(this.t("continue"), function () { self.overview(true); }, true);
      actions.appendChild(next);
    }
    (next || actions.lastChild).focus();
  };

  // ---------------------------------------------------------------- review and deletion
  View.prototype.review = function () {
    var self = this;
    return this.api("POST", "api/learn/review", {}).then(function (r) {
      if (r.status !== 200) return self.fail(r);
      if (!r.data.questions.length) {
        self.say(self.t("reviewNone"));
        return self.overview(true);
      }
      self.ask(r.data.questions, 0, "review", null);
    });
  };

  View.prototype.forget = function () {
    var self = this;
    if (!this.key) { this.say(this.t("deleted")); return Promise.resolve(); }
    return this.api("POST", "api/delete", {}).then(function (r) {
      if (r.status !== 200) return self.fail(r);
      self.key = null;
      saveKey(null);
      return self.overview(true).then(function () { self.say(self.t("deleted")); });
    });
  };

  // ------------------------------------------------------------------ start
  var views = [];
  function start() {
    var base = serviceBase();
    Array.prototype.forEach.call(document.querySelectorAll("[data-tendik-learn]"), function (host) {
      if (host.getAttribute("data-tendik-learn-ready")) return;
      host.setAttribute("data-tendik-learn-ready", "1");
      views.push(new View(host, base));
    });
  }

  try {
    Object.defineProperty(window, "TendikLearn", { value: Object.freeze({ start: start }), configurable: true });
  } catch (e) {
    window.TendikLearn = { start: start };
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
