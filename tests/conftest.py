import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def en_checker():
    from checker import Checker

    return Checker(lang="en")


@pytest.fixture(scope="session")
def en_checker_nolm():
    from checker import Checker

    return Checker(lang="en", model="none")
