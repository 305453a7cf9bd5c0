#!/usr/bin/env python3
# Writes the seed corpora tests/fuzz/corpus/NAME/ (committed; rerun after
# changing this file). A few realistic inputs per harness: the unit-test
# fixtures where there are some, else inputs built here. Deterministic.
import os
import shutil
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
FIX = os.path.join(ROOT, "tests", "unit", "fixtures")
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus")


def put(name, seed, data):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, seed), "wb") as f:
        f.write(data)


def fixture(*parts):
    with open(os.path.join(FIX, *parts), "rb") as f:
        return f.read()


# ---------------------------------------------------------------- ksyms
for n in sorted(os.listdir(os.path.join(FIX, "ksyms"))):
    if n.startswith("kallsyms_") and n != "kallsyms_empty":
        put("kallsyms", n, fixture("ksyms", n))


def kcore(text_addr, text_size):
    """ELF header and program headers of a /proc/kcore-like file."""
    phdrs = [
        (1, 0x1000, 0xffff888000000000, 0x40000000),  # direct map
        (1, 0x2000, text_addr, text_size),  # kernel image
        (1, 0x3000, 0xffffffffc0000000, 0x1000000),  # modules
    ]
    eh = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    eh += struct.pack("<HHIQQQIHHHHHH", 4, 62, 1, 0, 64, 0, 0, 64, 56, len(phdrs), 64, 0, 0)
    ph = b"".join(struct.pack("<IIQQQQQQ", t, 7, off, va, 0, sz, sz, 4096) for t, off, va, sz in phdrs)
    return eh + ph


smap = fixture("ksyms", "System.map")
put("system_map", "System.map", smap)
put("system_map", "System.map.no_text", fixture("ksyms", "System.map.no_text"))
put("system_map", "System.map+kcore", smap + b"\0" + kcore(0xffffffff9a000000, 0x2000000))

# ------------------------------------------------------ tracefs format
for n in sorted(os.listdir(os.path.join(FIX, "reasons"))):
    if n.endswith(".format"):
        put("format", n, fixture("reasons", n))


# ------------------------------------------------------------------ BTF
class Btf:
    """Raw BTF (what /sys/kernel/btf/* holds): ints and enums."""

    def __init__(self, base=None):
        self.base = base
        self.types = b""
        self.strs = b"" if base else b"\0"
        self.str_base = base.str_len() if base else 0
        self.next_id = base.next_id if base else 1

    def str_len(self):
        return self.str_base + len(self.strs)

    def s(self, name):
        off = self.str_len()
        self.strs += name.encode() + b"\0"
        return off

    def int(self, name, size):
        self.types += struct.pack("<III", self.s(name), 1 << 24, size)
        self.types += struct.pack("<I", size * 8)
        self.next_id += 1

    def enum(self, name, vals, enum64=False):
        kind = 19 if enum64 else 6
        self.types += struct.pack("<III", self.s(name), kind << 24 | len(vals), 4)
        for n, v in vals:
            v &= 0xFFFFFFFFFFFFFFFF
            if enum64:
                self.types += struct.pack("<III", self.s(n), v & 0xFFFFFFFF, v >> 32)
            else:
                self.types += struct.pack("<Ii", self.s(n), struct.unpack("<i", struct.pack("<I", v & 0xFFFFFFFF))[0])
        self.next_id += 1

    def raw(self):
        hdr = struct.pack("<HBBIIIII", 0xEB9F, 1, 0, 24, 0, len(self.types), len(self.types), len(self.strs))
        return hdr + self.types + self.strs


core = [("SKB_NOT_DROPPED_YET", 0), ("SKB_CONSUMED", 1), ("SKB_DROP_REASON_NOT_SPECIFIED", 2),
        ("SKB_DROP_REASON_NO_SOCKET", 3), ("SKB_DROP_REASON_PKT_TOO_SMALL", 4),
        ("SKB_DROP_REASON_TCP_CSUM", 5), ("SKB_DROP_REASON_MAX", 6)]
b = Btf()
b.int("unsigned int", 4)
b.enum("skb_drop_reason", core)
put("btf", "plain", b"\0" + b.raw())
b = Btf()
b.int("unsigned int", 4)
b.enum("skb_drop_reason", core, enum64=True)
put("btf", "plain-enum64", b"\0" + b.raw())

mask = 0xFFFF0000
b = Btf()
b.int("unsigned int", 4)
b.enum("skb_drop_reason", core + [("SKB_DROP_REASON_SUBSYS_MASK", mask)])
b.enum("skb_drop_reason_subsys", [("SKB_DROP_REASON_SUBSYS_CORE", 0),
                                  ("SKB_DROP_REASON_SUBSYS_MAC80211_UNUSABLE", 1),
                                  ("SKB_DROP_REASON_SUBSYS_OPENVSWITCH", 2),
                                  ("SKB_DROP_REASON_SUBSYS_NUM", 3)])
b.enum("mac80211_drop_reason", [("RX_CONTINUE", 1), ("RX_DROP_U_MIC_FAIL", (1 << 16) + 1),
                                ("RX_DROP_U_REPLAY", (1 << 16) + 2)])
base = b.raw()
put("btf", "subsys", b"\0" + base)
m = Btf(b)
m.enum("ovs_drop_reason", [("__OVS_DROP_REASON", 2 << 16), ("OVS_DROP_LAST_ACTION", (2 << 16) + 1),
                           ("OVS_DROP_ACTION_ERROR", (2 << 16) + 2), ("OVS_DROP_MAX", (2 << 16) + 3)])
put("btf", "subsys+module", b"\1" + struct.pack("<I", len(base)) + base + m.raw())

# --------------------------------------------------------------- packet

def eth(t, vlans=()):
    h = bytes.fromhex("020000000002020000000001")
    for tpid, vid in vlans:
        h += struct.pack(">HH", tpid, vid)
    return h + struct.pack(">H", t)


def ipv4(proto, payload, frag=0, ihl=5):
    opts = bytes(4 * (ihl - 5))
    return struct.pack(">BBHHHBBH4s4s", 0x40 | ihl, 0, 20 + len(opts) + len(payload), 1, frag, 64, proto, 0,
                       bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])) + opts + payload


def ipv6(nh, payload):
    src = bytes.fromhex("20010db8000000000000000000000001")
    dst = bytes.fromhex("20010db8000000000000000000000002")
    return struct.pack(">IHBB", 0x60000000, len(payload), nh, 64) + src + dst + payload


udp = struct.pack(">HHHH", 40000, 9, 12, 0) + b"ping"
tcp_syn = struct.pack(">HHIIBBHHH", 40000, 80, 1, 0, 0x50, 0x02, 65535, 0, 0)
icmp_echo = struct.pack(">BBHHH", 8, 0, 0, 1, 1) + b"abcd"


def pkt(name, data, origlen=None):
    put("packet", name, struct.pack("<I", origlen or len(data)) + data)


pkt("udp4", eth(0x0800) + ipv4(17, udp))
pkt("tcp6-syn", eth(0x86DD) + ipv6(6, tcp_syn))
pkt("icmp4-vlan", eth(0x0800, [(0x8100, 100)]) + ipv4(1, icmp_echo))
pkt("qinq-udp6", eth(0x86DD, [(0x88A8, 10), (0x8100, 20)]) + ipv6(17, udp))
pkt("frag4", eth(0x0800) + ipv4(17, udp, frag=0x2000 | 185))
hbh = bytes([17, 0, 0, 0, 0, 0, 0, 0])
frag6 = bytes([58, 0, 0, 1, 0, 0, 0, 42])
pkt("ipv6-ext", eth(0x86DD) + ipv6(0, hbh + bytes([44, 0]) + bytes(6) + frag6 + icmp_echo))
arp = struct.pack(">HHBBH", 1, 0x0800, 6, 4, 1) + bytes.fromhex("020000000001") + bytes([10, 0, 0, 1]) + \
    bytes(6) + bytes([10, 0, 0, 2])
pkt("arp", eth(0x0806) + arp)
pkt("truncated-tcp4", (eth(0x0800) + ipv4(6, tcp_syn))[:40], origlen=1500)
pkt("ipv4-options", eth(0x0800) + ipv4(17, udp, ihl=7))

# --------------------------------------------------------------- pcapng
def op_iface(name):
    return bytes([0, len(name)]) + name


def op_packet(if_id, data, comment_len, op=1):
    return bytes([op]) + struct.pack("<BHHIQ", if_id, len(data), comment_len, len(data) + 10, 1234567890123456789) + data


p = eth(0x0800) + ipv4(17, udp)
put("pcapng", "one-packet", op_iface(b"lo") + op_packet(0, p, 40) + bytes([2]))
put("pcapng", "two-ifaces", op_iface(b"veth0") + op_iface(b"eth\xc3\xa9") + op_packet(1, p, 0) +
    op_packet(0, p, 300, op=1 | 8))
put("pcapng", "no-iface", op_packet(0, p, 5))
put("pcapng", "long-comment", op_iface(b"x") + op_packet(0, b"", 65535, op=1 | 8))

# ----------------------------------------------------------------- json
put("json", "symbol", b"tcp_v4_rcv+0xaa/0x8d0 [kernel]")
put("json", "comm", b"evil\n\x1b[31mred\"\\\x7f\0comm")
put("json", "utf8", "caf\u00e9 \u2603".encode() + b"\0dev")
put("json", "device", b"veth-\xff\xfe\0dev")

# -------------------------------------------------------------- options
def argv(cmd, *words):
    return bytes([cmd]) + b"\0".join(w.encode() for w in words)


put("options", "summary", argv(0, "-i", "0.5", "-c", "3", "--json", "--symbols=full", "-t", "5"))
put("options", "filters", argv(0, "--netns", "/run/netns/x", "--dev", "lo", "--proto", "ip:17",
                                "--reason", "NO_SOCKET,TCP_CSUM", "--location", "__udp4_lib_rcv", "-r"))
put("options", "events", argv(1, "--snaplen", "256", "--rate", "100", "-w", "-", "udp port 9"))
put("options", "kernel", argv(0, "--backend=raw_tp", "--btf", "/x", "--system-map", "/boot/System.map",
                               "--kaslr-offset", "1a000000", "--max-keys", "100", "--ready-file", "/tmp/r", "-v"))
put("options", "bad", argv(1, "-xr", "--interval", "0x10", "--count"))

# ------------------------------------------------------------- nftstats
# Kind byte (0 chain, 1 rule), nfgen family, then nf_tables attributes as
# the kernel dumps them (network byte order, 4-byte aligned).
def nla(t, payload, nested=False):
    h = struct.pack("<HH", 4 + len(payload), t | (0x8000 if nested else 0))
    return h + payload + bytes((4 - len(payload) % 4) % 4)


def strz(t, s):
    return nla(t, s.encode() + b"\0")


def be32(t, v):
    return nla(t, struct.pack(">I", v & 0xffffffff))


def be64(t, v):
    return nla(t, struct.pack(">Q", v))


def nest(t, *parts):
    return nla(t, b"".join(parts), nested=True)


def expr(name, *data):
    return nest(1, strz(1, name), nest(2, *data))  # NFTA_LIST_ELEM: NAME, DATA


def verdict(code, chain=None):
    v = [be32(1, code)] + ([strz(2, chain)] if chain else [])
    return expr("immediate", be32(1, 0), nest(2, nest(2, *v)))  # DREG verdict, DATA/VERDICT


COUNTER = expr("counter", be64(1, 224), be64(2, 7))  # BYTES, PACKETS
MATCH = expr("payload", be32(1, 1), be32(2, 1), be32(3, 2), be32(4, 2)) + \
    expr("cmp", be32(1, 1), be32(2, 0), nest(3, nla(1, struct.pack(">H", 9))))
# NFTA_CHAIN_TABLE, NAME, HOOK (HOOKNUM, PRIORITY), POLICY, TYPE
put("nftstats", "chain-base", b"\0\1" + strz(1, "dstest") + be64(2, 1) + strz(3, "input") +
    nest(4, be32(1, 1), be32(2, 0)) + be32(5, 0) + strz(7, "filter"))
put("nftstats", "chain-netdev", b"\0\5" + strz(1, "t") + strz(3, "ing") +
    nest(4, be32(1, 0), be32(2, -5), nest(4, strz(1, "veth0"), strz(1, "veth1"))) +
    be32(5, 1) + nest(8, be64(1, 1000), be64(2, 10)))
put("nftstats", "chain-regular", b"\0\2" + strz(1, "t") + strz(3, "sub") + be32(6, 3))
# NFTA_RULE_TABLE, CHAIN, HANDLE, EXPRESSIONS
put("nftstats", "rule-counter-drop", b"\1\1" + strz(1, "dstest") + strz(2, "input") + be64(3, 2) +
    nest(4, MATCH, COUNTER, verdict(0)))
put("nftstats", "rule-jump", b"\1\1" + strz(1, "dstest") + strz(2, "input") + be64(3, 4) +
    nest(4, MATCH, verdict(-3, "sub")))
put("nftstats", "rule-vmap", b"\1\2" + strz(1, "t") + strz(2, "c") + be64(3, 5) +
    nest(4, expr("lookup", strz(1, "__map0"), be32(2, 1), be32(3, 0)),
         expr("objref", be32(1, 1), strz(2, "c1"))))

# ------------------------------------------------------------- workload
put("workload", "docker", b'{"HostConfig":{"RestartPolicy":{"Name":"no"}},"Name":"/db"}')
put("workload", "cri", b'{"annotations":{"io.kubernetes.cri.sandbox-name":"web-\\u00e9\\u0000"}}')
put("workload", "storage", b'[{"id":"x","names":["a"]},{"id":"abc","names":["cache","b"],"f":{}}]')
put("workload", "cgroup", b"/kubepods.slice/kubepods-pod11111111_2222_4333_8444_555555555555.slice/"
    b"cri-containerd-" + b"a" * 64 + b".scope")

# ---------------------------------------------------------------- evbatch
def ev(location, caplen):
    """One event as the BPF side writes it: struct drop_event's 104-byte
    header (location at 8, caplen at 36) and caplen bytes, padded to 8."""
    head = bytearray(104)
    struct.pack_into("<QQ", head, 0, 1000 + location, location)
    struct.pack_into("<H", head, 36, caplen)
    body = bytes(head) + bytes([location & 0xFF]) * caplen
    return body + bytes(-len(body) % 8)


def batch(events):
    return struct.pack("<II", len(events), 0) + b"".join(events)


put("evbatch", "one", batch([ev(1, 74)]))
put("evbatch", "several", batch([ev(i, (i * 37) % 140) for i in range(12)]))
put("evbatch", "claims_more", struct.pack("<II", 9, 0) + ev(2, 60) + ev(3, 61))
put("evbatch", "empty", batch([]))
