"""Import 5,000 generated RIS records on a throwaway database: `make bench` (a script).

Prints the parse and import times, the peak memory (tracemalloc) and the number of queries.
"""

import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.pop("REDIS_URL", None)
os.environ["DEBUG"] = "false"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

RECORDS = int(os.environ.get("BENCH_RIS_RECORDS", "5000"))


def ris(n: int) -> str:
    return "\n".join(
        f"TY  - JOUR\nAU  - Author{i}, Ann\nAU  - Second, Bo\nTI  - Outcome of treatment {i}\n"
        f"T2  - J Bench Med\nVL  - {i % 50}\nSP  - {i}\nEP  - {i + 9}\nPY  - {1990 + i % 35}\n"
        f"DO  - 10.5555/bench.{i}\nAN  - {100000 + i}\nER  -\n"
        for i in range(n)
    )


def main() -> None:
    from articles.models import Reference
    from articles.references.importing import records_parse, references_import
    from editorial.models import User

    call_command("migrate", verbosity=0)
    editor = User.objects.create_user(username="bench-editor")
    text = ris(RECORDS)
    tracemalloc.start()
    start = time.perf_counter()
    records = records_parse(data=text, format="ris")
    parsed = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        references_import(records=records, actor=editor)
    done = time.perf_counter()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert Reference.objects.count() == RECORDS
    print(
        f"RIS import of {RECORDS} records: parse {parsed - start:.2f} s, "
        f"import {done - parsed:.2f} s, peak memory {peak / 2**20:.1f} MiB, "
        f"{len(queries)} queries"
    )


if __name__ == "__main__":
    main()
