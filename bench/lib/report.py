#!/usr/bin/python3
"""The side-by-side's numbers: one run's files into one result row, and a results directory into medians, tables
and a chart. Standard library only, except the chart: Debian's python3-matplotlib (run with /usr/bin/python3).

    report.py row RUN_DIR OUT_DIR       parse RUN_DIR (meta.env and the tools' outputs), append the row to
                                        OUT_DIR/results.jsonl, print one line
    report.py summary OUT_DIR [DOCS]    medians and spread per server and workload: OUT_DIR/summary.json,
                                        results.csv, summary.md, side-by-side.png; with DOCS, also
                                        DOCS/benchmarks-side-by-side.md and DOCS/img/side-by-side.png
"""
import csv
import json
import math
import os
import re
import shutil
import statistics
import sys

SATURATED = 0.90  # a side using this share of its one core or more is the bottleneck
SERVER_ORDER = ["weft", "weft-platform", "weft-carrier", "weft-virtual", "helidon-weft", "helidon", "nginx"]


# ---- parsing one run ---------------------------------------------------------------------------------------------

def read_meta(run):
    meta = {}
    with open(os.path.join(run, "meta.env")) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("=")
            meta[key] = value
    return meta


def read(run, name):
    path = os.path.join(run, name)
    return open(path, errors="replace").read() if os.path.exists(path) else ""


def number(text):
    return float(text.replace(",", ""))


def perf_counts(text):
    """perf stat -x ';' lines (value;unit;event;...) into {event: count}; uncounted events are left out."""
    counts = {}
    for line in text.splitlines():
        fields = line.split(";")
        if len(fields) >= 3 and not line.startswith("#") and re.match(r"^[0-9.]+$", fields[0]):
            counts[fields[2]] = float(fields[0])
    return counts


def percentile(values, p):
    """Nearest rank."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered), math.ceil(p * len(ordered))) - 1)]


def to_ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_h2load(text, log_text):
    row = {}
    m = re.search(r"finished in ([0-9.]+)(m?s), ([0-9.]+) req/s", text)
    if m:
        row["rps"] = float(m.group(3))
    m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, "
                  r"(\d+) timeout", text)
    if m:
        row["requests"] = int(m.group(4))
        row["errors"] = int(m.group(5)) + int(m.group(6)) + int(m.group(7))
    m = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", text)
    if m:
        row["errors"] = row.get("errors", 0) + int(m.group(2)) + int(m.group(3)) + int(m.group(4))
    durations = [int(f[2]) / 1000.0 for f in (line.split("\t") for line in log_text.splitlines())
                 if len(f) >= 3 and f[1] != "-1"]
    if durations:
        row["p50_ms"], row["p99_ms"], row["max_ms"] = (percentile(durations, 0.5), percentile(durations, 0.99),
                                                       max(durations))
    return row


def parse_wrk(text):
    row = {}
    m = re.search(r"(\d+) requests in ([0-9.]+)(\w+),", text)
    if m:
        row["requests"] = int(m.group(1))
    m = re.search(r"Requests/sec:\s+([0-9.]+)", text)
    if m:
        row["rps"] = float(m.group(1))
    for p, key in (("50", "p50_ms"), ("99", "p99_ms")):
        m = re.search(r"^\s+" + p + r"%\s+([0-9.]+)(us|ms|s|m)\s*$", text, re.M)
        if m:
            row[key] = to_ms(m.group(1), m.group(2))
    errors = 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        errors += sum(int(g) for g in m.groups())
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if m:
        errors += int(m.group(1))
    row["errors"] = errors
    return row


def gatling_global(text, label):
    """A line of Gatling's closing "Global Information" block: (total, ok, ko), '-' read as 0."""
    block = text[text.rfind("---- Global Information"):]
    m = re.search(r"> " + re.escape(label) + r"\s*\|\s*([-0-9.,]+)\s*\|\s*([-0-9.,]+)\s*\|\s*([-0-9.,]+)", block)
    if not m:
        return None
    return tuple(0.0 if g == "-" else number(g) for g in m.groups())


def parse_gatling(text):
    row = {}
    count = gatling_global(text, "request count")
    if count:
        row["requests"], row["errors"] = int(count[1]), int(count[2])
    for label, key in (("response time 50th percentile (ms)", "p50_ms"),
                       ("response time 99th percentile (ms)", "p99_ms"),
                       ("max response time (ms)", "max_ms"),
                       ("mean throughput (rps)", "rps")):
        values = gatling_global(text, label)
        if values:
            row[key] = values[1] if key != "rps" else values[0]
    # ConnRateSimulation's held level, its ramp left out (one level: the runner runs one rate per run).
    m = re.search(r"conn/rate level\s+(\d+)/s\s+ok\s+(\d+)\s+ko\s+(\d+)\s+p50\s+(-?\d+) ms\s+p99\s+(-?\d+) ms\s+"
                  r"achieved ([0-9.]+)/s", text)
    if m:
        row["requests"] = int(m.group(2)) + int(m.group(3))
        row["p50_ms"], row["p99_ms"], row["rps"] = float(m.group(4)), float(m.group(5)), float(m.group(6))
    row["assertions_failed"] = len(re.findall(r" : false \(actual", text))
    m = re.search(r"capacity result: (\d+) new connections/s", text)
    if m:
        row["capacity"] = int(m.group(1))
    m = re.search(r"file://(\S+/index\.html)", text)
    if m:
        row["report"] = m.group(1)
    return row


def per_unit(counts, units):
    """Syscalls per connection or request: the total, and each counted syscall (largest first)."""
    if not counts or not units:
        return None, {}
    total = counts.get("raw_syscalls:sys_enter", 0.0)
    each = {e.split("sys_enter_")[1]: round(c / units, 2)
            for e, c in counts.items() if "sys_enter_" in e and c > 0}
    each["other"] = round((total - sum(c for e, c in counts.items() if "sys_enter_" in e)) / units, 2)
    return round(total / units, 2), dict(sorted(each.items(), key=lambda kv: -kv[1]))


def parse_syscalls(run, meta):
    row = {}
    row["seq_close"] = meta.get("seq_close")
    if "seq_rc" not in meta:  # the client stops at the first failed round trip: no count then
        seq = perf_counts(read(run, "syscalls-seq.perf"))
        row["sys_seq"], row["sys_seq_each"] = per_unit(seq, int(meta.get("seq_n", 0) or 0))
    for part in ("c32", "ka"):
        done = parse_h2load(read(run, "syscalls-%s.out" % part), "").get("requests", 0)
        row["sys_" + part], row["sys_%s_each" % part] = per_unit(perf_counts(read(run, "syscalls-%s.perf" % part)),
                                                                  done)
    steady = parse_wrk(read(run, "syscalls-kas.out")).get("requests", 0)  # absent in runs made before it
    row["sys_kas"], row["sys_kas_each"] = per_unit(perf_counts(read(run, "syscalls-kas.perf")), steady)
    return row


def parse_run(run):
    meta = read_meta(run)
    row = {k: meta.get(k) for k in ("round", "workload", "server", "port", "rate", "status", "tool_rc")}
    row["round"] = int(row["round"])
    row["response_bytes"] = int(meta.get("response_bytes", 0) or 0)
    if row["status"] != "ok":
        return row
    workload = row["workload"]
    if workload.startswith("syscalls"):
        row.update(parse_syscalls(run, meta))
        return row
    text = read(run, "tool.out")
    if workload == "conn-h2load" or workload.startswith("keepalive-rate@"):
        row.update(parse_h2load(text, read(run, "h2load.tsv")))
    elif workload == "keepalive-wrk":
        row.update(parse_wrk(text))
    else:
        row.update(parse_gatling(text))
    hz = float(meta["hz"])
    wall = float(meta["wall1"]) - float(meta["wall0"])
    server_cpu = (int(meta["server_ticks1"]) - int(meta["server_ticks0"])) / hz
    if "generator_pid_ticks0" in meta:
        generator_cpu = (int(meta["generator_pid_ticks1"]) - int(meta["generator_pid_ticks0"])) / hz
    else:
        clock = perf_counts(read(run, "generator.perf")).get("task-clock")
        generator_cpu = clock / 1000.0 if clock is not None else None
    row["wall_s"] = round(wall, 3)
    row["server_cpu_s"] = round(server_cpu, 3)
    row["server_util"] = round(server_cpu / wall, 3) if wall > 0 else None
    row["generator_util"] = round(generator_cpu / wall, 3) if generator_cpu is not None and wall > 0 else None
    for side in ("load", "server"):
        busy = int(meta[side + "_core_busy1"]) - int(meta[side + "_core_busy0"])
        total = int(meta[side + "_core_total1"]) - int(meta[side + "_core_total0"])
        row[side + "_core_busy"] = round(busy / total, 3) if total > 0 else None
    if row.get("requests"):
        row["cpu_us_per_req"] = round(server_cpu * 1e6 / row["requests"], 2)
    row["bottleneck"] = bottleneck(row.get("generator_util"), row.get("server_util"))
    # At the end of the run, warm-up included (a 4-tuple in TIME_WAIT is reused by a later connection, so a
    # before/after difference would undercount).
    row["tw_server"] = int(meta["tw_server"])
    row["tw_client"] = int(meta["tw_client"])
    return row


def bottleneck(generator, server):
    if generator is None or server is None:
        return "?"
    if generator >= SATURATED and server >= SATURATED:
        return "both"
    if generator >= SATURATED:
        return "generator"
    if server >= SATURATED:
        return "server"
    return "neither"


def row_command(run, out):
    row = parse_run(run)
    with open(os.path.join(out, "results.jsonl"), "a") as f:
        f.write(json.dumps(row) + "\n")
    print(one_line(row))


def one_line(row):
    head = "round %d %-22s %-13s" % (row["round"], row["workload"], row["server"])
    if row["status"] != "ok":
        return head + " FAILED: %s" % row["status"]
    if row["workload"].startswith("syscalls"):
        return head + " syscalls: %s per sequential connection, %s per connection (32 clients), %s per keep-alive " \
                      "request, %s steady" % (row.get("sys_seq"), row.get("sys_c32"), row.get("sys_ka"),
                                              row.get("sys_kas"))
    def share(v):
        return "?" if v is None else "%d%%" % round(v * 100)
    return head + (" %9s req/s  p50 %s ms  p99 %s ms  errors %s  server %s CPU-us/req  server %s / generator %s of a "
                   "core (%s)  TIME_WAIT server %s client %s  rc %s" % (
                       fmt(row.get("rps"), 0), fmt(row.get("p50_ms"), 2), fmt(row.get("p99_ms"), 2),
                       row.get("errors"), fmt(row.get("cpu_us_per_req"), 1), share(row.get("server_util")),
                       share(row.get("generator_util")), row.get("bottleneck"), row.get("tw_server"),
                       row.get("tw_client"), row.get("tool_rc")))


def fmt(value, digits):
    if value is None:
        return "–"
    return ("{:,.%df}" % digits).format(value)


# ---- the summary -------------------------------------------------------------------------------------------------

NUMERIC = ["rps", "p50_ms", "p99_ms", "max_ms", "errors", "requests", "cpu_us_per_req", "server_util",
           "generator_util", "load_core_busy", "server_core_busy", "tw_server", "tw_client", "sys_seq", "sys_c32",
           "sys_ka", "sys_kas", "capacity", "response_bytes", "assertions_failed"]


def load_rows(out):
    with open(os.path.join(out, "results.jsonl")) as f:
        return [json.loads(line) for line in f if line.strip()]


def read_tsv(path):
    pairs = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                key, _, value = line.rstrip("\n").partition("\t")
                pairs.append((key, value))
    return pairs


def summarise(rows):
    """{workload: {server: {metric: {median, min, max, n}, 'bottleneck': [...], 'failed': k}}}"""
    groups = {}
    for row in rows:
        g = groups.setdefault(row["workload"], {}).setdefault(row["server"], {"rows": []})
        g["rows"].append(row)
    summary = {}
    for workload, servers in groups.items():
        for server, g in servers.items():
            ok = [r for r in g["rows"] if r["status"] == "ok"]
            s = {"runs": len(g["rows"]), "failed": len(g["rows"]) - len(ok),
                 "bottleneck": [r.get("bottleneck") for r in ok if r.get("bottleneck")],
                 "tool_rc": [r.get("tool_rc") for r in ok]}
            for metric in NUMERIC:
                values = [r[metric] for r in ok if r.get(metric) is not None]
                if values:
                    s[metric] = {"median": statistics.median(values), "min": min(values), "max": max(values),
                                 "n": len(values)}
            s["seq_close"] = sorted({r["seq_close"] for r in ok if r.get("seq_close")})
            for each in ("sys_seq_each", "sys_c32_each", "sys_ka_each", "sys_kas_each"):
                dicts = [r[each] for r in ok if r.get(each)]
                if dicts:
                    keys = {k for d in dicts for k in d}
                    s[each] = dict(sorted(((k, statistics.median(d.get(k, 0) for d in dicts)) for k in keys),
                                          key=lambda kv: -kv[1]))
            summary.setdefault(workload, {})[server] = s
    return summary


def ordered(servers):
    return sorted(servers, key=lambda s: (SERVER_ORDER.index(s) if s in SERVER_ORDER else 99, s))


def cell(stat, digits):
    if not stat:
        return "–"
    text = fmt(stat["median"], digits)
    if stat["n"] > 1 and stat["min"] != stat["max"]:
        text += " (%s–%s)" % (fmt(stat["min"], digits), fmt(stat["max"], digits))
    return text


def ratio(summary_w, server, metric="cpu_us_per_req", base="nginx"):
    try:
        return "%.2f×" % (summary_w[server][metric]["median"] / summary_w[base][metric]["median"])
    except (KeyError, ZeroDivisionError):
        return "–"


def pct(stat, core=None):
    """A side's share of its core, and how busy that core was in all (other processes and interrupts too)."""
    if not stat:
        return "–"
    text = "%d %%" % round(stat["median"] * 100)
    return text + (" (core %d %%)" % round(core["median"] * 100) if core else "")


def load_table(summary, workload, per):
    w = summary.get(workload)
    if not w:
        return []
    lines = ["| server | req/s | server CPU-µs per %s | × nginx | p50 ms | p99 ms | errors | server core | generator "
             "core | bottleneck | TIME_WAIT server / client |" % per,
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for server in ordered(w):
        s = w[server]
        if s["failed"] == s["runs"]:
            lines.append("| %s | did not start | | | | | | | | | |" % server)
            continue
        nonzero = [rc for rc in s["tool_rc"] if rc != "0"]
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s |" % (
            server + (" (tool exit %s)" % ",".join(nonzero) if nonzero else ""), cell(s.get("rps"), 0), cell(s.get("cpu_us_per_req"), 1), ratio(w, server),
            cell(s.get("p50_ms"), 2), cell(s.get("p99_ms"), 2), cell(s.get("errors"), 0),
            pct(s.get("server_util"), s.get("server_core_busy")), pct(s.get("generator_util"), s.get("load_core_busy")), ", ".join(sorted(set(s["bottleneck"]))) or "?",
            fmt(s.get("tw_server", {}).get("median"), 0), fmt(s.get("tw_client", {}).get("median"), 0)))
    return lines


def syscall_table(summary):
    w = summary.get("syscalls")
    if not w:
        return []
    lines = ["| server | per sequential connection | who closes | per connection, 32 clients | per keep-alive "
             "request (h2load) | per keep-alive request, steady (wrk) |", "|---|---|---|---|---|---|"]
    closer = {"eof": "server", "client-close": "client (server kept it open)"}
    for server in ordered(w):
        s = w[server]
        lines.append("| %s | %s | %s | %s | %s | %s |" % (
            server, cell(s.get("sys_seq"), 2), ", ".join(closer.get(c, c) for c in s.get("seq_close", [])),
            cell(s.get("sys_c32"), 2), cell(s.get("sys_ka"), 2), cell(s.get("sys_kas"), 2)))
    lines += ["", "By syscall (medians; `other`: every syscall not counted by name):", "",
              "| server | run | syscalls per connection or request |", "|---|---|---|"]
    for server in ordered(w):
        for key, label in (("sys_seq_each", "sequential"), ("sys_c32_each", "32 clients"),
                           ("sys_ka_each", "keep-alive"), ("sys_kas_each", "keep-alive, steady")):
            each = [(k, v) for k, v in w[server].get(key, {}).items() if v >= 0.01]
            if each:
                lines.append("| %s | %s | %s |" % (server, label, ", ".join("%s %.2f" % kv for kv in each)))
    return lines


def markdown(summary, machine, settings, chart_name):
    settings_map = dict(settings)
    quick = settings_map.get("quick") == "1"
    rounds = int(settings_map.get("rounds", "1"))
    out = ["# Side by side: weft, Helidon on weft, stock Helidon, nginx", ""]
    if quick:
        out += ["> **SMOKE RUN — not a measurement.** One short round (QUICK=1) on a machine shared with other builds:",
                "> it shows the pipeline works end to end; its figures are noise-level. The full run (5 rounds, 10 s",
                "> and 100,000-connection runs) belongs on a quiet machine.", ""]
    out += ["Written by `bench/side-by-side.sh` (re-running it rewrites this file and the chart); the reading of the",
            "figures is in [benchmarks.md](benchmarks.md#side-by-side-with-nginx-and-helidon).", "",
            "    " + settings_map.get("command", "bench/side-by-side.sh"), "",
            "![side by side](img/%s)" % chart_name, "",
            "## How the figures are taken", "",
            "- Each server runs pinned to CPU %s, each load generator to CPU %s (taskset). A JVM under taskset sees "
            "**one CPU** (availableProcessors() = 1): weft then runs 1 acceptor and 1 poll set, and Helidon's and "
            "the JDK's pools (virtual-thread carriers, GC, JIT) size themselves for one CPU. Every figure here is "
            "taken that way." % tuple(settings_map.get("cpus", "server 1, load 0").replace("server ", "")
                                      .replace("load ", "").split(", ")),
            "- Servers alternate (%s, then again) within every workload and round; "
            % ", ".join(settings_map.get("servers", "").split()) +
            "each run is a fresh server process on its own port, warmed first (%s), then measured. %d round(s); "
            "cells are medians, (min–max) over the rounds." % (settings_map.get("warm", "?"), rounds),
            "- **server CPU-µs per request**: utime+stime of all the server's processes (JVM, or nginx master + "
            "worker; /proc/PID/stat) over the measured window, divided by the requests the tool saw answered. "
            "**× nginx**: that median over nginx's.",
            "- **server core / generator core**: each side's CPU time over the window's wall time, as a share of its "
            "one core; the side at ≥ 90 % is the **bottleneck** (`neither`: the arrival rate, the clients' "
            "concurrency or another process on the core set the pace). In brackets: how busy that core was in all "
            "(/proc/stat: every process, interrupts and softirqs — loopback's packet work lands there too); a core "
            "much busier than its side's share was shared with something else.",
            "- **p50 / p99** as each tool reports them: h2load per request from its --log-file (request to end of "
            "response), wrk --latency, Gatling's global OK response times; errors: h2load failed+errored+timeout "
            "and non-2xx, wrk socket errors and non-2xx, Gatling KO.",
            "- **TIME_WAIT**: at the end of the run (its warm-up included), entries whose local port is the "
            "server's (the server closed first) vs whose peer port is the server's (the client did) — `ss -tan "
            "state time-wait`. Not a count of connections: the kernel reuses a 4-tuple in TIME_WAIT for a new "
            "connection (the client side after 1 s with tcp_tw_reuse, the server side on a newer SYN), and caps "
            "the total at tcp_max_tw_buckets.",
            "- **syscalls**: `perf stat -e raw_syscalls:sys_enter` (and per-syscall tracepoints) attached to every "
            "thread of the server after its warm-up, over %s sequential connections (one Python client: connect, "
            "GET, read to EOF — or, if a probe finds the server keeps the connection open after answering "
            "`Connection: close`, close after the response), %s connections from h2load with 32 concurrent "
            "clients, %s keep-alive requests "
            "on 64 connections (h2load: the connections' set-up and the ramp included), and %s s of steady "
            "keep-alive on 64 connections (wrk -t1 -c64); divided by the count. Threads a server starts after the "
            "attach are not counted." % (settings_map.get("seq_n"), settings_map.get("syscall_n"),
                                         settings_map.get("syscall_n"), settings_map.get("duration")),
            ""]
    out += ["## Connection per request: `h2load --h1 -n %s -c 32 -t 1 -H 'Connection: close'`" %
            settings_map.get("h2load_n", "?"), ""]
    out += load_table(summary, "conn-h2load", "connection") or ["(not run)"]
    out += ["", "## Keep-alive: `wrk -t1 -c64 -d%ss --latency`" % settings_map.get("duration", "?"), ""]
    out += load_table(summary, "keepalive-wrk", "request") or ["(not run)"]
    rates = sorted((w for w in summary if w.startswith("keepalive-rate@")), key=lambda w: int(w.split("@")[1]))
    if rates:
        out += ["", "## Keep-alive at a fixed rate: `h2load --h1 -t1 -c64 --rps R/64 -D %s`" %
                settings_map.get("duration", "?"), ""]
    for w in rates:
        out += ["%s requests/s on 64 connections, below saturation: the server waits between requests, and what "
                "waiting costs it is in its CPU per request:" % w.split("@")[1], ""]
        out += load_table(summary, w, "request") + [""]
    gatling = sorted((w for w in summary if w.startswith("conn-gatling@")), key=lambda w: int(w.split("@")[1]))
    out += ["", "## Gatling ConnRateSimulation at fixed arrival rates (ramp %s s, hold %s s)" % (
        settings_map.get("gatling_ramp", "?"), settings_map.get("duration", "?")), ""]
    if not gatling:
        out += ["(not run)"]
    for w in gatling:
        out += ["%s new connections/s — the held level only (its ramp left out): req/s achieved, p50/p99 of its "
                "requests (Gatling's response times, 1 ms resolution); errors over the whole run:" % w.split("@")[1],
                ""]
        out += load_table(summary, w, "connection") + [""]
    for w in ("keepalive-gatling", "capacity-gatling"):
        if w in summary:
            out += ["", "## %s" % w, ""] + load_table(summary, w, "request")
            if w == "capacity-gatling":
                out += ["", "Capacity (highest clean level, new connections/s): " + ", ".join(
                    "%s %s" % (s, cell(summary[w][s].get("capacity"), 0)) for s in ordered(summary[w]))]
    out += ["", "A server marked *(tool exit N)* made the load tool exit non-zero in some round: for Gatling, an "
            "assertion failed (a KO, or p99 at or over %s ms)." % settings_map.get("gatling_max_p99_ms", "?")]
    out += ["", "## Syscalls (perf-counted)", ""] + (syscall_table(summary) or ["(not run)"])
    out += ["", "## Machine", "", "| | |", "|---|---|"] + ["| %s | %s |" % kv for kv in machine]
    out += ["", "## Settings", "", "| | |", "|---|---|"] + ["| %s | %s |" % kv for kv in settings]
    responses = {s: v["response_bytes"]["median"] for w in summary.values() for s, v in w.items()
                 if v.get("response_bytes")}
    if responses:
        out += ["", "Bytes of each server's whole `/plaintext` response (head and body): " +
                ", ".join("%s %d" % (s, responses[s]) for s in ordered(responses)) + "."]
    return "\n".join(out) + "\n"


def chart(summary, settings, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("report: no matplotlib for /usr/bin/python3 (apt-get install python3-matplotlib): no chart")
        return False
    settings_map = dict(settings)
    colors = {"weft": "#1f77b4", "weft-platform": "#9467bd", "weft-carrier": "#8c564b", "weft-virtual": "#e377c2", "helidon-weft": "#17becf", "helidon": "#ff7f0e", "nginx": "#2ca02c"}
    fig, axes = plt.subplots(2, 2, figsize=(13, 8.5))

    def bars(ax, workload, metric, title, ylabel):
        w = summary.get(workload, {})
        servers = [s for s in ordered(w) if w[s].get(metric)]
        if not servers:
            ax.set_title(title + " (not run)")
            return
        med = [w[s][metric]["median"] for s in servers]
        err = [[m - w[s][metric]["min"] for s, m in zip(servers, med)],
               [w[s][metric]["max"] - m for s, m in zip(servers, med)]]
        ax.bar(servers, med, yerr=err, capsize=4, color=[colors.get(s, "grey") for s in servers])
        for i, s in enumerate(servers):
            rps = w[s].get("rps", {}).get("median")
            if rps:
                ax.annotate("%s req/s" % fmt(rps, 0), (i, med[i]), ha="center", va="bottom", fontsize=8,
                            xytext=(0, 3), textcoords="offset points")
        ax.set_title(title, fontsize=10)
        ax.set_ylabel(ylabel)

    def grouped(ax, groups, title, ylabel):
        """groups: [(label, {server: value})]"""
        servers = ordered({s for _, values in groups for s in values})
        if not servers:
            ax.set_title(title + " (not run)")
            return
        width = 0.8 / len(servers)
        for j, s in enumerate(servers):
            xs = [i + (j - (len(servers) - 1) / 2) * width for i in range(len(groups))]
            ax.bar(xs, [values.get(s, 0) for _, values in groups], width, label=s, color=colors.get(s, "grey"))
        ax.set_xticks(range(len(groups)))
        ax.set_xticklabels([label for label, _ in groups], fontsize=8)
        ax.set_title(title, fontsize=10)
        ax.set_ylabel(ylabel)
        ax.legend(fontsize=8)

    bars(axes[0][0], "conn-h2load", "cpu_us_per_req", "connection per request (h2load -c 32, Connection: close)",
         "server CPU-µs per connection")
    bars(axes[0][1], "keepalive-wrk", "cpu_us_per_req", "keep-alive (wrk -c 64)", "server CPU-µs per request")
    gatling = sorted((w for w in summary if w.startswith("conn-gatling@")), key=lambda w: int(w.split("@")[1]))
    # CPU, not latency: at rates every server sustains, Gatling's p99s (1 ms resolution) are alike; the table
    # has them. What the servers pay for the same arrival rate is what differs.
    grouped(axes[1][0], [("%s/s" % w.split("@")[1], {s: v["cpu_us_per_req"]["median"]
                                                       for s, v in summary[w].items() if v.get("cpu_us_per_req")})
                         for w in gatling],
            "Gatling conn/rate at fixed arrival rates", "server CPU-µs per connection")
    sys_w = summary.get("syscalls", {})
    grouped(axes[1][1], [(label, {s: v[key]["median"] for s, v in sys_w.items() if v.get(key)})
                         for label, key in (("sequential conn", "sys_seq"), ("conn, 32 clients", "sys_c32"),
                                            ("keep-alive request", "sys_ka"),
                                            ("keep-alive, steady", "sys_kas"))],
            "syscalls (perf)", "syscalls per connection / request")
    title = "weft side by side — server on CPU %s, load on CPU %s; medians of %s round(s), bars min–max" % (
        *settings_map.get("cpus", "server 1, load 0").replace("server ", "").replace("load ", "").split(", "),
        settings_map.get("rounds", "?"))
    if settings_map.get("quick") == "1":
        title = "SMOKE RUN (1 short round, shared machine): not a measurement\n" + title
    fig.suptitle(title, fontsize=11, color="darkred" if settings_map.get("quick") == "1" else "black")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def summary_command(out, docs):
    rows = load_rows(out)
    summary = summarise(rows)
    machine = read_tsv(os.path.join(out, "machine.tsv"))
    settings = read_tsv(os.path.join(out, "settings.tsv"))
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump({"machine": dict(machine), "settings": dict(settings), "summary": summary}, f, indent=1)
    columns = ["round", "workload", "server", "status", "tool_rc", "rate"] + NUMERIC + ["bottleneck"]
    with open(os.path.join(out, "results.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    chart_path = os.path.join(out, "side-by-side.png")
    drawn = chart(summary, settings, chart_path)
    text = markdown(summary, machine, settings, "side-by-side.png")
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write(text.replace("](img/", "]("))
    print(text)
    print("results: %s/results.jsonl, results.csv, summary.json, summary.md%s" % (
        out, ", side-by-side.png" if drawn else ""))
    if docs:
        os.makedirs(os.path.join(docs, "img"), exist_ok=True)
        with open(os.path.join(docs, "benchmarks-side-by-side.md"), "w") as f:
            f.write(text)
        if drawn:
            shutil.copyfile(chart_path, os.path.join(docs, "img", "side-by-side.png"))
        print("docs: %s/benchmarks-side-by-side.md%s" % (docs, ", img/side-by-side.png" if drawn else ""))


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "row":
        row_command(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 3 and sys.argv[1] == "summary":
        summary_command(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None)
    else:
        sys.exit(__doc__)
