"""Runs shell commands side by side, interleaved round by round, and prints for each the
median wall time, the median CPU time (user and system, of the command and the children it
waited for: less inflated than wall time by other work on a busy machine) and the peak RSS,
and the ratio of the last command's median wall time to the first's.

Peak RSS is measured in separate runs under GNU time (/usr/bin/time): a process forked from
this script starts with Python's resident pages (about 14 MiB) counted in its peak, which is
more than a small command's own.

With more than two commands, the last one is also compared with each of the others, in wall
time and peak RSS. --ok-exit lists the exit codes that count as a normal run (default 0 and 1,
findings; cargo-deny exits with a bitmask of the checks that failed). --no-ratio leaves the
ratios out, for a list of inputs rather than of commands to compare.

usage: sidebyside.py [--cwd DIR] [--rounds N] [--goal RATIO] [--ok-exit 0,1,...] [--no-ratio]
                     COMMAND [COMMAND ...]
"""
import argparse
import os
import shlex
import statistics
import subprocess
import tempfile
import time

parser = argparse.ArgumentParser()
parser.add_argument("--cwd", default=".")
parser.add_argument("--rounds", type=int, default=21)
parser.add_argument("--goal", type=float)
parser.add_argument("--ok-exit", default="0,1")
parser.add_argument("--no-ratio", action="store_true")
parser.add_argument("commands", nargs="+")
args = parser.parse_args()
ok_exit = {int(code) for code in args.ok_exit.split(",")}


def run(command, prefix=""):
    """Wall and CPU seconds of one run; failures abort the benchmark."""
    # Standard error goes to a file: a pipe nobody reads would block a command that writes
    # more than the pipe holds.
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(prefix + command, shell=True, cwd=args.cwd,
                                   stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in ok_exit:
            errors.seek(0)
            raise SystemExit(f"{command!r} exited {code}: {errors.read().decode()}")
    return elapsed, usage.ru_utime + usage.ru_stime


def peak_rss(command):
    """Peak RSS (MiB) of one run, of the command and the children it waited for."""
    with tempfile.NamedTemporaryFile() as kib:
        run(shlex.quote(command), f"/usr/bin/time -f %M -o {kib.name} sh -c ")
        return int(kib.read().split()[-1]) / 1024


for command in args.commands:  # warm caches once
    run(command)
wall = {c: [] for c in args.commands}
cpu = {c: [] for c in args.commands}
rss = {c: [] for c in args.commands}
for _ in range(args.rounds):
    for command in args.commands:
        seconds, cpu_seconds = run(command)
        wall[command].append(seconds)
        cpu[command].append(cpu_seconds)
for _ in range(min(args.rounds, 5)):
    for command in args.commands:
        rss[command].append(peak_rss(command))

print(f"in {os.path.abspath(args.cwd)}: {args.rounds} interleaved rounds, "
      "median wall / median CPU / peak RSS")
width = max(len(c) for c in args.commands)
for command in args.commands:
    print(f"  {command:<{width}}  {statistics.median(wall[command]) * 1000:8.1f} ms"
          f"  {statistics.median(cpu[command]) * 1000:8.1f} ms CPU  {max(rss[command]):7.1f} MiB")
if len(args.commands) > 1 and not args.no_ratio:
    first, last = args.commands[0], args.commands[-1]
    ratio = statistics.median(wall[last]) / statistics.median(wall[first])
    goal = f" (goal <= {args.goal})" if args.goal else ""
    print(f"  ratio last/first: {ratio:.3f}{goal}")
if len(args.commands) > 2 and not args.no_ratio:
    last = args.commands[-1]
    for other in args.commands[:-1]:
        wall_ratio = statistics.median(wall[last]) / statistics.median(wall[other])
        rss_ratio = max(rss[last]) / max(rss[other])
        print(f"  last / {other}: wall {wall_ratio:.3f}, peak RSS {rss_ratio:.3f}")
