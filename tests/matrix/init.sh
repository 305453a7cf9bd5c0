#!/bin/sh
# /init of the matrix initramfs (busybox sh). Runs dropscope once per
# backend in /etc/matrix.conf, makes COUNT UDP drops to 127.0.0.1:PORT
# while it is attached (in two bursts, the second after the key has a
# front slot), prints everything between @@MATRIX markers on the
# serial console for tests/matrix/run.sh to parse, then powers off.
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /tmp /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null && exec </dev/console >/dev/console 2>&1
mount -t tmpfs tmpfs /tmp
# The initramfs has no /var/cache: dropscope's BTF cache in /tmp, so that
# the first run makes it and every later one loads with it on this kernel.
export DROPSCOPE_BTF_CACHE_DIR=/tmp/btfcache
ip link set lo up
. /etc/matrix.conf

say()
{
	echo "@@MATRIX $*"
}

# wait_ready: sets ready=yes once dropscope ($pid) made /tmp/r, ready=no
# if it exited or READY_WAIT seconds passed first.
wait_ready()
{
	ready=no
	i=0
	while [ $i -lt $((READY_WAIT * 10)) ]; do
		[ -e /tmp/r ] && ready=yes && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
}

# section NAME RC: what one run printed, between markers.
section()
{
	say "BEGIN $1"
	say "rc=$2 ready=$ready $(cat /tmp/sent 2>/dev/null)"
	sed 's/^/out: /' /tmp/out
	sed 's/^/err: /' /tmp/err
	say "END $1"
}

# run NAME [dropscope options...]
run()
{
	name=$1
	shift
	rm -f /tmp/r /tmp/out /tmp/err /tmp/sent
	/dropscope --ready-file /tmp/r -i 1 -c 3 -r --symbols=data -v "$@" \
		>/tmp/out 2>/tmp/err &
	pid=$!
	wait_ready
	if [ $ready = yes ] && [ "$COUNT" -gt 16 ]; then
		# Two bursts: the first, 16 (FRONT_MIN_DROPS, drop_table.h),
		# makes the key busy enough for a front slot (the default
		# mode's, struct front_slot), filled well within the 1.5 s
		# between them; the rest are counted in that slot, on this
		# kernel's verifier and atomics, and the check of COUNT is of
		# the hash and the slot together.
		/udpburst 16 "$PORT" >/tmp/sent1 2>&1
		sleep 1.5
		/udpburst $((COUNT - 16)) "$PORT" >/tmp/sent2 2>&1
		s1=$(sed -n 's/^sent //p' /tmp/sent1)
		s2=$(sed -n 's/^sent //p' /tmp/sent2)
		echo "sent $((${s1:-0} + ${s2:-0}))" >/tmp/sent
	elif [ $ready = yes ]; then
		/udpburst "$COUNT" "$PORT" >/tmp/sent 2>&1
	fi
	if [ $ready = no ] && kill -0 $pid 2>/dev/null; then
		kill $pid
	fi
	wait $pid
	section "$name" $?
}

# The firmware's last line may lack its newline: start on a fresh one.
echo
say "uname $(uname -r)"
say "btf $(ls /sys/kernel/btf/vmlinux 2>&1)"
for b in $BACKENDS; do
	case $b in
	auto) run auto ;;
	filters)
		# --netns and --dev on: the filters that read their values from
		# maps (filter_maps.h), in the main program and in the XDP/tc
		# verdict one, through this kernel's verifier. The drops are on
		# lo in our namespace: all counted.
		run filters --netns /proc/1/ns/net --dev lo
		;;
	tracepoint+tracefs)
		# The classic tracepoint again, with tracefs mounted as a
		# normal system has it (the runs above had none).
		mount -t tracefs tracefs /sys/kernel/tracing
		run "$b" --backend=tracepoint
		umount /sys/kernel/tracing
		;;
	*) run "$b" --backend="$b" ;;
	esac
done
# Events mode through this kernel's verifier: the per-CPU batches and the
# flush program run on a chosen CPU (or, where that cannot run, one ring
# record per event). -c COUNT ends the run once all COUNT events are out,
# which needs the CPU's partial batch flushed while it runs.
rm -f /tmp/r /tmp/out /tmp/err /tmp/sent
/dropscope events --ready-file /tmp/r -c "$COUNT" -v >/tmp/out 2>/tmp/err &
pid=$!
wait_ready
[ $ready = yes ] && /udpburst "$COUNT" "$PORT" >/tmp/sent 2>&1
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -0 $pid 2>/dev/null && kill $pid
wait $pid
section events $?

# The kernel's own record of the drops: a stacktrace trigger on kfree_skb
# in a private tracefs instance (sym-offset: frames as %pS prints them).
trace_on()
{
	t=/sys/kernel/tracing
	mount -t tracefs tracefs $t || return 1
	mkdir $t/instances/m
	echo 1 >$t/instances/m/options/sym-offset
	echo 1024 >$t/instances/m/buffer_size_kb
	echo stacktrace >$t/instances/m/events/skb/kfree_skb/trigger
	echo 1 >$t/instances/m/events/skb/kfree_skb/enable
}

trace_off()
{
	echo '!stacktrace' >$t/instances/m/events/skb/kfree_skb/trigger
	rmdir $t/instances/m
	umount $t
}

# traced_run NAME DROPSCOPE-OPTIONS -- COMMAND...: dropscope with those
# options, once attached COMMAND (its output is the "rc=" line), then the
# section: dropscope's output and the trigger's records.
traced_run()
{
	name=$1
	shift
	opts=""
	while [ "$1" != -- ]; do opts="$opts $1"; shift; done
	shift
	trace_on || return
	rm -f /tmp/r /tmp/out /tmp/err /tmp/sent
	/dropscope --ready-file /tmp/r -v $opts >/tmp/out 2>/tmp/err &
	pid=$!
	wait_ready
	[ $ready = yes ] && "$@" >/tmp/sent 2>&1
	wait $pid
	rc=$?
	echo 0 >$t/instances/m/events/skb/kfree_skb/enable
	say "BEGIN $name"
	say "rc=$rc $(tail -n 1 /tmp/sent 2>/dev/null)"
	grep -v '^sent\|^queued' /tmp/sent | sed 's/^/ins: /'
	sed 's/^/out: /' /tmp/out
	sed 's/^/err: /' /tmp/err
	grep -v '^#' $t/instances/m/trace | sed 's/^/trace: /'
	say "END $name"
	trace_off
}

# --by caller: a packet socket closed with a full queue is emptied by a
# generic helper (skb_queue_purge / _reason) for packet_release.
traced_run caller -i 1 -c 3 --by caller,reason -- /pktpurge 5 "$PORT"

# A module loaded after dropscope started makes the drops: sctp_rcv drops
# SCTP packets too short for a header, printed as func+0x../0x.. [sctp] as
# the kernel's own stacktrace trigger names that frame.
load_sctp_and_send()
{
	for m in $SCTP_MODS; do
		insmod "/modules/$(uname -r)/$m.ko" || echo "insmod $m failed"
	done
	/rawsctp "$COUNT"
}
if [ -d "/modules/$(uname -r)" ]; then
	traced_run module -i 2 -c 3 -r --symbols=data -- load_sctp_and_send
else
	say "BEGIN module"
	say "no modules for $(uname -r)"
	say "END module"
fi

say DONE
poweroff -f
