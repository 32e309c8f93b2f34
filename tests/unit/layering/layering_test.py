#!/usr/bin/env python3
# tests/unit/layering/layering_test.py - the libraries' one-way order, checked on the sources: no
# file of a library includes a public header of a library above it (or of a sibling on its floor).
#
#   vm < compiler < contracts < runtime < {training, nats} < reports < api < cli
#
# Usage: layering_test.py SOURCE_DIR   (exit 0 when every include points down, 1 otherwise)
import pathlib
import re
import sys

FLOORS = {"vm": 0, "compiler": 1, "contracts": 2, "runtime": 3, "training": 4, "nats": 4,
          "reports": 5, "api": 6, "cli": 7}
INCLUDE = re.compile(r'^\s*#\s*include\s*"trainchain/([a-z_]+)/', re.MULTILINE)


def violations(root: pathlib.Path):
    """Yields (file, line, library included) for every include that does not point down."""
    for lib, floor in FLOORS.items():
        for path in sorted((root / lib).rglob("*")):
            if path.suffix not in (".cpp", ".hpp", ".in") or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for m in INCLUDE.finditer(text):
                target = m.group(1)
                if target == lib:
                    continue
                if target not in FLOORS or FLOORS[target] >= floor:
                    line = text.count("\n", 0, m.start()) + 1
                    yield path.relative_to(root), line, target


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: layering_test.py SOURCE_DIR", file=sys.stderr)
        return 2
    root = pathlib.Path(sys.argv[1])
    missing = [lib for lib in FLOORS if not (root / lib).is_dir()]
    if missing:
        print(f"{root}: error: no folder for {', '.join(missing)}", file=sys.stderr)
        return 1
    bad = list(violations(root))
    for path, line, target in bad:
        print(f"{path}:{line}: error: includes trainchain/{target}/, which is not below "
              f"{path.parts[0]} in the order vm < compiler < contracts < runtime < "
              "{training, nats} < reports < api < cli", file=sys.stderr)
    if not bad:
        print(f"{len(FLOORS)} libraries, every include points down")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
