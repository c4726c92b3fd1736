"""``tendik stack up|status|down|restart|supervise``: a production-shaped stack on one machine, every
port on 127.0.0.1.

    nginx  public  :8080  ─┬─ /                  -> widget service (tendik.web)
                           └─ /telegram/webhook  -> Telegram bot in webhook mode (secret token)
           internal :8081 ─┬─ /                  -> Rasa replicas 1..N (REST channel, HTTP API)
                           └─ /actions/          -> action servers 1..M
    PostgreSQL (tracker store + the project's tables), Redis with a password (Rasa's lock store,
    the front ends' rate limits)

Everything lives in ``<data dir>/stack/``: ``state.json`` (what runs where: ``status`` and ``down``
work from another shell; format in docs/DEPLOY.md), ``logs/``, ``nginx/`` (the rendered
configuration), ``redis/``, ``secrets/`` (generated passwords, mode 0600). As root the PostgreSQL
cluster lives in the ``postgres`` user's home (PostgreSQL refuses to run as root).

``restart <name>`` stops one component and starts it again on its port (PostgreSQL: ``pg_ctl
restart -m fast``) and waits for its health. ``supervise`` (and ``up --foreground``) watches the
stack and starts again, within a second, any component whose process is gone (kill -9, out of
memory; at most once per 10 s each), and adopts a PostgreSQL restarted by hand; ``down`` marks the
state as stopping first, so nothing is restarted while the stack stops. ``state.lock`` serialises
the writers of the state file.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import logging
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tendik.common import keys
from tendik.ops.env import fail, say
from tendik.ops.services import Services, free_port, spawn_logged
from tendik.paths import BUILD, ROOT, data_dir, setting

logger = logging.getLogger(__name__)

TEMPLATE = ROOT / "deploy" / "nginx" / "tendik.conf.template"
STATE_VERSION = 1
STOP_ORDER = ("proxy", "telegram", "widget", "rasa", "action-server", "lock-store", "database")
STOP_DEADLINE = 20.0  # seconds each component gets after SIGTERM before SIGKILL
DB_USER = DB_NAME = "tendik"
# What a live process of each role has in its command line (a recycled pid is never signalled).
MARKERS = {
    "proxy": "nginx", "telegram": "tendik.telegram", "widget": "tendik.web", "rasa": "tendik.rasa.server",
    "action-server": "tendik.action_server", "lock-store": "redis-server", "database": "postgres",
}
# Health paths, the same in deploy/docker-compose.yml and deploy/k8s/ (tests/test_deploy_files.py).
HEALTH = {
    "proxy": "/nginx-health", "telegram": "/healthz", "widget": "/healthz", "rasa": "/webhooks/rest/",
    "action-server": "/health",
}

# The variables each role gets from the stack (besides TENDIK_DATA_DIR and the common settings);
# deploy/docker-compose.yml and deploy/k8s/ give each service the same names.
ROLE_ENV = {
    "rasa": ("TENDIK_DB_URL", "TENDIK_REDIS_PASSWORD", "TENDIK_RASA_TOKEN", "TENDIK_ACTION_TOKEN", "TENDIK_ACTION_URL"),
    "action-server": ("TENDIK_ACTION_TOKEN",),
    "widget": ("TENDIK_DB_URL", "TENDIK_REDIS_URL", "TENDIK_RASA_URL", "TENDIK_RASA_TOKEN", "TENDIK_WEB_TRUST_PROXY"),
    "telegram": ("TENDIK_DB_URL", "TENDIK_REDIS_URL", "TENDIK_RASA_URL", "TENDIK_RASA_TOKEN", "TENDIK_TELEGRAM_TOKEN",
                 "TENDIK_TELEGRAM_WEBHOOK_URL", "TENDIK_TELEGRAM_WEBHOOK_PATH", "TENDIK_TELEGRAM_WEBHOOK_HOST",
                 "TENDIK_TELEGRAM_WEBHOOK_PORT", "TENDIK_TELEGRAM_WEBHOOK_SECRET"),
}
# The nginx template rendered for containers (docker-compose and Kubernetes: the same service names
# and ports). `python -m tendik.ops.stack` writes deploy/docker/nginx.conf and the k8s ConfigMap.
CONTAINER_NGINX = {
    "PUBLIC_LISTEN": "8080", "INTERNAL_LISTEN": "8081",
    "RASA_SERVERS": "    server rasa:5005 max_fails=1 fail_timeout=10s;",
    "ACTION_SERVERS": "    server actions:5055 max_fails=1 fail_timeout=10s;",
    "WEB_SERVER": "    server web:8080;", "TELEGRAM_SERVER": "    server telegram:8443;",
    "TELEGRAM_PATH": "/telegram/webhook", "ACCESS_LOG": "/dev/stdout", "ERROR_LOG": "/dev/stderr",
}
DEPLOY = ROOT / "deploy"


@dataclass
class Component:
    """One process of the stack, as written to ``state.json``."""

    name: str  # rasa-1, actions-2, web, telegram, nginx, redis, postgres
    role: str  # one of STOP_ORDER
    pid: int
    port: int
    url: str  # where it answers (never with a password)
    health: str = ""  # health path under ``url`` (HTTP components)
    log: str = ""
    extra: dict[str, str | int] = field(default_factory=dict)


# ---------------------------------------------------------------- paths, secrets, rendering
def stack_dir() -> Path:
    return data_dir() / "stack"


def state_path() -> Path:
    return stack_dir() / "state.json"


def secret(name: str, variable: str = "") -> str:
    """A password from ``variable`` (environment or .env) or generated once into secrets/ (0600)."""
    return keys.load_or_create_secret(setting(variable) if variable else None, stack_dir() / "secrets" / name,
                                      variable or name)


def upstream(addresses: list[str], passive: bool = True) -> str:
    """``server`` lines of an nginx upstream (no address: one that is always down, answered 502)."""
    if not addresses:
        return "    server 127.0.0.1:9 down;  # not started"
    opts = " max_fails=1 fail_timeout=10s" if passive else ""
    return "\n".join(f"    server {a}{opts};" for a in addresses)


def render_nginx(values: dict[str, str], template: Path = TEMPLATE) -> str:
    """The template with every ``{{NAME}}`` replaced; a name without a value is an error."""
    text = template.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    if "{{" in text:
        raise ValueError(f"unfilled placeholder in {template.name}: {text[text.index('{{'):][:40]}")
    return text


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/bin/nginx") if Path(p).exists()), None)


# ---------------------------------------------------------------- state
def load_state() -> dict | None:
    try:
        return json.loads(state_path().read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def save_state(state: dict) -> None:
    path = state_path()
    keys.private_dir(path.parent)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(state, f, indent=2)
    os.replace(tmp, path)


def components(state: dict) -> list[Component]:
    return [Component(**c) for c in state.get("components", [])]


# ---------------------------------------------------------------- processes
def alive(c: Component) -> bool:
    """The component's process runs (and is the one we started: its command line matches)."""
    if c.pid <= 0:
        return False
    try:
        for _ in range(20):  # empty for a moment while a server rewrites its title (redis-server)
            cmdline = Path(f"/proc/{c.pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if cmdline.strip():
                break
            time.sleep(0.01)
        comm, _, rest = Path(f"/proc/{c.pid}/stat").read_text().rpartition(")")
    except OSError:
        return False
    marker = MARKERS.get(c.role, "")
    return rest.split()[0] != "Z" and (marker in cmdline or marker in comm)


def http_ok(url: str, timeout: float = 3) -> bool:
    """GET ``url`` answers 200 and, for a JSON health answer, says ok."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            body = resp.read()
            if resp.status != 200:
                return False
    except (urllib.error.URLError, OSError, TimeoutError):
        return False
    try:
        data = json.loads(body)
    except ValueError:
        return True
    if isinstance(data, dict) and "status" in data:
        return data["status"] == "ok"
    if isinstance(data, dict) and "ok" in data:
        return data["ok"] is True
    return True


def healthy(c: Component) -> bool:
    if not alive(c):
        return False
    if c.role == "database":
        return pg_ready(c.port)
    if c.role == "lock-store":
        return redis_ready(c.port)
    if c.role == "proxy":  # its health path is on the internal listener
        return http_ok(f"{c.extra.get('internal_url')}{c.health}")
    return http_ok(c.url + c.health)


def pg_ready(port: int) -> bool:
    import psycopg

    try:
        with psycopg.connect(db_url(port), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def redis_ready(port: int) -> bool:
    import redis

    try:
        return bool(redis.Redis(host="127.0.0.1", port=port, password=secret("redis_password"), socket_timeout=3).ping())
    except redis.RedisError:
        return False


def db_url(port: int, db: str = DB_NAME) -> str:
    password = urllib.parse.quote(secret("postgres_password"), safe="")
    return f"postgresql://{DB_USER}:{password}@127.0.0.1:{port}/{db}"


def signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def wait_gone(c: Component, deadline: float) -> bool:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if not alive(c):
            return True
        time.sleep(0.2)
    return not alive(c)


# ---------------------------------------------------------------- PostgreSQL
class Postgres:
    """A cluster of its own (initdb once, pg_ctl start/stop), password authentication on
    127.0.0.1 only. As root it runs as the ``postgres`` user, in that user's home."""

    def __init__(self) -> None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name), reverse=True)
        initdb = found[0] if found else (Path(shutil.which("initdb") or "") if shutil.which("initdb") else None)
        if initdb is None:
            fail("PostgreSQL server binaries not found (apt-get install postgresql), or set TENDIK_DB_URL")
            raise AssertionError  # for the type checker: fail() raises
        self.bindir = initdb.parent
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            home = Path(pwd.getpwnam("postgres").pw_dir)
            tag = hashlib.sha256(str(stack_dir().resolve()).encode()).hexdigest()[:10]
            self.dir = home / f"tendik-stack-{tag}"
            self.as_user = ["runuser", "-u", "postgres", "--"]
        else:
            self.dir = stack_dir() / "postgres"

    @property
    def data(self) -> Path:
        return self.dir / "data"

    def _run(self, *cmd: str, timeout: float = 300) -> None:
        r = subprocess.run([*self.as_user, *cmd], capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            fail(f"{Path(cmd[0]).name} failed: {(r.stdout + r.stderr).strip()[-800:]}")

    def _own(self, path: Path) -> None:
        if self.as_user:
            shutil.chown(path, "postgres", "postgres")

    def init(self) -> bool:
        """initdb once; True when the cluster was made now."""
        if (self.data / "PG_VERSION").exists():
            return False
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._own(self.dir)
        pwfile = self.dir / "initdb-password"
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(secret("postgres_password") + "\n")
        self._own(pwfile)
        try:
            self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", DB_USER, "--auth-host=scram-sha-256",
                      "--auth-local=peer", f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C.UTF-8")
        finally:
            pwfile.unlink(missing_ok=True)
        return True

    def start(self, port: int) -> int:
        options = f"-p {port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "server.log"), "-w", "-t", "90",
                  "-o", options, "start")
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def create_db(self, port: int) -> None:
        import psycopg

        with psycopg.connect(db_url(port, "postgres"), autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone():
                conn.execute(f'CREATE DATABASE "{DB_NAME}"')

    def stop(self, deadline: float = STOP_DEADLINE) -> None:
        subprocess.run([*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t",
                        str(int(deadline)), "stop"], capture_output=True, timeout=deadline + 30)


# ---------------------------------------------------------------- up
class Starter:
    """``up``: starts the components in order, writes the state after each one, and waits for each
    one's health with progress lines."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.root = keys.private_dir(stack_dir())
        self.logs = keys.private_dir(self.root / "logs")
        self.state: dict = {"version": STATE_VERSION, "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                            "data_dir": str(data_dir()), "components": []}
        self.public_port: int = args.port
        self.internal_port: int = args.internal_port
        self.state.update(public_url=f"http://127.0.0.1:{self.public_port}", internal_url=f"http://127.0.0.1:{self.internal_port}")
        self.chosen_ports: set[int] = {self.public_port, self.internal_port}

    def free_port(self) -> int:
        """A free port for a component, never nginx's two ports nor one given to another component: those
        may not be bound yet (nginx starts after Redis and the action servers), so the OS could hand them out."""
        while (port := free_port()) in self.chosen_ports:
            pass
        self.chosen_ports.add(port)
        return port

    def add(self, c: Component) -> Component:
        self.state["components"].append(asdict(c))
        save_state(self.state)
        return c

    def wait(self, c: Component, timeout: float, what: str) -> None:
        started = last = time.monotonic()
        while time.monotonic() - started < timeout:
            if not alive(c):
                fail(f"{c.name} exited while starting; see {c.log or 'its log'}")
            if healthy(c):
                say(f"  {c.name} ready in {time.monotonic() - started:.0f} s ({c.url})")
                return
            if time.monotonic() - last >= 10:
                last = time.monotonic()
                say(f"  still waiting for {c.name}: {what} ({time.monotonic() - started:.0f} s)")
            time.sleep(0.5)
        fail(f"{c.name} not healthy after {timeout:.0f} s; see {c.log or 'its log'}")

    # -------------------------------------------------------------- the pieces
    def database(self) -> str:
        external = setting("TENDIK_DB_URL")
        if external:
            if not external.startswith("postgresql"):
                fail("the stack needs PostgreSQL (Rasa replicas share one tracker store): TENDIK_DB_URL=postgresql://... or unset it")
            say("PostgreSQL: TENDIK_DB_URL is set, using that server (not started here)")
            self.state["external_database"] = True
            return external
        pg = Postgres()
        if pg.init():
            say(f"PostgreSQL: made a new cluster in {pg.dir}")
        port = self.free_port()
        say(f"starting PostgreSQL on 127.0.0.1:{port} ...")
        pid = pg.start(port)
        pg.create_db(port)
        self.add(Component("postgres", "database", pid, port, f"postgresql://{DB_USER}@127.0.0.1:{port}/{DB_NAME}",
                           log=str(pg.dir / "server.log"), extra={"cluster": str(pg.dir)}))
        return db_url(port)

    def redis(self) -> str:
        external = setting("TENDIK_REDIS_URL")
        if external:
            say("Redis: TENDIK_REDIS_URL is set, using that server (not started here)")
            self.state["external_redis"] = True
            return external
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(binary).exists():
            fail("redis-server not found (apt-get install redis-server), or set TENDIK_REDIS_URL")
        port = self.free_port()
        rdir = keys.private_dir(self.root / "redis")
        conf = rdir / "redis.conf"
        password = secret("redis_password")
        fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("# generated by `tendik stack up` (holds the password: mode 0600)\n"
                    f"bind 127.0.0.1\nport {port}\nprotected-mode yes\nrequirepass {password}\n"
                    f'dir {rdir}\nsave ""\nappendonly no\nlogfile ""\n')
        say(f"starting Redis on 127.0.0.1:{port} (password: {self.root / 'secrets' / 'redis_password'}) ...")
        log = self.logs / "redis.log"
        proc = spawn_logged([binary, str(conf)], log)
        c = self.add(Component("redis", "lock-store", proc.pid, port, f"redis://127.0.0.1:{port}/0", log=str(log)))
        self.wait(c, 30, "the Redis server")
        return f"redis://:{urllib.parse.quote(password, safe='')}@127.0.0.1:{port}/0"

    def up(self) -> None:
        a = self.args
        nginx = nginx_binary()
        if not nginx:
            fail("nginx is not installed: apt-get install nginx (Debian's package)")
            return
        for needed in (BUILD / "rasa-models" / "tendik.tar.gz", BUILD / "langid.json", BUILD / "situation-model.npz",
                       BUILD / "index" / "manifest.json"):
            if not needed.exists():
                fail(f"{needed.relative_to(ROOT)} is missing: run `make build` first")
        telegram_token = setting("TENDIK_TELEGRAM_TOKEN").strip()
        if a.telegram and not telegram_token:
            fail("--telegram needs TENDIK_TELEGRAM_TOKEN (in .env; see tendik/telegram/README.md)")
        for port in (self.public_port, self.internal_port):
            if not port_free(port):
                fail(f"port {port} on 127.0.0.1 is in use (--port / --internal-port)")
        db = self.database()
        redis_url = self.redis()
        say("migrating the project's tables ...")
        from tendik.db.migrate import upgrade

        upgrade(db)
        internal = f"http://127.0.0.1:{self.internal_port}"
        web_port = self.free_port() if a.web else None
        svc = Services(db_url=db, log_dir=self.logs, redis_url=redis_url, web_port=web_port, front_rasa_url=internal,
                       action_endpoint=f"{internal}/actions/webhook",
                       extra_env={"TENDIK_REDIS_URL": redis_url, "TENDIK_WEB_TRUST_PROXY": "true", "TENDIK_WEB_HOST": "127.0.0.1",
                                  "TENDIK_DATA_DIR": str(data_dir())})

        # Action servers first (each loads the e5 encoder and the index), then the Rasa replicas a
        # few at a time: on a small machine N replicas loading TensorFlow at once starve each other.
        actions = []
        for k in range(1, a.actions + 1):
            port = self.free_port()
            say(f"starting action server {k}/{a.actions} on 127.0.0.1:{port} ...")
            proc = svc.start_actions(wait=False, name=f"actions-{k}", port=port)
            actions.append(self.add(Component(f"actions-{k}", "action-server", proc.pid, port, f"http://127.0.0.1:{port}",
                                              HEALTH["action-server"], str(self.logs / f"actions-{k}.log"))))
        for c in actions:
            self.wait(c, 180, "loading the encoder and the index")
            svc.warm_up(action_url=c.url)
        # nginx next (the replicas' ports are chosen now): a Rasa replica is healthy once it reaches
        # an action server, and it does so through nginx's internal listener.
        rasa_ports = [self.free_port() for _ in range(a.rasa)]
        tg_port = self.free_port() if a.telegram else None
        tg_path = webhook_path()
        say(f"starting nginx: public 127.0.0.1:{self.public_port}, internal 127.0.0.1:{self.internal_port} ...")
        proxy = self.add(self.nginx(nginx, rasa_ports, [c.port for c in actions], web_port, tg_port, tg_path))
        self.wait(proxy, 30, "nginx")
        wave = a.parallel or max(1, (os.cpu_count() or 2) // 2)
        say(f"starting {a.rasa} Rasa replica(s), {wave} at a time (each loads its model: about 30 s on 2 cores) ...")
        for start in range(0, a.rasa, wave):
            batch = []
            for k in range(start + 1, min(a.rasa, start + wave) + 1):
                port = rasa_ports[k - 1]
                proc = svc.start_rasa(wait=False, name=f"rasa-{k}", port=port)
                batch.append(self.add(Component(f"rasa-{k}", "rasa", proc.pid, port, f"http://127.0.0.1:{port}",
                                                HEALTH["rasa"], str(self.logs / f"rasa-{k}.log"))))
            for c in batch:
                self.wait(c, 300, "loading the Rasa model, then reaching an action server through nginx")
        if web_port:
            say(f"starting the widget service on 127.0.0.1:{web_port} ...")
            proc = svc.start_web(wait=False)
            web = self.add(Component("web", "widget", proc.pid, web_port, f"http://127.0.0.1:{web_port}", HEALTH["widget"],
                                     str(self.logs / "web.log")))
            self.wait(web, 120, "the widget service (it asks Rasa and the action server through nginx)")
        if tg_port:
            public = (setting("TENDIK_TELEGRAM_WEBHOOK_URL") or self.state["public_url"]).rstrip("/")
            say(f"starting the Telegram bot (webhook {public}{tg_path} via nginx) ...")
            proc = start_webhook_bot(svc, public, tg_path, tg_port)
            bot = self.add(Component("telegram", "telegram", proc.pid, tg_port, f"http://127.0.0.1:{tg_port}", HEALTH["telegram"],
                                     str(self.logs / "telegram.log"), extra={"webhook_url": f"{public}{tg_path}"}))
            self.wait(bot, 120, "the bot (it checks its token with the Bot API, then registers the webhook)")
        self.state["ready"] = True
        save_state(self.state)

    def nginx(self, binary: str, rasa: list[int], actions: list[int], web: int | None, telegram: int | None,
              tg_path: str) -> Component:
        ndir = keys.private_dir(self.root / "nginx")
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            keys.private_dir(ndir / "tmp" / sub)
        conf = render_nginx({
            "PUBLIC_LISTEN": f"127.0.0.1:{self.public_port}", "INTERNAL_LISTEN": f"127.0.0.1:{self.internal_port}",
            "RASA_SERVERS": upstream([f"127.0.0.1:{p}" for p in rasa]),
            "ACTION_SERVERS": upstream([f"127.0.0.1:{p}" for p in actions]),
            "WEB_SERVER": upstream([f"127.0.0.1:{web}"] if web else [], passive=False),
            "TELEGRAM_SERVER": upstream([f"127.0.0.1:{telegram}"] if telegram else [], passive=False),
            "TELEGRAM_PATH": tg_path, "ACCESS_LOG": str(self.logs / "nginx-access.log"),
            "ERROR_LOG": str(self.logs / "nginx-error.log"),
        })
        (ndir / "tendik.conf").write_text(conf, encoding="utf-8")
        user = "user root root;  # the stack runs as the current user (root): the workers too\n" if os.geteuid() == 0 else ""
        temp = "\n".join(f"    {kind}_temp_path {ndir / 'tmp' / sub};" for kind, sub in (
            ("client_body", "body"), ("proxy", "proxy"), ("fastcgi", "fastcgi"), ("uwsgi", "uwsgi"), ("scgi", "scgi")))
        main = (f"# generated by `tendik stack up` from {TEMPLATE.relative_to(ROOT)}; edit the template, not this file\n"
                f"{user}daemon off;\nworker_processes 2;\npid {ndir / 'nginx.pid'};\n"
                f"error_log {self.logs / 'nginx-error.log'} warn;\n"
                "events { worker_connections 1024; }\n"
                f"http {{\n    default_type application/octet-stream;\n{temp}\n    include {ndir / 'tendik.conf'};\n}}\n")
        main_conf = ndir / "nginx.conf"
        main_conf.write_text(main, encoding="utf-8")
        cmd = [binary, "-p", str(ndir), "-c", str(main_conf), "-e", str(self.logs / "nginx-error.log")]
        check = subprocess.run([*cmd, "-t", "-q"], capture_output=True, text=True, timeout=60)
        if check.returncode != 0:
            fail(f"nginx refused the generated configuration {main_conf}: {check.stderr.strip()[-600:]}")
        log = self.logs / "nginx.log"
        proc = spawn_logged(cmd, log)
        return Component("nginx", "proxy", proc.pid, self.public_port, self.state["public_url"], HEALTH["proxy"], str(log),
                         extra={"internal_url": self.state["internal_url"], "internal_port": self.internal_port,
                                "access_log": str(self.logs / "nginx-access.log")})


def port_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


# ---------------------------------------------------------------- down, status
def stop_component(c: Component, deadline: float = STOP_DEADLINE) -> None:
    """SIGTERM (nginx: SIGQUIT, its graceful stop; PostgreSQL: pg_ctl stop -m fast), then SIGKILL
    after ``deadline``."""
    if c.role == "database":
        if alive(c):
            Postgres().stop(deadline)
        if wait_gone(c, 5):
            return
    elif alive(c):
        signal_group(c.pid, signal.SIGQUIT if c.role == "proxy" else signal.SIGTERM)
        if wait_gone(c, deadline):
            signal_group(c.pid, signal.SIGKILL)  # anything left in its group
            return
    if alive(c):
        say(f"  {c.name} did not stop in {deadline:.0f} s: killing it")
        signal_group(c.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.kill(c.pid, signal.SIGKILL)
        wait_gone(c, 5)


def purge_data(comps: list[Component]) -> None:
    """Delete the stack's database cluster (where the state says, or where `up` would put it)
    and its Redis and nginx folders."""
    clusters = {str(c.extra["cluster"]) for c in comps if c.role == "database" and c.extra.get("cluster")}
    with contextlib.suppress(SystemExit):
        clusters.add(str(Postgres().dir))
    for path in clusters | {str(stack_dir() / sub) for sub in ("redis", "nginx", "postgres")}:
        shutil.rmtree(path, ignore_errors=True)
    say("removed the stack's database cluster and Redis data")


def down(state: dict | None = None, purge: bool = False) -> None:
    state = state if state is not None else load_state()
    if not state:
        say("no stack is running here (no state file)")
        if purge:
            purge_data([])
        return
    comps = components(state)
    if state_path().exists():  # the supervisor (up --foreground, supervise) leaves a stopping stack alone
        with state_lock():
            current = load_state()
            if current is not None:
                current["stopping"] = True
                save_state(current)
    for role in STOP_ORDER:
        for c in (c for c in comps if c.role == role):
            if alive(c):
                say(f"stopping {c.name} (pid {c.pid}) ...")
            stop_component(c)
    left = [c.name for c in comps if alive(c)]
    if left:
        fail(f"still running: {', '.join(left)}")
    state_path().unlink(missing_ok=True)
    if purge:
        purge_data(comps)
    say("stack stopped")


def status() -> int:
    state = load_state()
    if not state:
        say("no stack is running here (no state file; `tendik stack up`)")
        return 1
    bad = 0
    print(f"{'component':12s} {'role':14s} {'pid':>8s} {'port':>6s}  healthy  url")
    for c in components(state):
        ok = healthy(c)
        bad += not ok
        print(f"{c.name:12s} {c.role:14s} {c.pid:8d} {c.port:6d}  {'yes' if ok else 'NO':7s}  {c.url}")
    print(f"public: {state.get('public_url')}   internal: {state.get('internal_url')}")
    if not state.get("ready"):
        print("the stack did not finish starting (see the logs in " + str(stack_dir() / "logs") + ")")
        return 1
    return 1 if bad else 0


# ---------------------------------------------------------------- restart, supervise
@contextlib.contextmanager
def state_lock() -> Iterator[None]:
    """One writer of state.json at a time (``restart`` from a shell and the supervisor)."""
    import fcntl

    path = stack_dir() / "state.lock"
    keys.private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def services_for(state: dict) -> Services:
    """The :class:`Services` that ``up`` used, rebuilt from the state file (same URLs, ports, logs)."""
    comps = {c.name: c for c in components(state)}
    pg = next((c for c in comps.values() if c.role == "database"), None)
    db = setting("TENDIK_DB_URL") if state.get("external_database") or pg is None else db_url(pg.port)
    rd = next((c for c in comps.values() if c.role == "lock-store"), None)
    if state.get("external_redis") or rd is None:
        redis_url = setting("TENDIK_REDIS_URL")
    else:
        redis_url = f"redis://:{urllib.parse.quote(secret('redis_password'), safe='')}@127.0.0.1:{rd.port}/0"
    internal = str(state.get("internal_url"))
    web = comps.get("web")
    return Services(db_url=db, log_dir=stack_dir() / "logs", redis_url=redis_url, web_port=web.port if web else None,
                    front_rasa_url=internal, action_endpoint=f"{internal}/actions/webhook",
                    extra_env={"TENDIK_REDIS_URL": redis_url, "TENDIK_WEB_TRUST_PROXY": "true", "TENDIK_WEB_HOST": "127.0.0.1",
                               "TENDIK_DATA_DIR": str(data_dir())})


def webhook_path() -> str:
    return setting("TENDIK_TELEGRAM_WEBHOOK_PATH") or "/telegram/webhook"


def start_webhook_bot(svc: Services, public: str, path: str, port: int) -> subprocess.Popen:
    """The bot in webhook mode on 127.0.0.1:``port``, registering ``public`` + ``path`` (nginx's
    public listener) with its secret token (``up`` and ``restart`` alike)."""
    secret_token = keys.load_or_create_secret(setting("TENDIK_TELEGRAM_WEBHOOK_SECRET"),
                                              data_dir() / "telegram_webhook_secret", "TENDIK_TELEGRAM_WEBHOOK_SECRET")
    return svc.start_telegram(webhook=True, env={
        "TENDIK_TELEGRAM_WEBHOOK_URL": public, "TENDIK_TELEGRAM_WEBHOOK_PATH": path,
        "TENDIK_TELEGRAM_WEBHOOK_HOST": "127.0.0.1", "TENDIK_TELEGRAM_WEBHOOK_PORT": str(port),
        "TENDIK_TELEGRAM_WEBHOOK_SECRET": secret_token})


RESTARTABLE = ("database", "lock-store", "action-server", "rasa", "widget", "telegram")


def _start_again(state: dict, c: Component) -> int:
    """Start component ``c`` again on its port (it is stopped); its new pid."""
    if c.role == "database":
        pg = Postgres()
        return pg.start(c.port)
    if c.role == "lock-store":
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        return spawn_logged([binary, str(stack_dir() / "redis" / "redis.conf")], Path(c.log)).pid
    svc = services_for(state)
    if c.role == "action-server":
        return svc.start_actions(wait=False, name=c.name, port=c.port).pid
    if c.role == "rasa":
        return svc.start_rasa(wait=False, name=c.name, port=c.port).pid
    if c.role == "widget":
        return svc.start_web(wait=False).pid
    if c.role == "telegram":
        tg_path = webhook_path()
        hook = str(c.extra.get("webhook_url", ""))
        public = hook[: -len(tg_path)] if hook.endswith(tg_path) else hook
        return start_webhook_bot(svc, public, tg_path, c.port).pid
    raise ValueError(f"{c.name} cannot be restarted here")


def _set_pid(name: str, pid: int) -> dict:
    """Write component ``name``'s new pid into the state file (under :func:`state_lock`)."""
    state = load_state() or {}
    for item in state.get("components", []):
        if item["name"] == name:
            item["pid"] = pid
    save_state(state)
    return state


def restart(name: str, wait: float = 300) -> float:
    """Stop component ``name`` (if it still runs) and start it again on the same port; waits until
    it is healthy. PostgreSQL: ``pg_ctl restart -m fast``. Returns the seconds it took."""
    started = time.monotonic()
    with state_lock():
        state = load_state()
        if not state:
            fail("no stack is running here (no state file)")
            raise AssertionError
        c = next((c for c in components(state) if c.name == name), None)
        if c is None:
            fail(f"no component {name!r} (see `tendik stack status`)")
            raise AssertionError
        if c.role not in RESTARTABLE or (c.role == "database" and state.get("external_database")) or (
                c.role == "lock-store" and state.get("external_redis")):
            fail(f"{name} is not restarted by the stack (nginx: `nginx -s reload`; external servers: their own tools)")
        say(f"restarting {c.name} ...")
        if c.role == "database":
            pg = Postgres()
            pg._run(str(pg.bindir / "pg_ctl"), "-D", str(pg.data), "-l", str(pg.dir / "server.log"), "-m", "fast", "-w",
                    "-t", "90", "restart")
            pid = int((pg.data / "postmaster.pid").read_text().split()[0])
        else:
            stop_component(c)
            pid = _start_again(state, c)
        state = _set_pid(c.name, pid)
    c = next(c for c in components(state) if c.name == name)
    end = time.monotonic() + wait
    while time.monotonic() < end:
        if healthy(c):
            took = time.monotonic() - started
            say(f"  {c.name} healthy again in {took:.1f} s")
            return took
        if c.role != "database" and not alive(c):
            fail(f"{c.name} exited while starting; see {c.log or 'its log'}")
        time.sleep(0.5)
    fail(f"{c.name} not healthy {wait:.0f} s after the restart; see {c.log or 'its log'}")
    raise AssertionError


def _adopt_postgres(c: Component) -> int | None:
    """The pid of the cluster's running postmaster (restarted by hand with pg_ctl), if any."""
    try:
        pid = int((Postgres().data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError, SystemExit):
        return None
    return pid if pid != c.pid and alive(Component(c.name, c.role, pid, c.port, c.url)) else None


def supervise_once(last: dict[str, float], backoff: float = 10.0) -> list[str]:
    """One pass of the supervisor: every restartable component whose process is gone is started
    again (at most once per ``backoff`` seconds each); a PostgreSQL restarted by hand is adopted.
    Returns the names started."""
    started: list[str] = []
    with state_lock():
        state = load_state()
        if not state or not state.get("ready") or state.get("stopping"):
            return started
        for c in components(state):
            if c.role not in RESTARTABLE or alive(c):
                continue
            if c.role == "database" and state.get("external_database") or c.role == "lock-store" and state.get("external_redis"):
                continue
            if c.role == "database" and (pid := _adopt_postgres(c)) is not None:
                state = _set_pid(c.name, pid)
                continue
            if time.monotonic() - last.get(c.name, -backoff) < backoff:
                continue
            last[c.name] = time.monotonic()
            say(f"supervisor: {c.name} (pid {c.pid}) is gone: starting it again")
            try:
                pid = _start_again(state, c)
            except (SystemExit, OSError, ValueError) as exc:
                logger.warning("supervisor: could not start %s again: %s", c.name, exc)
                continue
            state = _set_pid(c.name, pid)
            started.append(c.name)
    return started


def supervise(interval: float = 1.0) -> None:
    """Restart crashed components until the stack is stopped (its state file is gone) or Ctrl-C."""
    say("supervising the stack: a crashed component is started again (Ctrl-C stops supervising, not the stack)")
    last: dict[str, float] = {}
    try:
        while state_path().exists():
            supervise_once(last)
            time.sleep(interval)
    except KeyboardInterrupt:
        pass


# ---------------------------------------------------------------- command line
def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["up", "status", "down", "restart", "supervise"])
    p.add_argument("component", nargs="?", help="restart: the component's name (rasa-1, actions-1, postgres, redis, web, telegram)")
    p.add_argument("--rasa", type=int, default=2, metavar="N", help="Rasa replicas (2)")
    p.add_argument("--actions", type=int, default=1, metavar="M", help="action servers (1)")
    p.add_argument("--telegram", action="store_true", help="the Telegram bot in webhook mode (needs TENDIK_TELEGRAM_TOKEN)")
    p.add_argument("--web", action="store_true", help="the widget service")
    p.add_argument("--port", type=int, default=int(setting("TENDIK_STACK_PORT") or 8080), help="nginx's public port (8080)")
    p.add_argument("--internal-port", type=int, default=int(setting("TENDIK_STACK_INTERNAL_PORT") or 8081),
                   help="nginx's internal port: Rasa and the action servers (8081)")
    p.add_argument("--parallel", type=int, default=0, help="Rasa replicas started at once (half the CPUs)")
    p.add_argument("--foreground", action="store_true",
                   help="up: stay, start crashed components again, and stop everything on Ctrl-C or SIGTERM")
    p.add_argument("--purge", action="store_true", help="down: also delete the stack's database cluster and Redis data")


def main(args: argparse.Namespace) -> None:
    if args.action == "status":
        raise SystemExit(status())
    if args.action == "down":
        down(purge=args.purge)
        return
    if args.action == "restart":
        if not args.component:
            fail("restart needs the component's name: `tendik stack restart actions-1`")
        restart(args.component)
        return
    if args.action == "supervise":
        supervise()
        return
    if args.rasa < 1 or args.actions < 1:
        fail("--rasa and --actions need at least 1")
    old = load_state()
    if old and any(alive(c) for c in components(old)):
        fail(f"a stack is already running here ({state_path()}): `tendik stack down` first")
    started = time.monotonic()
    on_term = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    starter = Starter(args)
    try:
        starter.up()
    except BaseException:
        say("start failed or interrupted: stopping what was started ...")
        down(starter.state)
        raise
    public = [what for what, on in (("the widget", args.web), ("the Telegram webhook", args.telegram)) if on]
    say(f"stack ready in {time.monotonic() - started:.0f} s: public {starter.state['public_url']} "
        f"({' and '.join(public) or 'nothing: add --web / --telegram'}), internal {starter.state['internal_url']}; "
        f"state {state_path()}")
    say("`tendik stack status` checks it, `tendik stack down` stops it")
    if not args.foreground:
        signal.signal(signal.SIGTERM, on_term)
        return
    say("running in the foreground: a crashed component is started again; Ctrl-C stops the stack")
    last: dict[str, float] = {}
    try:
        while True:
            supervise_once(last)
            time.sleep(1)
    except (KeyboardInterrupt, SystemExit):
        pass
    down()


def container_files() -> dict[Path, str]:
    """deploy/docker/nginx.conf and deploy/k8s/nginx-configmap.yaml: the template rendered for
    containers (tests/test_deploy_files.py checks they are up to date)."""
    conf = render_nginx(CONTAINER_NGINX)
    indented = "".join(f"    {line}" if line.strip() else "\n" for line in conf.splitlines(keepends=True))
    configmap = ("# Generated by `.venv/bin/python -m tendik.ops.stack` from deploy/nginx/tendik.conf.template: edit the template.\n"
                 "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nginx-conf\n  namespace: tendik\n"
                 "  labels:\n    app.kubernetes.io/part-of: tendik\ndata:\n  tendik.conf: |\n" + indented)
    return {DEPLOY / "docker" / "nginx.conf": conf, DEPLOY / "k8s" / "nginx-configmap.yaml": configmap}


if __name__ == "__main__":
    for path, text in container_files().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
