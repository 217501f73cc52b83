"""Runs shell commands side by side, interleaved round by round, and prints for each the
median wall time and the peak RSS (of the command and the children it waited for), and the
ratio of the last command's median to the first's.

usage: sidebyside.py [--cwd DIR] [--rounds N] [--goal RATIO] COMMAND [COMMAND ...]
"""
import argparse
import os
import statistics
import subprocess
import time

parser = argparse.ArgumentParser()
parser.add_argument("--cwd", default=".")
parser.add_argument("--rounds", type=int, default=21)
parser.add_argument("--goal", type=float)
parser.add_argument("commands", nargs="+")
args = parser.parse_args()


def run(command):
    """Wall seconds and peak RSS (MiB) of one run; failures abort the benchmark."""
    start = time.perf_counter()
    process = subprocess.Popen(command, shell=True, cwd=args.cwd,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{command!r} exited {code}: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


for command in args.commands:  # warm caches once
    run(command)
wall = {c: [] for c in args.commands}
rss = {c: [] for c in args.commands}
for _ in range(args.rounds):
    for command in args.commands:
        seconds, mib = run(command)
        wall[command].append(seconds)
        rss[command].append(mib)

print(f"in {os.path.abspath(args.cwd)}: {args.rounds} interleaved rounds, median wall / peak RSS")
width = max(len(c) for c in args.commands)
for command in args.commands:
    print(f"  {command:<{width}}  {statistics.median(wall[command]) * 1000:8.1f} ms"
          f"  {max(rss[command]):7.1f} MiB")
if len(args.commands) > 1:
    first, last = args.commands[0], args.commands[-1]
    ratio = statistics.median(wall[last]) / statistics.median(wall[first])
    goal = f" (goal <= {args.goal})" if args.goal else ""
    print(f"  ratio last/first: {ratio:.3f}{goal}")
