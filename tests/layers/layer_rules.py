#!/usr/bin/env python3
"""The layer rules of the source tree (docs/architecture.md, "Layers"),
held against its includes.

Each folder of code sits on a floor. A file may include files of its own
folder and of folders on lower floors: never one above, never one beside
it. So the webhook process (webhooks/) includes no route code (handlers/),
nor the routes the webhook process, and a folder can be read with only the
floors below it in mind.

    python3 tests/layers/layer_rules.py [SOURCE_DIR]

Prints each include that breaks a rule and exits 1 on any; it first checks
itself on a copy of the tree with a rule broken, and fails if it finds
nothing there.
"""
import pathlib
import re
import shutil
import sys
import tempfile

FLOORS = {
    # Pure parts: each stands alone.
    "log": 1, "http": 1, "credentials": 1, "metrics": 1,
    # PostgreSQL: connections, statements, migrations.
    "sql": 2,
    # The JSON of what the statements return.
    "views": 3,
    # The routes, and the webhook process beside them.
    "handlers": 4, "webhooks": 4,
    # The programs: notesd's worker pool and supervisor, notesctl.
    "fcgi": 5, "admin": 5,
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/', re.MULTILINE)
SOURCES = ("*.cpp", "*.hpp", "*.cpp.in")


def broken_rules(root):
    """Each include of `root`'s folders that runs up or sideways."""
    broken = []
    for folder, floor in sorted(FLOORS.items()):
        for pattern in SOURCES:
            for path in sorted((root / folder).rglob(pattern)):
                for included in INCLUDE.findall(path.read_text(encoding="utf-8")):
                    if included == folder or included not in FLOORS:
                        continue
                    if FLOORS[included] >= floor:
                        where = "above" if FLOORS[included] > floor else "beside"
                        broken.append(f"{path.relative_to(root)} includes {included}/, {where} {folder}/")
    return broken


def folders_without_a_floor(root):
    """Folders of C++ code the rules do not place."""
    code = {p.parent.relative_to(root).parts[0] for p in root.rglob("*.cpp") if len(p.relative_to(root).parts) > 1}
    return sorted(code - set(FLOORS) - {"tests", "build", "build-asan", "var", "bench"} - {d for d in code if d.startswith("build")})


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2])
    # The check must be able to fail: a copy with the webhook process
    # including a route header must break a rule.
    with tempfile.TemporaryDirectory() as scratch:
        copy = pathlib.Path(scratch)
        for folder in FLOORS:
            shutil.copytree(root / folder, copy / folder)
        dispatcher = copy / "webhooks" / "dispatcher.cpp"
        dispatcher.write_text('#include "handlers/routes.hpp"\n' + dispatcher.read_text(encoding="utf-8"), encoding="utf-8")
        if not any("webhooks/dispatcher.cpp includes handlers/" in line for line in broken_rules(copy)):
            print("FAIL the check found nothing in a tree where webhooks/ includes handlers/")
            return 1
    broken = broken_rules(root)
    for line in broken:
        print(f"FAIL {line}")
    unplaced = folders_without_a_floor(root)
    for folder in unplaced:
        print(f"FAIL {folder}/ holds code but has no floor in tests/layers/layer_rules.py")
    if not broken and not unplaced:
        print(f"{len(FLOORS)} folders on {len(set(FLOORS.values()))} floors; no include runs up or sideways")
    return 1 if broken or unplaced else 0


if __name__ == "__main__":
    sys.exit(main())
