#!/usr/bin/env bash
# Records real Celery canvases as stemtrace event captures, one file per shape.
# Needs Debian's python3-celery and python3-redis (apt-get install -y python3-celery python3-redis) and a
# Redis server. Usage: scripts/canvas-recorder/record.sh [OUT_DIR] [SHAPE...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../stemtrace-tests/src/main/resources/io/stemtrace/testing/canvas}
shift || true
shapes=("$@")
[ ${#shapes[@]} -gt 0 ] || shapes=(nested-chord chain-of-groups chord-in-chain chord-of-chains errbacks retry-success)
py=/usr/bin/python3 # Debian's interpreter, which has python3-celery
export REC_BROKER=${REC_BROKER:-redis://127.0.0.1:6379/9}
mkdir -p "$out"
cd "$here"
for shape in "${shapes[@]}"; do
  export REC_STREAM="canvasrec:$shape"
  $py - <<PY
import redis, os
r = redis.Redis.from_url(os.environ["REC_BROKER"]); r.flushdb()
PY
  $py -m celery -A canvasapp worker -c 4 -n "w1@recorder" --loglevel=warning >"/tmp/canvas-recorder-$shape.log" 2>&1 &
  worker=$!
  for _ in $(seq 1 100); do
    $py -c "import redis,os,sys; sys.exit(0 if redis.Redis.from_url(os.environ['REC_BROKER']).xlen(os.environ['REC_STREAM']) else 1)" && break
    sleep 0.1
  done
  $py shapes.py "$shape"
  kill -TERM "$worker"; wait "$worker" || true
  $py - "$out/$shape.jsonl" <<'PY'
import json, os, sys, redis
r = redis.Redis.from_url(os.environ["REC_BROKER"])
with open(sys.argv[1], "w") as f:
    for _id, fields in r.xrange(os.environ["REC_STREAM"]):
        f.write(json.dumps(json.loads(fields[b"data"]), separators=(",", ":")) + "\n")
PY
  echo "$shape: $(wc -l <"$out/$shape.jsonl") events -> $out/$shape.jsonl"
done
