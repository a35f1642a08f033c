#!/usr/bin/env python3
"""What script/test-cluster's load saw, checked against the final primary.

Arguments: the load's results (JSON), the webhook receiver's (JSON), the
phase log ("<epoch> <longest
gap allowed, s> <failed requests allowed> <name>" a line, "-" for no bound,
each phase lasting until the next), and the final primary's count of
notes per subject of this run ("subject|count" a line). Prints each phase's
figures; exits 1 when an acknowledged write is missing or doubled, a read
missed an acknowledged write, the feed did not deliver every change once, or
a webhook was not delivered, came out of order for its note, carried a bad
signature, or more than 4 were sent to the endpoint at once.
"""
import collections
import json
import sys


def main():
    results_file, hooks_file, phases_file, stored_file = sys.argv[1:5]
    with open(results_file) as f:
        results = json.load(f)
    with open(hooks_file) as f:
        hooks = json.load(f)
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
        if ack["hooked"]:
            continue  # another company: not in the reader's feed
        if created.get(ack["id"], 0) != 1:
            problems.append("the feed gave the creation of note %s %d times" % (ack["id"], created.get(ack["id"], 0)))

    # Webhooks (of the hooked writer's company): every change delivered at least once, a note's created
    # before its update, never more than 4 held at once by all hosts.
    first_arrival = {}
    delivered_ids = collections.Counter()
    for arrival, (delivery_id, note_id, event) in enumerate(hooks["deliveries"]):
        delivered_ids[delivery_id] += 1
        first_arrival.setdefault((note_id, event), arrival)
    hooked = [a for a in acknowledged if a["hooked"]]
    if not hooked:
        problems.append("webhook: the hooked writer acknowledged no write")
    for ack in hooked:
        if (ack["id"], "note.created") not in first_arrival:
            problems.append("webhook: note.created of note %s never delivered" % ack["id"])
    for note_id, was_hooked in results["changed"]:
        if not was_hooked:
            continue
        updated = first_arrival.get((note_id, "note.updated"))
        created = first_arrival.get((note_id, "note.created"))
        if updated is None:
            problems.append("webhook: note.updated of note %s never delivered" % note_id)
        elif created is None or created > updated:
            problems.append("webhook: note %s was updated before it was created" % note_id)
    if hooks["bad_signatures"]:
        problems.append("webhook: %d deliveries with a bad signature" % hooks["bad_signatures"])
    if hooks["most_at_once"] > 4:
        problems.append("webhook: %d deliveries at once to one endpoint, bound 4" % hooks["most_at_once"])

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
    print("webhooks: %d deliveries received for %d notes (%d sent more than once), at most %d at once" %
          (len(delivered_ids), len(hooked), sum(1 for n in delivered_ids.values() if n > 1), hooks["most_at_once"]))
    for problem in problems[:50]:
        print("PROBLEM: " + problem)
    if len(problems) > 50:
        print("... and %d more" % (len(problems) - 50))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
