# Sourced by the bench scripts after they set `here` (the checkout): a work directory that
# is removed on exit together with every server started into `pids`, the results
# directory, and starters for `charthouse serve` and nginx on 127.0.0.1.
work=$(mktemp -d "${TMPDIR:-/tmp}/ch-bench.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
results="$here/bench/results"
mkdir -p "$results"

# A port nothing listens on (for servers that cannot pick and report their own).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo $((20000 + RANDOM % 20000))
}

# wait_http URL [CURL-FLAG...]: waits until URL answers; fails after 10 s.
wait_http() {
  for _ in $(seq 1 100); do curl -s -o /dev/null "$@" && return 0; sleep 0.1; done
  echo "no answer from $1" >&2
  return 1
}

# start_serve BIN NAME [FLAG...]: `BIN serve` on an ephemeral port of $SERVE_HOST (an IPv4
# address, 127.0.0.1 by default) with root $work/NAME and its output in $work/NAME.out; sets
# serve_addr (host:port), serve_scheme (http, or https when FLAGs include
# --tls-cert/--tls-key) and serve_pid.
start_serve() {
  local bin=$1 name=$2 host=${SERVE_HOST:-127.0.0.1}
  shift 2
  "$bin" serve --addr "$host:0" --root "$work/$name" --access-log false "$@" >"$work/$name.out" 2>&1 &
  serve_pid=$!
  pids+=("$serve_pid")
  for _ in $(seq 1 100); do grep -q "listening on" "$work/$name.out" 2>/dev/null && break; sleep 0.1; done
  serve_addr=$host:$(sed -n "s/.*${host//./\\.}:\([0-9]*\) .*/\1/p" "$work/$name.out")
  serve_scheme=$(sed -n 's/.*listening on \(https*\):.*/\1/p' "$work/$name.out")
  # Only whether it answers: the certificate is checked by the clients under test.
  wait_http "${serve_scheme:-http}://$serve_addr/v2/" -k >/dev/null || { cat "$work/$name.out" >&2; return 1; }
}

# start_nginx PORT ROOT [HTTP-DIRECTIVES]: nginx (Debian), one worker, serving ROOT as static
# files, access log off, state under $work/nginx.
start_nginx() {
  mkdir -p "$work/nginx"
  cat >"$work/nginx/nginx.conf" <<CONF
$([[ $(id -u) == 0 ]] && echo "user root;")
master_process off;
worker_processes 1;
error_log $work/nginx/error.log;
pid $work/nginx/nginx.pid;
events { worker_connections 64; }
http {
  access_log off; ${3:-}
  client_body_temp_path $work/nginx/b; proxy_temp_path $work/nginx/p; fastcgi_temp_path $work/nginx/f;
  uwsgi_temp_path $work/nginx/u; scgi_temp_path $work/nginx/s;
  server { listen 127.0.0.1:$1; root $2; }
}
CONF
  /usr/sbin/nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' 2>"$work/nginx.err" &
  pids+=($!)
  wait_http "http://127.0.0.1:$1/"
}
