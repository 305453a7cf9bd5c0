#!/bin/bash
# The Debian package: dpkg-buildpackage -us -uc -b in a copy of the tree
# builds a .deb that lintian accepts without errors, holding the binary,
# dropscope(8) and the bash completion; installed with dpkg it gives a
# working dropscope and man page, and is purged again at the end (only when
# this test installed it: an existing installation is left alone).
. "$(dirname "$0")/lib.sh"
[[ $BACKEND == tp_btf ]] || skip "runs once"
require dpkg-buildpackage lintian dpkg-deb git man
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
S=$T/src
mkdir -p "$S"
(cd "$ROOT" && git ls-files -co --exclude-standard | tar -cf - -T -) | tar -xf - -C "$S" ||
	die "copying the tree failed"
(cd "$S" && dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1
check_eq "dpkg-buildpackage" 0 $? || { tail -n 30 "$T/build.log"; finish; }
DEB=$(ls "$T"/dropscope_*_*.deb 2>/dev/null | head -n 1)
check_true "a .deb was built" test -s "$DEB" || finish
lintian --tag-display-limit 0 "$T"/dropscope_*.changes >"$T/lintian.txt" 2>&1
check_eq "lintian: no errors" "" "$(grep '^E:' "$T/lintian.txt")" || show "$T/lintian.txt"
dpkg-deb -c "$DEB" | awk '{ print $6 }' >"$T/contents.txt"
for f in ./usr/sbin/dropscope ./usr/share/man/man8/dropscope.8.gz \
	./usr/share/bash-completion/completions/dropscope ./lib/systemd/system/dropscope-exporter.service; do
	check_true "the package holds $f" grep -qxF "$f" "$T/contents.txt"
done
for p in libmicrohttpd12 libncursesw6 libpcap0.8; do
	check_true "Depends names $p (loaded at run time)" \
		bash -c "dpkg-deb -f '$DEB' Depends | grep -qw $p"
done

if dpkg -s dropscope >/dev/null 2>&1; then
	log "dropscope is installed on this machine already: not installing over it"
else
	dpkg -i "$DEB" >"$T/dpkg.log" 2>&1
	check_eq "dpkg -i" 0 $? || show "$T/dpkg.log"
	check_true "installed dropscope runs" /usr/sbin/dropscope version
	check_eq "man finds the page" /usr/share/man/man8/dropscope.8.gz "$(man -w dropscope 2>/dev/null)"
	dpkg --purge dropscope >>"$T/dpkg.log" 2>&1
	check_eq "dpkg --purge" 0 $?
	check_true "nothing left of it" test ! -e /usr/sbin/dropscope
fi
finish
