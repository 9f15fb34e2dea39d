"""A quiet terminal for `ikz up`: its address, one line per action, and real problems.

Prefect's logging configuration (a file named by PREFECT_LOGGING_SETTINGS_PATH, read by
every process that imports Prefect: `ikz up` itself, its runner, and every served run
forked from it) is Prefect's own, with two changes:

- the console shows warnings and errors, and the lines an action's run marks for it
  (flows.outcome.tell: who did what, and the result);
- every line of INFO and above also goes to a log file under the data dir
  (`logs/ikz-up.log`), where the routine lines of Prefect, the runner and uvicorn are.

The file is written as JSON, which is YAML too (Prefect reads it with a YAML parser).
"""

from __future__ import annotations

import copy
import importlib.util
import json
import logging
from pathlib import Path
from typing import Any

LOG_DIR = "logs"
LOG_FILE = "ikz-up.log"
CONFIG_FILE = "logging.yml"
# The attribute of a log record that an action's summary line carries (flows.outcome).
TERMINAL = "ikz_terminal"


class TerminalFilter(logging.Filter):
    """Lets through warnings, errors and the lines marked for the terminal."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or bool(getattr(record, TERMINAL, False))


def log_file(data_dir: Path) -> Path:
    return data_dir / LOG_DIR / LOG_FILE


def prefect_default_config() -> Path:
    """Prefect's logging.yml, found without importing Prefect (an import sets up its
    logging, before this configuration could be named)."""
    spec = importlib.util.find_spec("prefect")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent / "logging" / "logging.yml"


def logging_config(log_path: Path) -> dict[str, Any]:
    """Prefect's own logging configuration with a filtered console and a log file."""
    import yaml

    base: dict[str, Any] = yaml.safe_load(prefect_default_config().read_text())
    config = copy.deepcopy(base)
    config.setdefault("filters", {})["ikz_terminal"] = {"()": f"{__name__}.TerminalFilter"}
    config["handlers"]["console"]["filters"] = ["ikz_terminal"]
    config["handlers"]["ikz_file"] = {
        "class": "logging.FileHandler",
        "level": "INFO",
        "formatter": "file",
        "filename": str(log_path),
        "encoding": "utf-8",
    }
    head = "%(asctime)s | %(levelname)-7s |"
    config["formatters"]["file"] = {
        "()": "prefect.logging.formatters.PrefectFormatter",
        "format": f"{head} %(name)s - %(message)s",
        "flow_run_fmt": f"{head} Flow run %(flow_run_name)r - %(message)s",
        "task_run_fmt": f"{head} Task run %(task_run_name)r - %(message)s",
    }
    for logger in config["loggers"].values():
        if "console" in logger.get("handlers", []):
            logger["handlers"] = [*logger["handlers"], "ikz_file"]
    config["root"]["handlers"] = [*config["root"]["handlers"], "ikz_file"]
    return config


def write_logging_config(data_dir: Path) -> tuple[Path, Path]:
    """Write the configuration under the data dir: (its path, the log file's path)."""
    folder = data_dir / LOG_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = log_file(data_dir)
    config_path = folder / CONFIG_FILE
    config_path.write_text(json.dumps(logging_config(path), indent=1), encoding="utf-8")
    return config_path, path
