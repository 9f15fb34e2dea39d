"""The README's shell examples run: every `ikz ...` line of the ```bash blocks under a
heading that mentions 'CLI', in order, against a fresh data directory, exits 0.

Plain lines run in-process (fast); lines that need a shell (pipes, redirections,
variables, environment prefixes) run in bash with the virtualenv's `ikz` on PATH.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.cli.helpers import IKZ_BIN, ROOT, Cli

README = ROOT / "README.md"
# Commands that start servers and do not return; an example may show them, a test cannot.
LONG_RUNNING = {"up"}
_SHELL = re.compile(r"[|&;<>$`*?]|^\w+=")


def cli_sections(markdown: str) -> list[str]:
    """The bodies of the sections whose heading contains 'CLI' (up to the next heading of
    the same or a higher level)."""
    lines = markdown.splitlines()
    headings: list[tuple[int, int, str]] = []  # (line index, level, title) outside fences
    in_fence = False
    for i, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        elif not in_fence and (m := re.match(r"^(#{1,6})\s+(.*)$", line)):
            headings.append((i, len(m.group(1)), m.group(2)))
    sections: list[str] = []
    for n, (i, level, title) in enumerate(headings):
        if "CLI" not in title:
            continue
        end = next((j for j, lv, _ in headings[n + 1 :] if lv <= level), len(lines))
        sections.append("\n".join(lines[i + 1 : end]))
    return sections


def ikz_lines(markdown: str) -> list[str]:
    """Every `ikz ...` command line of the ```bash blocks in the CLI sections, in order."""
    commands: list[str] = []
    for section in cli_sections(markdown):
        for block in re.findall(
            r"^```(?:bash|sh|shell|console)\s*\n(.*?)^```", section, re.M | re.S
        ):
            joined = re.sub(r"\s*\\\n\s*", " ", block)  # line continuations
            for raw in joined.splitlines():
                line = raw.strip()
                line = line.removeprefix("$ ").strip()
                if not line or line.startswith("#"):
                    continue
                words = shlex.split(line, comments=True)
                cmd = next((w for w in words if not re.match(r"^\w+=", w)), "")
                if Path(cmd).name == "ikz":
                    commands.append(line)
    return commands


def _subcommand(line: str) -> str:
    words = [w for w in shlex.split(line, comments=True) if not re.match(r"^\w+=", w)][1:]
    while words and words[0].startswith("-"):  # root options; --lang takes a value
        words = words[2:] if words[0] == "--lang" else words[1:]
    return words[0] if words else ""


SAMPLE = """# ikz-flow

## Using the CLI

```bash
# a fresh installation
ikz db upgrade
ikz demo --if-empty
ikz coop list --json | head -5
.venv/bin/ikz coop show 1 \\
    --json
IKZ_LANGUAGE=en ikz lifecycle
make run
```

## Deployment

```bash
ikz up
```
"""


def test_the_readme_parser() -> None:
    assert ikz_lines(SAMPLE) == [
        "ikz db upgrade",
        "ikz demo --if-empty",
        "ikz coop list --json | head -5",
        ".venv/bin/ikz coop show 1 --json",
        "IKZ_LANGUAGE=en ikz lifecycle",
    ]
    assert _subcommand("IKZ_LANGUAGE=en ikz --lang en up --port 1") == "up"


def _readme_lines() -> list[str]:
    text = README.read_text(encoding="utf-8") if README.exists() else ""
    return ikz_lines(text)


def run_examples(cli: Cli, lines: list[str], cwd: Path) -> int:
    """Run the example lines in order; returns how many ran."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IKZ_", "PREFECT_API"))}
    env["IKZ_DATA_DIR"] = str(cli.data_dir)
    env["PATH"] = f"{IKZ_BIN.parent}{os.pathsep}{env.get('PATH', '')}"
    venv = cwd / ".venv"  # examples may spell the command .venv/bin/ikz
    if not venv.exists():
        venv.symlink_to(IKZ_BIN.parent.parent, target_is_directory=True)
    ran = 0
    for line in lines:
        if _subcommand(line) in LONG_RUNNING:
            continue
        if _SHELL.search(line):
            proc = subprocess.run(
                ["bash", "-c", line],
                cwd=cwd,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            output = proc.stdout + proc.stderr
            assert proc.returncode == 0, f"README example failed: {line}\n{output}"
        else:
            res = cli(*shlex.split(line)[1:])
            output = res.output
            assert res.code == 0, f"README example failed: {line}\n{res}"
        assert "Traceback" not in output, f"{line}\n{output}"
        ran += 1
    return ran


def test_the_example_runner(bare_cli: Cli, tmp_path: Path) -> None:
    lines = ["ikz db upgrade", "ikz demo --if-empty", "ikz --lang en coop show 1", "ikz up"]
    assert run_examples(bare_cli, lines, tmp_path) == 3
    with pytest.raises(AssertionError, match="README example failed: ikz coop show 999"):
        run_examples(bare_cli, ["ikz coop show 999"], tmp_path)


def test_readme_cli_examples_run(bare_cli: Cli, tmp_path: Path) -> None:
    lines = _readme_lines()
    if not lines:
        pytest.skip("README.md has no ```bash examples under a 'CLI' heading yet")
    assert run_examples(bare_cli, lines, tmp_path), "every README example was long-running"
