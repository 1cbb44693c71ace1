"""A Celery app whose signal handlers publish stemtrace-format task events to a Redis stream.

Used by record.sh to record real Celery canvases (nested chords, chains of groups, chords in chains, chords
of chains, errbacks, retries) as test captures. The fields follow the Python stemtrace library 0.3.3: PENDING
from before_task_publish carries only id, name and args; later events carry the request's parent, root and
group ids, and for chord headers the callback's id (chord_callback_id) and the group the callback belongs to
(chord_id).
"""
import json, os, time, datetime
import redis
from celery import Celery, signals

BROKER = os.environ.get("REC_BROKER", "redis://127.0.0.1:6379/9")
app = Celery("canvasapp", broker=BROKER, backend=BROKER)
app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"])
STREAM = os.environ.get("REC_STREAM", "canvasrec:events")
_conn = {}

def r():
    pid = os.getpid()
    if pid not in _conn:
        _conn.clear(); _conn[pid] = redis.Redis.from_url(BROKER)
    return _conn[pid]

def now():
    return datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%S.%fZ")

def emit(d):
    r().xadd(STREAM, {"data": json.dumps(d)})

def event(task_id, name, state, req=None, retries=0, args=None, kwargs=None, result=None, exc=None, tb=None):
    chord = getattr(req, "chord", None) if req else None
    opts = (chord or {}).get("options", {}) if isinstance(chord, dict) else {}
    emit({"task_id": task_id, "name": name, "state": state, "timestamp": now(),
          "parent_id": getattr(req, "parent_id", None) if req else None,
          "root_id": getattr(req, "root_id", None) if req else None,
          "group_id": getattr(req, "group", None) if req else None,
          "chord_id": opts.get("group_id") if opts else None,
          "chord_callback_id": opts.get("task_id") if opts else None,
          "trace_id": None, "retries": retries, "args": args, "kwargs": kwargs, "result": result,
          "exception": exc, "traceback": tb})

@signals.before_task_publish.connect
def on_publish(sender=None, headers=None, body=None, **kw):
    args = body[0] if isinstance(body, (list, tuple)) else None
    event(headers["id"], sender, "PENDING", args=list(args) if args is not None else None)

@signals.task_prerun.connect
def on_prerun(task_id=None, task=None, args=None, kwargs=None, **kw):
    event(task_id, task.name, "STARTED", task.request, task.request.retries, list(args or []), dict(kwargs or {}))

@signals.task_success.connect
def on_success(sender=None, result=None, **kw):
    event(sender.request.id, sender.name, "SUCCESS", sender.request, sender.request.retries, result=result)

@signals.task_failure.connect
def on_failure(sender=None, task_id=None, exception=None, einfo=None, **kw):
    event(task_id, sender.name, "FAILURE", sender.request, sender.request.retries,
          exc=f"{type(exception).__name__}: {exception}", tb=str(einfo.traceback) if einfo else None)

@signals.task_retry.connect
def on_retry(sender=None, request=None, reason=None, einfo=None, **kw):
    event(request.id, sender.name, "RETRY", request, request.retries,
          exc=f"{type(reason).__name__}: {reason}", tb=str(einfo.traceback) if einfo else None)

@signals.worker_ready.connect
def on_ready(sender=None, **kw):
    names = sorted(n for n in app.tasks if not n.startswith("celery."))
    emit({"event_type": "worker_ready", "hostname": sender.hostname, "pid": os.getpid(), "timestamp": now(),
          "registered_tasks": names, "task_definitions": {}, "shutdown_time": None})

@signals.worker_shutdown.connect
def on_shutdown(sender=None, **kw):
    emit({"event_type": "worker_shutdown", "hostname": sender.hostname, "pid": os.getpid(), "timestamp": now(),
          "registered_tasks": [], "task_definitions": {}, "shutdown_time": now()})

@app.task
def add(x, y):
    time.sleep(0.01)
    return x + y

@app.task
def tsum(xs):
    time.sleep(0.01)
    return sum(xs)

@app.task(bind=True, max_retries=3)
def flaky(self, n):
    if self.request.retries < 2:
        raise self.retry(exc=ValueError(f"flaky attempt {self.request.retries}"), countdown=0.2)
    return n

@app.task
def boom(n):
    raise RuntimeError(f"kaboom {n}")

@app.task
def on_error_old(task_id):
    return f"cleaned {task_id}"

@app.task
def on_error_old2(task_id):
    return f"notified {task_id}"

@app.task
def on_error_new(request, exc, traceback):
    return f"handled {request.id}"
