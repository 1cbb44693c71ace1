#!/usr/bin/env bash
# Makes sure what the test suite talks to is running: Redis, RabbitMQ, PostgreSQL, Debian's Chromium and kombu.
# Starts whatever is not reachable; fails loudly when something cannot be started.
set -euo pipefail

log() { echo "[stemtrace] $*" >&2; }

# brokers run on the machine's real clock even when the suite runs under faketime (README, Development)
real_clock() { env -u LD_PRELOAD -u FAKETIME -u FAKETIME_DONT_FAKE_MONOTONIC -u FAKETIME_FORCE_MONOTONIC_FIX "$@"; }

# an apt run cut short (a killed install) leaves dpkg half-configured; finish it before installing more
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  real_clock dpkg --configure -a >/dev/null 2>&1 || true
  real_clock apt-get update -qq && real_clock apt-get install -y -qq "$@" >/dev/null \
    || real_clock apt-get install -y -qq --fix-broken "$@" >/dev/null
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && exec 3>&- 3<&-; }

wait_port() { # port seconds name
  for _ in $(seq 1 "$2"); do
    if port_open "$1"; then return 0; fi
    sleep 1
  done
  log "$3 did not come up on 127.0.0.1:$1 within $2 s"
  return 1
}

ensure_redis() {
  if port_open 6379; then return 0; fi
  command -v redis-server >/dev/null || { log "redis-server is not installed (apt-get install redis-server)"; return 1; }
  log "starting Redis on 127.0.0.1:6379"
  mkdir -p /var/lib/redis /var/log/redis
  real_clock redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_port 6379 30 Redis
}

ensure_rabbitmq() {
  if port_open 5672; then return 0; fi
  command -v rabbitmq-server >/dev/null || { log "rabbitmq-server is not installed (apt-get install rabbitmq-server)"; return 1; }
  log "starting RabbitMQ on 127.0.0.1:5672"
  real_clock rabbitmq-server -detached || true
  if command -v rabbitmqctl >/dev/null; then real_clock timeout 120 rabbitmqctl await_startup >/dev/null 2>&1 || true; fi
  wait_port 5672 120 RabbitMQ
}

ensure_postgresql() {
  if port_open 5432; then return 0; fi
  command -v pg_ctlcluster >/dev/null || { log "PostgreSQL is not installed (apt-get install postgresql)"; return 1; }
  local version
  version=$(ls /etc/postgresql | sort -V | tail -1)
  log "starting PostgreSQL $version on 127.0.0.1:5432"
  real_clock pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_port 5432 60 PostgreSQL
}

ensure_chromium() {
  if command -v chromium >/dev/null; then return 0; fi
  log "installing Debian's chromium for the browser tests"
  apt_install chromium
  command -v chromium >/dev/null || { log "chromium could not be installed"; return 1; }
}

ensure_kombu() {
  # the RabbitMQ interop tests run a real kombu peer, as Python stemtrace uses it
  if /usr/bin/python3 -c "import kombu" 2>/dev/null; then return 0; fi
  log "installing Debian's python3-kombu for the RabbitMQ interop tests"
  apt_install python3-kombu
  /usr/bin/python3 -c "import kombu" || { log "python3-kombu could not be installed"; return 1; }
}

for what in "${@:-redis rabbitmq postgresql chromium kombu}"; do
  for one in $what; do "ensure_$one"; done
done
