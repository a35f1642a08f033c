#!/usr/bin/env python3
"""What script/test-cluster's load saw, checked against the final primary.

Arguments: the load's results (JSON), the phase log ("<epoch> <longest
gap allowed, s> <failed requests allowed> <name>" a line, "-" for no bound,
each phase lasting until the next), and the final primary's count of
notes per subject of this run ("subject|count" a line). Prints each phase's
figures; exits 1 when an acknowledged write is missing or doubled, a read
missed an acknowledged write, or the feed did not deliver every change once.
"""
import collections
import json
import sys


def main():
    results_file, phases_file, stored_file = sys.argv[1:4]
    with open(results_file) as f:
        results = json.load(f)
    phases = []
    with open(phases_file) as f:
        for line in f:
            at, gap_bound, failed_bound, name = line.split(None, 3)
            phases.append((float(at), name.strip(), gap_bound, failed_bound))
    stored = {}
    with open(stored_file) as f:
        for line in f:
            if line.strip():
                subject, count = line.rsplit("|", 1)
                stored[subject] = int(count)

    problems = []
    acknowledged = results["acknowledged"]
    for ack in acknowledged:
        count = stored.get(ack["subject"], 0)
        if count != 1:
            problems.append("acknowledged %s (note %s, during %s) is stored %d times" %
                            (ack["subject"], ack["id"], ack["phase"], count))
    acknowledged_subjects = {a["subject"] for a in acknowledged}
    for subject, count in stored.items():
        if count > 1 and subject not in acknowledged_subjects:
            problems.append("%s is stored %d times" % (subject, count))
    problems += ["read: " + m for m in results["misses"]]
    problems += ["load: " + e for e in results["errors"]]
    cursors = collections.Counter(results["feed"])
    doubled = [c for c, n in cursors.items() if n > 1]
    if doubled:
        problems.append("the feed gave %d changes more than once (first: %s)" % (len(doubled), doubled[0]))
    created = collections.Counter(note for note, change in results["feed_notes"] if change == "created")
    for ack in acknowledged:
        if created.get(ack["id"], 0) != 1:
            problems.append("the feed gave the creation of note %s %d times" % (ack["id"], created.get(ack["id"], 0)))

    write_times = sorted(t for t, _ in results["write_times"])
    print("%-34s %9s %12s %8s" % ("phase", "writes", "longest gap", "failed"))
    for index, (start, name, gap_bound, failed_bound) in enumerate(phases):
        end = phases[index + 1][0] if index + 1 < len(phases) else (write_times[-1] if write_times else start)
        inside = [t for t in write_times if start <= t <= end]
        points = [start] + inside + [end]
        gap = max(b - a for a, b in zip(points, points[1:])) if len(points) > 1 else 0.0
        failed = results["failed"].get(name, {})
        detail = ", ".join("%s: %d" % item for item in sorted(failed.items()))
        print("%-34s %9d %11.1fs %8d  %s" % (name, len(inside), gap, sum(failed.values()), detail))
        if gap_bound != "-" and gap > float(gap_bound):
            problems.append("%s: %.1f s without a successful write, bound %s s" % (name, gap, gap_bound))
        if failed_bound != "-" and sum(failed.values()) > int(failed_bound):
            problems.append("%s: %d failed requests, bound %s" % (name, sum(failed.values()), failed_bound))
    print("acknowledged writes: %d; stored once each: %d; feed changes: %d" %
          (len(acknowledged), sum(1 for a in acknowledged if stored.get(a["subject"]) == 1), len(cursors)))
    for problem in problems[:50]:
        print("PROBLEM: " + problem)
    if len(problems) > 50:
        print("... and %d more" % (len(problems) - 50))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
