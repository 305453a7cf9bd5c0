#!/usr/bin/env bash
# Includes point down the layers (src/README.md): a file includes headers of
# its own layer and of the layers below it, never above. Also checks that
# every source file sits in a known layer, so a new folder is a decision.
set -u
cd "$(dirname "$0")/../.."

rank() {
	case $1 in
	bpf | lib) echo 0 ;; symbols) echo 1 ;; counters) echo 2 ;; trace) echo 3 ;;
	render) echo 4 ;; diagnose) echo 5 ;; cmd) echo 6 ;; *) echo -1 ;;
	esac
}

bad=0 n=0
for f in src/*/*.[ch]; do
	layer=$(basename "$(dirname "$f")")
	r=$(rank "$layer")
	if [ "$r" = -1 ]; then
		echo "$f: $layer/ is not a layer of src/README.md"
		bad=$((bad + 1))
		continue
	fi
	while read -r inc; do
		n=$((n + 1))
		to=${inc%%/*}
		ri=$(rank "$to")
		if [ "$ri" = -1 ] || [ "$ri" -gt "$r" ] || { [ "$layer" = lib ] && [ "$to" != lib ] && [ "$inc" != bpf/dropscope.h ]; } ||
			{ [ "$layer" = bpf ] && [ "$to" != bpf ]; }; then
			echo "$f includes $inc: $to/ is above $layer/ (or not a layer)"
			bad=$((bad + 1))
		fi
	done < <(sed -n 's/^#include "\([^"]*\/[^"]*\)".*/\1/p' "$f")
	# A bare "file.h" include of ours would hide the direction.
	if grep -qE '^#include "[a-z_]+\.h"' "$f" && ! grep -qE '^#include "[a-z_]+\.skel\.h"' "$f"; then
		echo "$f: an include without its layer: $(grep -E '^#include "[a-z_]+\.h"' "$f" | head -n 1)"
		bad=$((bad + 1))
	fi
	# A file that includes nothing of ours is fine; a test that reads no
	# include at all is not.
done
[ "$n" -gt 100 ] || { echo "only $n includes read: the check did not run"; exit 1; }
[ "$(ls src/*.c src/*.h 2>/dev/null | wc -l)" = 0 ] || { echo "source files directly in src/: $(ls src/*.[ch])"; bad=$((bad + 1)); }
echo "$n includes checked, $bad pointing up or unplaced"
[ $bad = 0 ]
