#!/usr/bin/env python3
"""The repository documents itself: CI fails if

- a tracked file refers to `../shared` (the repo must stand alone);
- a `§n` or `§n.m` citation (or a range `§a–b`) names no heading of
  docs/design.md (`## §n. ...` / `### §n.m ...`);
- a relative link in a Markdown file points at a file that does not exist.
"""
import pathlib
import re
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=root,
                       capture_output=True, text=True, check=True).stdout.split()
design = (root / "docs/design.md").read_text()
sections = set(re.findall(r"^#{2,3} §(\d+(?:\.\d+)?)[. ]", design, re.M))
cite = re.compile(r"§(\d+(?:\.\d+)?)(?:[–-](\d+(?:\.\d+)?))?")
link = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
errors = []
for name in files:
    path = root / name
    if not path.is_file() or "node_modules" in name or name.endswith((".lock", ".json", ".wasm", ".png", ".svg")):
        continue
    try:
        text = path.read_text()
    except UnicodeDecodeError:
        continue
    if name != "scripts/check-docs.py" and "../shared" in text:
        errors.append(f"{name}: refers to ../shared")
    for n, line in enumerate(text.splitlines(), 1):
        for first, last in cite.findall(line):
            for section in filter(None, (first, last)):
                if section not in sections:
                    errors.append(f"{name}:{n}: §{section} is not a section of docs/design.md")
        if name.endswith(".md"):
            for target in link.findall(line):
                if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                    continue
                file = target.split("#", 1)[0]
                if file and not (path.parent / file).exists():
                    errors.append(f"{name}:{n}: the link {target} resolves to nothing")
if errors:
    print("\n".join(errors), file=sys.stderr)
    sys.exit(1)
print(f"docs: {len(sections)} sections of docs/design.md, every citation and relative link resolves")
