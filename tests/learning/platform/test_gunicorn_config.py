"""gunicorn.conf.py: the master hides its imported objects from the garbage collector before it
forks, so workers do not walk them on every full collection."""

import gc
import runpy
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[3] / "gunicorn.conf.py"


def test_when_ready_freezes_what_the_master_imported():
    config = runpy.run_path(str(CONFIG))
    assert config["preload_app"] is True
    gc.unfreeze()
    before = gc.get_freeze_count()
    try:
        config["when_ready"](server=None)
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
