"""Where the trained artefacts shipped with the project live."""
from pathlib import Path

ARTIFACTS_DIR = Path(__file__).resolve().parent / "artifacts"
COMBINER_PATH = ARTIFACTS_DIR / "coder_combiner.json"
