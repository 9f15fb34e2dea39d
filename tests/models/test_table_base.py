"""Table classes build their pydantic schema on first use (models.base.Table)."""

import subprocess
import sys

import pytest
from pydantic import ValidationError

from models.registry import Municipality


def test_importing_the_tables_builds_no_pydantic_schema() -> None:
    probe = "import models; print(models.Cooperation.__pydantic_complete__)"
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "False"


def test_a_table_still_validates_on_first_use() -> None:
    row = Municipality.model_validate(
        {"name": "Jena", "ags": "16053000", "bundesland": "TH", "population": 1, "kind": "city"}
    )
    assert (row.name, row.population) == ("Jena", 1)
    with pytest.raises(ValidationError):
        Municipality.model_validate({"name": "Jena", "population": "many"})
