"""The README's shell examples run: the ```bash blocks under a heading that mentions the
CLI ('CLI' or 'command line'), each block in order against its own fresh data directory,
and every `ikz ...` line exits 0.

A line the README means to fail says so in a trailing comment, `# refused` or `# exit N`
(e.g. `ikz coop advance 6 agree --actor 1  # refused: criteria missing`); it must then
exit non-zero (N if given) with a clean message. Plain lines run in-process (fast); lines
that need a shell (pipes, redirections, variables, environment prefixes) run in bash with
the virtualenv's `ikz` on PATH.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.helpers import IKZ_BIN, ROOT, Cli, point_settings_at

README = ROOT / "README.md"
# Commands that start servers and do not return; an example may show them, a test cannot.
LONG_RUNNING = {"up"}
_SHELL = re.compile(r"[|&;<>$`*?]|^\w+=")
_HEADING = re.compile(r"\bCLI\b|command line", re.I)
_EXPECT = re.compile(r"\s#\s*(?:(refused)|exit\s+(\d+))\b[^'\"]*$")


@dataclass(frozen=True)
class Example:
    line: str
    expect: int | None = 0  # exit code; None: any non-zero (`# refused`)


def cli_sections(markdown: str) -> list[str]:
    """The bodies of the sections whose heading mentions the CLI (up to the next heading of
    the same or a higher level); `#` lines inside code fences are not headings."""
    lines = markdown.splitlines()
    headings: list[tuple[int, int, str]] = []  # (line index, level, title)
    in_fence = False
    for i, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        elif not in_fence and (m := re.match(r"^(#{1,6})\s+(.*)$", line)):
            headings.append((i, len(m.group(1)), m.group(2)))
    sections: list[str] = []
    for n, (i, level, title) in enumerate(headings):
        if not _HEADING.search(title):
            continue
        end = next((j for j, lv, _ in headings[n + 1 :] if lv <= level), len(lines))
        sections.append("\n".join(lines[i + 1 : end]))
    return sections


def example_blocks(markdown: str) -> list[list[Example]]:
    """The `ikz ...` lines of each ```bash block in the CLI sections, in order."""
    blocks: list[list[Example]] = []
    for section in cli_sections(markdown):
        for block in re.findall(
            r"^```(?:bash|sh|shell|console)\s*\n(.*?)^```", section, re.M | re.S
        ):
            joined = re.sub(r"\s*\\\n\s*", " ", block)  # line continuations
            examples = []
            for raw in joined.splitlines():
                line = raw.strip().removeprefix("$ ").strip()
                if not line or line.startswith("#"):
                    continue
                words = shlex.split(line, comments=True)
                cmd = next((w for w in words if not re.match(r"^\w+=", w)), "")
                if Path(cmd).name != "ikz":
                    continue
                m = _EXPECT.search(line)
                expect = (None if m.group(1) else int(m.group(2))) if m else 0
                examples.append(Example(line, expect))
            if examples:
                blocks.append(examples)
    return blocks


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
ikz coop advance 6 agree --actor 1  # refused: criteria missing
ikz coop show 999  # exit 3
IKZ_LANGUAGE=en ikz lifecycle
make run
```

Then, from scratch:

```bash
ikz db upgrade
```

## Deployment

```bash
ikz up
```
"""


def test_the_readme_parser() -> None:
    assert example_blocks(SAMPLE) == [
        [
            Example("ikz db upgrade"),
            Example("ikz demo --if-empty"),
            Example("ikz coop list --json | head -5"),
            Example(".venv/bin/ikz coop show 1 --json"),
            Example("ikz coop advance 6 agree --actor 1  # refused: criteria missing", None),
            Example("ikz coop show 999  # exit 3", 3),
            Example("IKZ_LANGUAGE=en ikz lifecycle"),
        ],
        [Example("ikz db upgrade")],
    ]
    assert cli_sections("## The command line\nx\n## Other\ny") == ["x"]
    assert _subcommand("IKZ_LANGUAGE=en ikz --lang en up --port 1") == "up"


def run_examples(examples: list[Example], data_dir: Path, cwd: Path) -> int:
    """Run one block's examples in order on `data_dir`; returns how many ran."""
    cli = Cli(data_dir, data_dir / "ikz.sqlite3")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IKZ_", "PREFECT_API"))}
    env["IKZ_DATA_DIR"] = str(data_dir)
    env["PATH"] = f"{IKZ_BIN.parent}{os.pathsep}{env.get('PATH', '')}"
    venv = cwd / ".venv"  # examples may spell the command .venv/bin/ikz
    if not venv.exists():
        venv.symlink_to(IKZ_BIN.parent.parent, target_is_directory=True)
    ran = 0
    for ex in examples:
        if _subcommand(ex.line) in LONG_RUNNING:
            continue
        if _SHELL.search(ex.line.split(" #")[0]):
            proc = subprocess.run(
                ["bash", "-c", ex.line],
                cwd=cwd,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            code, output = proc.returncode, proc.stdout + proc.stderr
        else:
            res = cli(*shlex.split(ex.line, comments=True)[1:])
            code, output = res.code, res.output
        if ex.expect is None:
            assert code != 0, f"README example should be refused: {ex.line}\n{output}"
        else:
            assert code == ex.expect, f"README example failed (exit {code}): {ex.line}\n{output}"
        assert "Traceback" not in output, f"{ex.line}\n{output}"
        ran += 1
    return ran


def test_the_example_runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    point_settings_at(monkeypatch, tmp_path / "data")
    examples = [
        Example("ikz demo --if-empty"),
        Example("ikz --lang en coop show 1"),
        Example("ikz coop show 999", 3),
        Example("ikz coop advance 6 explode --actor 1", None),
        Example("ikz up"),
    ]
    assert run_examples(examples, tmp_path / "data", tmp_path) == 4
    with pytest.raises(AssertionError, match=r"failed \(exit 3\): ikz coop show 999"):
        run_examples([Example("ikz coop show 999")], tmp_path / "data", tmp_path)


def test_readme_cli_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = README.read_text(encoding="utf-8") if README.exists() else ""
    blocks = example_blocks(text)
    if not blocks:
        pytest.skip("README.md has no ```bash examples under a CLI heading yet")
    ran = 0
    for n, examples in enumerate(blocks):  # each block is a session on a fresh data dir
        data_dir = tmp_path / f"block-{n}"
        point_settings_at(monkeypatch, data_dir)
        ran += run_examples(examples, data_dir, tmp_path)
    assert ran, "every README example was a long-running command"
