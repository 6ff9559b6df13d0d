"""Run every benchmark, then regenerate results.md (make bench / make bench-smoke)."""

import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BENCHMARKS = ["search.py", "cards.py", "imports.py", "payments.py", "compliance.py"]

if __name__ == "__main__":
    failed = 0
    for script in BENCHMARKS:
        print(f"== {script}", flush=True)
        failed |= subprocess.call([sys.executable, str(BENCH_DIR / script)])
    subprocess.check_call([sys.executable, str(BENCH_DIR / "report.py")])
    sys.exit(failed)
