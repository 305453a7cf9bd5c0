# shellcheck shell=bash
# Helpers for the exporter tests (70-89), on top of lib.sh.

declare -A EXPORT_PORT=() # tag -> port the exporter listens on

# ex_start TAG ARGS...: start `dropscope exporter --listen 127.0.0.1:0 ARGS`
# (a free port the kernel picks) and set EXPORT_PORT[TAG] from the line it
# prints. Returns 1 (after recording a failure) if it does not get ready.
ex_start()
{
	local tag=$1 port
	shift
	ds_launch "$tag" "$T/$tag.out" exporter --listen 127.0.0.1:0 "$@" || return 1
	port=$(sed -n 's|^dropscope: serving https\{0,1\}://[^ ]*:\([0-9]*\)/metrics$|\1|p' "$T/$tag.err")
	[[ -n $port ]] || {
		fail "$tag: no 'serving' line"
		show "$T/$tag.err"
		return 1
	}
	EXPORT_PORT[$tag]=$port
}

# scrape TAG [CURL-ARGS...]: GET /metrics of that exporter (5 s at most).
scrape()
{
	local tag=$1
	shift
	curl -sS --max-time 5 "$@" "http://127.0.0.1:${EXPORT_PORT[$tag]}/metrics"
}

# http_code TAG PATH [CURL-ARGS...]: the status of a request (000 = none).
http_code()
{
	local tag=$1 path=$2
	shift 2
	curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$@" "http://127.0.0.1:${EXPORT_PORT[$tag]}$path"
}

# msum FILE METRIC [LABEL=\"VALUE\"...]: sum of the samples of METRIC whose
# label set contains every given label="value" (exactly, as written).
msum()
{
	local f=$1 m=$2
	shift 2
	awk -v m="$m" -v want="$*" '
	BEGIN { n = split(want, w, " ") }
	{
		name = $1; sub(/\{.*/, "", name)
		if (name != m) next
		lbl = $0; sub(/^[^{]*/, "", lbl); sub(/\}[^}]*$/, "}", lbl)
		for (i = 1; i <= n; i++) if (index(lbl, w[i]) == 0 && !(lbl == "" && w[i] == "")) next
		s += $NF
	}
	END { printf "%d\n", s }' "$f"
}

# mcount FILE METRIC: how many samples of METRIC there are.
mcount()
{
	awk -v m="$1" '{ name = $1; sub(/\{.*/, "", name) } name == m { c++ } END { print c + 0 }' "$2"
}

# scrape_loop TAG DIR STOPFILE: scrape TAG every 0.5 s into DIR/NNNN until
# STOPFILE exists (300 scrapes at most); run it in the background.
scrape_loop()
{
	local tag=$1 dir=$2 stop=$3 i
	mkdir -p "$dir"
	for ((i = 0; i < 300; i++)); do
		[[ -e $stop ]] && break
		scrape "$tag" >"$dir/$(printf %04d "$i")" 2>/dev/null
		sleep 0.5
	done
}

# series_decreases DIR: the drops_total series whose value went down
# between two consecutive scrapes of DIR that both have it (one line
# each: labels old new). A series that went away may come back anew.
series_decreases()
{
	awk 'FNR == 1 { delete prev; for (k in cur) prev[k] = cur[k]; delete cur }
	     $1 ~ /^dropscope_drops_total\{/ {
		cur[$1] = $2
		if (($1 in prev) && $2 + 0 < prev[$1] + 0) print $1, prev[$1], $2
	     }' "$1"/*
}

# live_netns: the inodes of the network namespaces alive now (a process
# in them, or a bind mount), as the exporter finds them.
live_netns()
{
	{
		find /proc/[0-9]*/ns/net -maxdepth 0 -printf '%l\n' 2>/dev/null
		awk '$0 ~ / - nsfs / { print $4 }' /proc/self/mountinfo
	} | sed -n 's/^net:\[\([0-9]*\)\]$/\1/p' | sort -u
}

# series_exposed DIR LABEL [MATCH]: "VALUE-OF-LABEL SUM" per value of LABEL: the
# drops its series showed over the scrapes of DIR, each life of a series
# (from its first scrape to the last before it went away) counted by the
# last value it had (a series that went away and came back is a new one).
# MATCH: only the series whose line has this text.
series_exposed()
{
	awk -v l="$2" -v want="${3:-}" '
	function flush(   s) {
		for (s in cur) if (!(s in seen)) { done[s] += cur[s]; delete cur[s] }
		delete seen
	}
	FNR == 1 && NR > 1 { flush() }
	$1 ~ /^dropscope_drops_total\{/ && (want == "" || index($1, want)) { cur[$1] = $2; seen[$1] = 1 }
	END {
		for (s in cur) done[s] += cur[s]
		for (s in done) {
			if (!match(s, l "=\"[^\"]*\"")) continue
			v = substr(s, RSTART + length(l) + 2, RLENGTH - length(l) - 3)
			t[v] += done[s]
		}
		for (v in t) print v, t[v]
	}' "$1"/*
}

# drops_map_rows PID: rows in the in-kernel count table of that dropscope
# (bpftool's own view), "" when it cannot be found.
drops_map_rows()
{
	local id f out
	for f in /proc/"$1"/fdinfo/*; do
		id=$(awk '$1 == "map_id:" { print $2 }' "$f" 2>/dev/null)
		[[ -n $id ]] || continue
		if bpftool -j map show id "$id" 2>/dev/null | jq -e '.name == "drops"' >/dev/null; then
			bpftool -j map dump id "$id" 2>/dev/null | jq length
			return
		fi
	done
}

# drops_map_netns PID: the netns inode of each row in that dropscope's
# count table (struct drop_key: a little-endian __u32 at byte 32), one a
# line, read with bpftool.
drops_map_netns()
{
	local id f out
	for f in /proc/"$1"/fdinfo/*; do
		id=$(awk '$1 == "map_id:" { print $2 }' "$f" 2>/dev/null)
		[[ -n $id ]] || continue
		if bpftool -j map show id "$id" 2>/dev/null | jq -e '.name == "drops"' >/dev/null; then
			# A table with no rows is a valid answer (every object gone, no
			# other drop): the status says whether the table was read.
			out=$(bpftool -j map dump id "$id" 2>/dev/null) || return 1
			jq -r '.[] | .key | .[32:36] | @tsv' <<<"$out" |
				awk 'function h(s,   i, v) { s = tolower(s); sub(/^0x/, "", s); v = 0
					for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
					return v }
				NF == 4 { printf "%.0f\n", h($1) + 256 * (h($2) + 256 * (h($3) + 256 * h($4))) }'
			return
		fi
	done
	return 1
}
