#!/bin/bash
# Hostile clients: a huge header, 10k headers, a body, a bad method, a bad
# path, garbage, a slow client holding a connection, many connections at
# once. Each gets a 4xx or a closed connection, the exporter never holds
# more connections than its limit, and it answers the next scrape.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exporter_lib.sh"
[[ $BACKEND == tp_btf ]] || skip "runs once"
require curl timeout
ns_add NS a
ex_start main --netns "/run/netns/$NS" || finish
P=${EXPORT_PORT[main]}
pid=${DSPID[main]}

# raw FILE: send FILE's bytes on a new connection; print the status line
# ("closed" when the server closed without one). 5 s at most.
raw()
{
	local line
	exec {fd}<>/dev/tcp/127.0.0.1/"$P" || { echo refused; return; }
	cat "$1" >&"$fd" 2>/dev/null
	line=$(timeout 5 head -n 1 <&"$fd" | tr -d '\r')
	exec {fd}<&-
	echo "${line:-closed}"
}

status_4xx()
{
	[[ $1 == closed || $1 =~ ^HTTP/1\.[01]\ 4[0-9][0-9] ]]
}

big=$(head -c 100000 /dev/zero | tr '\0' a)
code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' -H "X-Big: $big" "http://127.0.0.1:$P/metrics")
check_true "100 kB header: 4xx or closed ($code)" status_4xx "HTTP/1.1 $code"

{
	printf 'GET /metrics HTTP/1.1\r\nHost: x\r\n'
	for ((i = 0; i < 10000; i++)); do printf 'X-H%d: v\r\n' $i; done
	printf '\r\n'
} >"$T/10k"
r=$(raw "$T/10k")
check_true "10k headers: 4xx or closed ($r)" status_4xx "$r"

head -c 1000000 /dev/zero >"$T/body"
code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' --data-binary @"$T/body" -X GET "http://127.0.0.1:$P/metrics")
check_eq "GET with a 1 MB body" 413 "$code"
printf 'BREW /metrics HTTP/1.1\r\nHost: x\r\n\r\n' >"$T/brew"
check_eq "bad method" "HTTP/1.1 405 Method Not Allowed" "$(raw "$T/brew")"
check_eq "bad path" 404 "$(http_code main /../../etc/passwd --path-as-is)"
printf '\x01\x02garbage\r\n\r\n' >"$T/garbage"
r=$(raw "$T/garbage")
check_true "garbage: 4xx or closed ($r)" status_4xx "$r"
check_eq "scrape after the bad requests" 200 "$(http_code main /metrics)"

# A slow client: half a request, then nothing. It must not block a scrape,
# and the exporter must close it after its timeout (10 s).
exec {slow}<>/dev/tcp/127.0.0.1/"$P"
printf 'GET /metrics HTTP/1.1\r\nHost: x\r\n' >&"$slow"
check_eq "scrape while a slow client holds a connection" 200 "$(http_code main /metrics)"
t0=$SECONDS
timeout 20 cat <&"$slow" >/dev/null
waited=$((SECONDS - t0))
exec {slow}<&-
check_true "slow client closed by the server within 15 s (after ${waited} s)" test "$waited" -le 15

# Many connections at once: the exporter accepts up to its limits and
# closes the rest; it never holds more than 64.
fds=()
for ((i = 0; i < 200; i++)); do
	exec {fd}<>/dev/tcp/127.0.0.1/"$P" 2>/dev/null && fds+=("$fd")
done
sleep 0.5
socks=$(find /proc/"$pid"/fd -lname 'socket:*' 2>/dev/null | wc -l)
check_true "sockets held with 200 clients: $socks (limit 64 + listener + netlink)" test "$socks" -le 70
for fd in "${fds[@]}"; do exec {fd}<&-; done
sleep 0.5
check_eq "scrape after 200 connections" 200 "$(http_code main /metrics)"
check_true "still running" kill -0 "$pid"
scrape main >"$T/m.txt"
check_eq "a whole scrape" 1 "$(msum "$T/m.txt" dropscope_up)"
finish
