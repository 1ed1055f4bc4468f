#!/usr/bin/env bash
# Local cluster check (issue 11): the production settings on PostgreSQL and Redis at 127.0.0.1,
# two gunicorn web instances and two qcluster workers sharing them, as on several machines.
# Checks: an API journey alternately against both web instances (bench/journey.py), tasks
# through the Redis broker each run exactly once, and a burst of reminders sent exactly once
# across both workers through the aliyun backend (the official SDK) against a fake Aliyun
# (bench/fake_sms_providers.py, which verifies each request's signature and parameters).
# Stops everything it started.
#
# Environment: CLUSTER_DB (database, dropped and recreated; default xuetang_cluster),
# CLUSTER_REDIS_DB (Redis database, flushed; default 15), CLUSTER_PORTS (default "8701 8702"),
# PGHOST/PGUSER (default 127.0.0.1/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
PGHOST=${PGHOST:-127.0.0.1}
PGUSER=${PGUSER:-postgres}
DB=${CLUSTER_DB:-xuetang_cluster}
REDIS_DB=${CLUSTER_REDIS_DB:-15}
read -r -a PORTS <<<"${CLUSTER_PORTS:-8701 8702}"
WORK=$(mktemp -d -t xuetang-cluster.XXXXXX)
STARTED=()

export DJANGO_SETTINGS_MODULE=learning.settings.production
export DATABASE_URL="postgres://$PGUSER@$PGHOST:5432/$DB"
export REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB"
SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false
export STATIC_ROOT="$WORK/static" MEDIA_ROOT="$WORK/media"
export SMS_BACKEND=aliyun SMS_LOG_FILE="$WORK/sms-provider.log" SMS_PROVIDER_PROTOCOL=http
export ALIYUN_ACCESS_KEY_ID=LTAI-cluster-check ALIYUN_ACCESS_KEY_SECRET=cluster-check-secret
# The burst texts the same 20 learners many times: lift the per-number limits for it.
export SMS_RATE_LIMITS="minute=1000,hour=1000,day=1000"
SMS_WEBHOOK_SECRET=$($PY -c 'import secrets; print(secrets.token_urlsafe(32))')
export SMS_WEBHOOK_SECRET
export Q_WORKERS=1 LOG_LEVEL=WARNING
BURST=${CLUSTER_SMS_BURST:-300}

stop_everything() {
    local status=$?
    for pid in "${STARTED[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 40); do
        local alive=0
        for pid in "${STARTED[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.5
    done
    for pid in "${STARTED[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    if [ "$status" != 0 ]; then
        echo "cluster check FAILED; last log lines:" >&2
        tail -n 20 "$WORK"/*.log >&2 2>/dev/null || true
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap stop_everything EXIT
trap 'exit 130' INT TERM

prepare_database() {
    echo "== database $DB, Redis db $REDIS_DB"
    dropdb --if-exists -h "$PGHOST" -U "$PGUSER" "$DB"
    createdb -h "$PGHOST" -U "$PGUSER" "$DB"
    redis-cli -h 127.0.0.1 -n "$REDIS_DB" flushdb >/dev/null
    # Once per release, from one machine: migrations, static files; then the journey's learner
    # and a few others (not the whole demo: the check stays well under three minutes).
    $PY manage.py migrate --noinput --verbosity 0
    $PY manage.py collectstatic --noinput --verbosity 0
    $PY bench/cluster_queue.py setup
    echo "== database ready after ${SECONDS}s"
}

start_fake_aliyun() {
    $PY bench/fake_sms_providers.py aliyun --port-file "$WORK/aliyun.port" \
        --log "$SMS_LOG_FILE" >"$WORK/fake-aliyun.log" 2>&1 &
    STARTED+=($!)
    for attempt in $(seq 40); do
        [ -s "$WORK/aliyun.port" ] && break
        [ "$attempt" = 40 ] && { echo "the fake Aliyun did not start" >&2; return 1; }
        sleep 0.25
    done
    export SMS_ALIYUN_ENDPOINT="127.0.0.1:$(cat "$WORK/aliyun.port")"
    echo "== fake Aliyun on $SMS_ALIYUN_ENDPOINT"
}

start_cluster() {
    for port in "${PORTS[@]}"; do
        GUNICORN_BIND="127.0.0.1:$port" WEB_CONCURRENCY=2 GUNICORN_ACCESS_LOG="$WORK/web-$port.access.log" \
            $PY -m gunicorn >"$WORK/web-$port.log" 2>&1 &
        STARTED+=($!)
    done
    for worker in 1 2; do
        $PY manage.py qcluster >"$WORK/qcluster-$worker.log" 2>&1 &
        STARTED+=($!)
    done
    for port in "${PORTS[@]}"; do
        for attempt in $(seq 60); do
            curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
            [ "$attempt" = 60 ] && { echo "web instance on port $port did not come up" >&2; return 1; }
            sleep 0.5
        done
    done
    echo "== up after ${SECONDS}s: web on ${PORTS[*]}, 2 qcluster workers"
}

run_journey() {
    local bases=()
    for port in "${PORTS[@]}"; do bases+=(--base "http://127.0.0.1:$port"); done
    timeout 150 $PY bench/journey.py "${bases[@]}" --phone 13800000001 --password xuetang2026 \
        --rounds 3 --timeout 120
}

check_queue() {
    timeout 90 $PY bench/cluster_queue.py tasks 40
}

# A burst of reminder texts queued through learning.sms.delivery.queue (one send task each,
# plus two racing sweeps): both workers send them through the aliyun backend, and each text
# must reach the fake Aliyun exactly once with status sent and one attempt. Then two `send_reminders` evaluations race, as two
# schedulers or a retried schedule would: no reminder may be stored twice.
check_sms_burst() {
    timeout 120 $PY bench/cluster_queue.py sms-burst "$BURST"
}

check_reminders_sent_once() {
    $PY manage.py send_reminders >"$WORK/send-1.log" 2>&1 &
    local first=$!
    $PY manage.py send_reminders >"$WORK/send-2.log" 2>&1 &
    local second=$!
    wait "$first"
    wait "$second"
    timeout 120 $PY bench/cluster_queue.py reminders-once
}

SECONDS=0
start_fake_aliyun
prepare_database
start_cluster
run_journey
echo "== journey done after ${SECONDS}s"
check_queue
check_sms_burst
check_reminders_sent_once
echo "cluster check passed in ${SECONDS}s"
