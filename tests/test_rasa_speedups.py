"""Rasa's per-turn work done once (tendik/rasa/speedups.py, tendik/rasa/server.py): the behaviour
Rasa had must stay, in Rasa's own Python environment."""

from __future__ import annotations

from tendik.ops.services import rasa_env
from tests.helpers.rasa_script import run_rasa_script

SCRIPT = r"""
import json, os, sys
import tendik.rasa.server  # sets the OpenMP thread count before anything loads OpenMP
from tendik.rasa import speedups
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
original = RemoteAction._validate_action_result
speedups.install()
patched = RemoteAction._validate_action_result
action = RemoteAction("action_answer", None)
out = {"patched": patched is not original, "omp": os.environ.get("OMP_NUM_THREADS")}
good = {"events": [{"event": "slot", "name": "language", "value": "kk"}], "responses": [{"text": "x"}]}
out["good"] = action._validate_action_result(good)
bad = []
for reply in ({"events": "not a list"}, {"responses": [1]}, {"events": [{"event": 5}]}):
    for fn in (original, patched):
        try:
            fn(action, reply)
            bad.append("accepted")
        except ValidationError as e:
            bad.append(e.message)
out["bad"] = bad
print(json.dumps(out))
"""


def run(extra: dict[str, str] | None = None) -> dict:
    env = {**rasa_env(), **(extra or {})}
    env.pop("OMP_NUM_THREADS", None)
    return run_rasa_script(SCRIPT, env=env)


def test_the_action_reply_is_validated_as_rasa_did() -> None:
    out = run()
    assert out["patched"] and out["good"] is True
    assert out["omp"] == "1"
    pairs = list(zip(out["bad"][::2], out["bad"][1::2]))
    assert len(pairs) == 3
    for original, patched in pairs:
        assert original != "accepted"
        assert patched == original  # the same error, the same message
        assert "Failed to validate Action server response" in patched


def test_the_speedups_can_be_switched_off() -> None:
    out = run({"TENDIK_RASA_SPEEDUPS": "0", "TENDIK_RASA_OMP_THREADS": "2"})
    assert not out["patched"]
    assert out["omp"] == "2"


def test_a_token_that_starts_with_a_dash_reaches_rasa_as_the_token() -> None:
    script = (
        "import argparse, json, sys\n"
        "from tendik.rasa.server import rasa_argv\n"
        "from rasa.cli import run\n"
        "parser = argparse.ArgumentParser()\n"
        "sub = parser.add_subparsers()\n"
        "run.add_subparser(sub, parents=[])\n"
        "args = parser.parse_args(rasa_argv(['run', '--enable-api', '--port', '5005'], '-Ab_c-d')[1:])\n"
        "print(json.dumps(args.auth_token))\n"
    )
    assert run_rasa_script(script) == "-Ab_c-d"


DIGEST_SCRIPT = r"""
import asyncio, json, sys, uuid
import aiohttp
from aiohttp import web
from tendik.rasa import speedups
if sys.argv[2] == "on":
    speedups.install()
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered, ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

target, token = sys.argv[1], sys.argv[3]
seen = []

async def proxy(request):
    body = await request.read()
    data = json.loads(body)
    async with aiohttp.ClientSession() as session:
        async with session.post(target, data=body, headers={"Authorization": request.headers["Authorization"],
                                                            "Content-Type": "application/json"}) as r:
            answer = await r.read()
            seen.append({"domain": "domain" in data, "digest": "domain_digest" in data, "status": r.status, "bytes": len(body)})
            return web.Response(body=answer, status=r.status, content_type="application/json")

def domain_like_the_model(tag):
    # the project's domain with one extra response: a digest no earlier test has sent this server
    base = Domain.load("nlu_data/domain").as_dict()
    base.setdefault("responses", {})[f"utter_digest_test_{tag}"] = [{"text": "x"}]
    return Domain.from_dict(base)

async def main():
    app = web.Application()
    app.router.add_post("/webhook", proxy)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    endpoint = EndpointConfig(url=f"http://127.0.0.1:{port}/webhook", headers={"Authorization": f"Bearer {token}"})
    first, second = domain_like_the_model(uuid.uuid4().hex), domain_like_the_model(uuid.uuid4().hex)
    calls = []
    for domain in (first, first, second, first):
        tracker = DialogueStateTracker.from_events("digest-test", [
            ActionExecuted("action_listen"),
            UserUttered("меня уволили из-за возраста", intent={"name": "nlu_fallback", "confidence": 0.3},
                        parse_data={"text": "меня уволили из-за возраста", "intent": {"name": "nlu_fallback", "confidence": 0.3},
                                    "entities": [], "intent_ranking": []}),
        ], slots=domain.slots)
        events = await RemoteAction("action_answer", endpoint).run(
            CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses), tracker, domain)
        calls.append([e.as_dict().get("text") for e in events if e.as_dict().get("event") == "bot"])
    await runner.cleanup()
    print(json.dumps({"seen": seen, "calls": calls}))

asyncio.run(main())
"""


def run_digest(assistant, mode: str) -> dict:
    return run_rasa_script(DIGEST_SCRIPT, f"{assistant.action_url}/webhook", mode, assistant.action_token)


def test_the_domain_travels_once_per_action_server_and_the_answers_stay_the_same(assistant) -> None:
    on, off = run_digest(assistant, "on"), run_digest(assistant, "off")
    # without the speedups every call carries the whole domain
    assert [(s["domain"], s["digest"], s["status"]) for s in off["seen"]] == [(True, False, 200)] * 4
    # with them: a new domain is asked for (449) and sent once; the next call carries only the digest;
    # another domain (a reloaded model) is asked for again, and so is the first one after it
    assert [(s["domain"], s["digest"], s["status"]) for s in on["seen"]] == [
        (False, True, 449), (True, True, 200),
        (False, True, 200),
        (False, True, 449), (True, True, 200),
        (False, True, 449), (True, True, 200),
    ]
    assert on["seen"][2]["bytes"] * 5 < off["seen"][0]["bytes"]  # the domain is most of a call
    # and the action server's answers are the same
    assert on["calls"] == off["calls"]
    assert all(texts and texts[0] for texts in on["calls"])


STORE_SCRIPT = r"""
import asyncio, json, sys, tempfile
from pathlib import Path
import sqlalchemy as sa
from tendik.rasa import speedups
if sys.argv[1] == "on":
    speedups.install()
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered

db = Path(tempfile.mkdtemp()) / "t.db"
store = SQLTrackerStore(Domain.load("nlu_data/domain"), dialect="sqlite", db=str(db))
counts = []
sa.event.listen(store.engine, "before_cursor_execute",
                lambda conn, cursor, statement, *a: counts.append(statement) if "count(" in statement.lower() else None)
clock = iter(range(1_000_000, 2_000_000))

def add(tracker, *events):
    for e in events:
        e.timestamp = float(next(clock))
        tracker.update(e)

async def main():
    t = await store.get_or_create_tracker("a", append_action_listen=False)  # new: not loaded from the store
    add(t, ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"), UserUttered("сәлем"))
    await store.save(t)
    t = await store.retrieve("a")
    add(t, BotUttered("hi"), ActionExecuted("action_listen"))
    await store.save(t)
    add(t, UserUttered("again"))
    await store.save(t)  # the same tracker saved a second time
    t = await store.retrieve("a")
    add(t, ActionExecuted("action_session_start"), SessionStarted(), SlotSet("language", "kk"), ActionExecuted("action_listen"),
        UserUttered("new session"))
    await store.save(t)
    t = await store.retrieve("a")  # the new session only
    add(t, BotUttered("answer"), ActionExecuted("action_listen"))
    await store.save(t)
    with store.engine.connect() as c:
        rows = [list(r) for r in c.execute(sa.text("select sender_id, type_name, action_name, intent_name, data from events order by id"))]
    raw = [r[-1] for r in rows]
    rows = [[*r[:-1], json.loads(r[-1])] for r in rows]
    loaded = len((await store.retrieve("a")).events)
    latest = await store.retrieve("a")
    full = await store.retrieve_full_tracker("a")
    trackers = {"latest": [e.as_dict() for e in latest.events], "full": [e.as_dict() for e in full.events],
                "slots": latest.current_slot_values(), "missing": await store.retrieve("nobody") is None}
    print(json.dumps({"rows": rows, "count_queries": len(counts), "loaded": loaded, "trackers": trackers,
                      "raw_user": [d for d in raw if '"user"' in d]}))

asyncio.run(main())
"""


def store_run(mode: str) -> dict:
    return run_rasa_script(STORE_SCRIPT, mode)


def test_the_tracker_store_writes_the_same_rows_without_counting_them_after_a_load() -> None:
    on, off = store_run("on"), store_run("off")
    assert on["rows"] == off["rows"]  # the same events, once each, in the same order
    # stored as UTF-8 JSON: the letters themselves, not 6-byte escapes (Rasa's ensure_ascii)
    assert "сәлем" in on["raw_user"][0] and "\\u" not in on["raw_user"][0]
    assert "сәлем" not in off["raw_user"][0] and "\\u0441" in off["raw_user"][0]
    assert len(on["raw_user"][0]) < len(off["raw_user"][0])
    assert len(off["rows"]) == 4 + 3 + 5 + 2
    assert [r[1] for r in off["rows"]].count("user") == 3 and on["loaded"] == off["loaded"] == 6  # the latest session (from its session_started)
    # Rasa counts before every save (6: creating the new tracker saves it too); after a load the
    # first save of that tracker needs no count (3 of them)
    assert off["count_queries"] == 6
    assert on["count_queries"] == 3
    # the trackers read back (the column-only read, the remembered event classes) are Rasa's own
    assert on["trackers"] == off["trackers"]
    assert len(on["trackers"]["full"]) == 14 and on["trackers"]["slots"]["language"] == "kk" and on["trackers"]["missing"]


RESOLVE_SCRIPT = r"""
import json, sys
from tendik.rasa import speedups
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses
before = Event.resolve_by_type
speedups.install()
after = Event.resolve_by_type
names = sorted({c.type_name for c in all_subclasses(Event)})
out = {"patched": before is not after, "same": [], "errors": []}
for _ in range(2):  # the second time from what was remembered
    out["same"].append(all(before(n) is after(n) for n in names))
for fn in (before, after):
    try:
        fn("no_such_event")
        out["errors"].append("accepted")
    except ValueError as e:
        out["errors"].append(str(e))
from rasa.shared.core.events import UserUttered
out["default"] = after("no_such_event", UserUttered) is UserUttered
out["topic"] = after("topic") is None and after("topic", UserUttered) is None
out["count"] = len(names)
print(json.dumps(out))
"""


def test_event_classes_resolve_as_rasa_resolves_them() -> None:
    out = run_rasa_script(RESOLVE_SCRIPT)
    assert out["patched"] and out["same"] == [True, True] and out["count"] > 20
    assert out["errors"][0] == out["errors"][1] != "accepted"
    assert out["default"] and out["topic"]


LANGUAGE_SCRIPT = r"""
import asyncio, json, tempfile
from pathlib import Path
from tendik.rasa.speedups import latest_slot_values
from rasa.core.tracker_store import SQLTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, AllSlotsReset, Restarted, SessionStarted, SlotSet, UserUttered)

domain = Domain.load("nlu_data/domain")
store = SQLTrackerStore(domain, dialect="sqlite", db=str(Path(tempfile.mkdtemp()) / "t.db"))
clock = iter(range(1_000_000, 2_000_000))
NAMES = ("language_pref", "language")

def start(t):
    add(t, ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"))

def add(t, *events):
    for e in events:
        e.timestamp = float(next(clock))
        t.update(e)

SCENARIOS = {
    "never set": [],
    "set": [SlotSet("language", "kk")],
    "changed": [SlotSet("language", "kk"), UserUttered("x"), SlotSet("language", "ru"), SlotSet("language_pref", "ru")],
    "cleared": [SlotSet("language_pref", "kk"), SlotSet("language_pref", None), SlotSet("language", "ru")],
    "new session carries over": [SlotSet("language", "kk"), SlotSet("language_pref", "kk"), "session",
                                 SlotSet("language", "kk"), SlotSet("language_pref", "kk"), UserUttered("y")],
    "restarted": [SlotSet("language", "kk"), SlotSet("language_pref", "kk"), Restarted(), ActionExecuted("action_listen")],
    "reset then set": [SlotSet("language", "kk"), SlotSet("language_pref", "ru"), AllSlotsReset(), SlotSet("language", "ru")],
    "many turns": [e for i in range(40) for e in (UserUttered(f"m{i}"), SlotSet("language", "kk" if i % 3 else "ru"),
                                                  SlotSet("grounds", ["age"]))],
    "preference set long ago": [SlotSet("language_pref", "kk"), *[e for i in range(60) for e in (
        UserUttered(f"p{i}"), SlotSet("language", "ru"), SlotSet("language", "kk"))]],
}

async def main():
    out = {}
    for name, events in SCENARIOS.items():
        sender = "s-" + name.replace(" ", "-")
        t = await store.get_or_create_tracker(sender, append_action_listen=False)
        start(t)
        for e in events:
            if e == "session":
                start(t)
            else:
                add(t, e)
        await store.save(t)
        loaded = await store.retrieve(sender)
        out[name] = {"fast": latest_slot_values(store, sender, NAMES),
                     "tracker": {n: loaded.get_slot(n) for n in NAMES}}
    out["unknown conversation"] = latest_slot_values(store, "nobody", NAMES)
    out["not sql"] = latest_slot_values(InMemoryTrackerStore(domain), "s-set", NAMES)
    print(json.dumps(out))

asyncio.run(main())
"""


def test_the_stored_language_read_from_the_newest_slot_events_is_the_trackers() -> None:
    out = run_rasa_script(LANGUAGE_SCRIPT)
    assert out.pop("unknown conversation") == {"language_pref": None, "language": None}
    assert out.pop("not sql") is None  # another store: the caller reads the whole tracker
    for name, values in out.items():
        assert values["fast"] == values["tracker"], name
    assert out["changed"]["fast"] == {"language_pref": "ru", "language": "ru"}
    assert out["restarted"]["fast"] == {"language_pref": None, "language": None}
    assert out["reset then set"]["fast"] == {"language_pref": None, "language": "ru"}
    assert out["many turns"]["fast"]["language"] == "ru"  # the 40th turn (i = 39) set ru
    assert out["preference set long ago"]["fast"] == {"language_pref": "kk", "language": "kk"}
