#!/usr/bin/env bash
# Start N `streamlit run app.py` replicas on loopback ports and nginx in front of them (sticky
# sessions by cookie, websocket upgrade), all bound to 127.0.0.1; stop everything on exit.
#
# nginx runs in the foreground of this script with its own prefix and config under a temporary
# folder (rendered from deploy/nginx.conf.template), never as the system service. The replicas
# share one cookie secret so that XSRF and auth cookies stay valid whichever replica checks them.
#
# usage: deploy/run_replicas.sh [-n REPLICAS] [-p NGINX_PORT] [-b FIRST_REPLICA_PORT]
#                               [--app PATH] [--pid-file FILE] [--run COMMAND]
#   -n, --replicas N     number of Streamlit processes (default 2)
#   -p, --port PORT      port nginx listens on, on 127.0.0.1 (default 8080)
#   -b, --base-port P    first replica's port; the others follow (default 8501)
#   --app PATH           the Streamlit entry script (default: the repository's app.py)
#   --pid-file FILE      also write the replicas' process ids there, one per line
#   --run COMMAND        run COMMAND (with bash -c) once everything answers, then stop all and
#                        exit with its status; without it, serve until Ctrl-C or a replica dies
# COMMAND sees LOSSVIZ_URL (the nginx front, http://127.0.0.1:PORT), LOSSVIZ_PID_FILE (the
# replicas' pids) and LOSSVIZ_REPLICAS, e.g.
#   deploy/run_replicas.sh -n 2 --run 'python bench/bench_classroom.py --url "$LOSSVIZ_URL" \
#       --pid-file "$LOSSVIZ_PID_FILE"'
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
replicas=2
nginx_port=8080
base_port=8501
app="$repo_root/app.py"
pid_file=""
run_command=""

die() { echo "run_replicas.sh: $*" >&2; exit 2; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        -n|--replicas) replicas="${2:?}"; shift 2 ;;
        -p|--port) nginx_port="${2:?}"; shift 2 ;;
        -b|--base-port) base_port="${2:?}"; shift 2 ;;
        --app) app="${2:?}"; shift 2 ;;
        --pid-file) pid_file="${2:?}"; shift 2 ;;
        --run) run_command="${2:?}"; shift 2 ;;
        -h|--help) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done

[[ "$replicas" =~ ^[1-9][0-9]*$ ]] || die "--replicas must be a positive integer; got '$replicas'"
[[ -f "$app" ]] || die "--app must be an existing Streamlit script; got '$app'"
command -v nginx >/dev/null || die "nginx is not installed: apt-get install -y nginx"
command -v curl >/dev/null || die "curl is not installed: apt-get install -y curl"
app="$(cd "$(dirname "$app")" && pwd)/$(basename "$app")"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$nginx_port" $(seq "$base_port" $((base_port + replicas - 1))); do
    port_in_use "$port" && die "port $port on 127.0.0.1 is already in use"
done

workdir="$(mktemp -d /tmp/lossviz-replicas.XXXXXX)"
replica_pids=()
nginx_pid=""

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [[ -n "$nginx_pid" ]]; then
        kill -QUIT "$nginx_pid" 2>/dev/null || true
    fi
    for pid in "${replica_pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    # Give them 10 s to exit cleanly, then force.
    for _ in $(seq 50); do
        alive=0
        for pid in "$nginx_pid" "${replica_pids[@]}"; do
            [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && alive=1
        done
        [[ $alive -eq 0 ]] && break
        sleep 0.2
    done
    for pid in "$nginx_pid" "${replica_pids[@]}"; do
        [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$workdir"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_for_health() {  # url, seconds, log file
    local deadline=$((SECONDS + $2))
    until curl -fs -o /dev/null --max-time 2 "$1/_stcore/health"; do
        if (( SECONDS >= deadline )); then
            echo "run_replicas.sh: $1 did not answer /_stcore/health within $2 s" >&2
            [[ -f "$3" ]] && tail -n 30 "$3" >&2
            exit 1
        fi
        sleep 0.3
    done
}

cookie_secret="$(python -c 'import secrets; print(secrets.token_hex(32))')"
upstreams=""
for ((i = 0; i < replicas; i++)); do
    port=$((base_port + i))
    # From the app's folder, like `streamlit run app.py` at the repository root (relative page
    # paths and .streamlit/config.toml are found there). setsid: a Ctrl-C in the terminal reaches
    # this script only, which then stops the replicas in order.
    (cd "$(dirname "$app")" && STREAMLIT_SERVER_COOKIE_SECRET="$cookie_secret" exec setsid \
        python -m streamlit run "$app" \
        --server.headless true \
        --server.address 127.0.0.1 \
        --server.port "$port" \
        --server.fileWatcherType none \
        --browser.gatherUsageStats false \
        >"$workdir/replica-$port.log" 2>&1 </dev/null) &
    replica_pids+=("$!")
    upstreams+="        server 127.0.0.1:$port;"$'\n'
done
for ((i = 0; i < replicas; i++)); do
    port=$((base_port + i))
    wait_for_health "http://127.0.0.1:$port" 90 "$workdir/replica-$port.log"
    # One run of the home page per replica before nginx takes traffic, so that the process's
    # one-time imports do not land on a student (see deploy/warm_up.py).
    python "$repo_root/deploy/warm_up.py" "http://127.0.0.1:$port" --timeout 90 \
        || die "replica on port $port did not finish its warm-up run"
done

mkdir -p "$workdir/nginx"
conf="$workdir/nginx/nginx.conf"
UPSTREAMS="${upstreams%$'\n'}" python - "$repo_root/deploy/nginx.conf.template" "$conf" \
    "$workdir/nginx" "127.0.0.1:$nginx_port" <<'PY'
import os
import sys

template, target, prefix, listen = sys.argv[1:5]
values = {"@PREFIX@": prefix, "@LISTEN@": listen, "@UPSTREAMS@": os.environ["UPSTREAMS"]}
lines = []
for line in open(template).read().splitlines():
    if not line.lstrip().startswith("#"):  # the header comment names the placeholders
        for placeholder, value in values.items():
            line = line.replace(placeholder, value)
    lines.append(line)
open(target, "w").write("\n".join(lines) + "\n")
PY
nginx -t -q -p "$workdir/nginx" -c "$conf" -e "$workdir/nginx/error.log"
nginx -p "$workdir/nginx" -c "$conf" -e "$workdir/nginx/error.log" -g 'daemon off;' \
    >"$workdir/nginx/stdout.log" 2>&1 </dev/null &
nginx_pid=$!
front="http://127.0.0.1:$nginx_port"
wait_for_health "$front" 30 "$workdir/nginx/error.log"

printf '%s\n' "${replica_pids[@]}" >"$workdir/replicas.pid"
[[ -n "$pid_file" ]] && cp "$workdir/replicas.pid" "$pid_file"
export LOSSVIZ_URL="$front" LOSSVIZ_PID_FILE="$workdir/replicas.pid" LOSSVIZ_REPLICAS="$replicas"
echo "lossviz: $replicas replica(s) on 127.0.0.1:$base_port-$((base_port + replicas - 1)) behind nginx at $front"
echo "logs and config: $workdir (removed on exit)"

if [[ -n "$run_command" ]]; then
    set +e
    bash -c "$run_command"
    status=$?
    set -e
    exit "$status"
fi
echo "serving; Ctrl-C stops everything"
# Stop everything as soon as nginx or any replica exits.
wait -n "$nginx_pid" "${replica_pids[@]}"
echo "run_replicas.sh: a process exited; stopping the others" >&2
exit 1
