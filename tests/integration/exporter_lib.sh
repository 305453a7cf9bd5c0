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
