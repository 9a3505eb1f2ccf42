"""Format a body citing 30 references with citeproc-js: `make bench` (a script).

Prints the first bibliography of a process (V8 and citeproc-js loaded), then the median of
later ones with nothing cached (a reference list being stored at submission), then with the
entries cached (the editor's preview formatting the same references again).
"""

import json
import os
import statistics
import sys
import tempfile
import time
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

REFERENCES = 30
ROUNDS = 20
GOLDEN = ROOT / "tests" / "articles" / "golden" / "citeproc_golden.json"


def main() -> None:
    from articles.references import formatting
    from articles.references.rendering import body_render, versions_current
    from articles.references.services import CSL_TYPES, reference_create
    from editorial.models import User

    call_command("migrate", verbosity=0)
    editor = User.objects.create_user(username="bench-editor")
    golden = json.loads(GOLDEN.read_text("utf-8"))["items"]
    items = [entry["item"] for entry in golden if entry["item"]["type"] in CSL_TYPES]
    keys: list[str] = []
    dois: set[str] = set()
    for item in items:
        doi = item.get("DOI", "")
        if len(keys) == REFERENCES or (doi and doi in dois):  # variants share a DOI
            continue
        csl = {name: value for name, value in item.items() if name not in ("id", "DOI")}
        keys.append(f"ref{len(keys)}")
        reference_create(key=keys[-1], type="research", csl=csl, actor=editor, doi=doi)
        dois.add(doi)
    text = " ".join(f"A claim [@{key}]." for key in keys)
    versions = versions_current(keys=keys)

    def render() -> float:
        start = time.perf_counter()
        rendered = body_render(text=text, versions=versions)
        assert len(rendered.references) == REFERENCES
        return (time.perf_counter() - start) * 1000

    def cpu(rounds: int) -> float:
        """CPU time of the process (V8 runs in a thread of its own) per uncached render."""
        start = time.process_time()
        for _ in range(rounds):
            formatting._cache.clear()
            render()
        return (time.process_time() - start) * 1000 / rounds

    first = render()
    uncached = []
    for _ in range(ROUNDS):
        formatting._cache.clear()
        uncached.append(render())
    cached = [render() for _ in range(ROUNDS)]
    print(
        f"Reference list of {REFERENCES} (AMA, citeproc-js): first in a process {first:.0f} ms, "
        f"then {statistics.median(uncached):.0f} ms (median of {ROUNDS}; {cpu(ROUNDS):.0f} ms "
        f"of CPU), {statistics.median(cached):.1f} ms with the entries cached"
    )


if __name__ == "__main__":
    main()
