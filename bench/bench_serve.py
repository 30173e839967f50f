#!/usr/bin/env python3
"""letterkit serve benchmark: the live preview's round trip, and a PDF download against render_file.

Run from anywhere:  python bench/bench_serve.py [--rounds N]

1. Preview round trip, per sample letter: one word of a section edited, the form posted to
   /letters/NAME/preview as the page does, the new preview HTML (with every field's problems)
   back. Measured in process through the ASGI app (server time: no network, no browser).
   Target: median at most 100 ms.
2. PDF download: GET /api/v1/letters/NAME/render?format=pdf against ``letterkit.render_file``
   with a warm ``Renderer`` on the same file, interleaved, medians and their ratio.

This is a report, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN = "bench"


def form_of(data: dict[str, object], prefix: str = "") -> dict[str, str]:
    """A letter's data as the letter page's form posts it (field paths with dots)."""
    out: dict[str, str] = {}
    items = data.items() if isinstance(data, dict) else enumerate(data)  # type: ignore[arg-type]
    for key, value in items:
        path = f"{prefix}{key}"
        if isinstance(value, dict) and path.startswith("ipaf.affect."):
            out[path] = str(value.get("feeling", ""))
            if value.get("less_conscious"):
                out[path + ".less_conscious"] = "on"
        elif isinstance(value, (dict, list)):
            out.update(form_of(value, path + "."))  # type: ignore[arg-type]
        elif isinstance(value, bool):
            out[path] = "yes" if value else "no"
        elif value is not None:
            out[path] = str(value)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=25)
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    import letterkit
    from letterkit.web import create_app

    folder = Path(tempfile.mkdtemp(prefix="letterkit-bench-"))
    try:
        for sample in sorted((ROOT / "samples").glob("*.yaml")):
            shutil.copy(sample, folder / sample.name)
        client = TestClient(create_app(folder, TOKEN), base_url="http://127.0.0.1:8000")
        client.get(f"/?token={TOKEN}")
        origin = {"Origin": "http://127.0.0.1:8000"}

        print("1. Preview round trip (edit -> new preview HTML), server time, in process")
        print(f"   {'letter':<28}{'median ms':>10}{'p90 ms':>10}   target <= 100 ms median")
        for path in sorted(folder.glob("*.yaml")):
            data = letterkit.read_work(path).data
            form = form_of(data)
            form["_style"] = "standard"
            times = []
            for i in range(args.rounds + 2):
                form["ipaf.self"] = str(data["ipaf"]["self"]) + f" Edit {i}."  # type: ignore[index]
                started = time.perf_counter()
                answer = client.post(f"/letters/{path.name}/preview", data=form, headers=origin)
                elapsed = time.perf_counter() - started
                assert answer.status_code == 200 and f"Edit {i}." in answer.text, answer.text[:300]
                if i >= 2:  # the first two warm the templates
                    times.append(elapsed * 1000)
            times.sort()
            median = statistics.median(times)
            p90 = times[int(len(times) * 0.9) - 1]
            verdict = "ok" if median <= 100 else "over target"
            print(f"   {path.name:<28}{median:>10.1f}{p90:>10.1f}   {verdict}")

        print()
        print("2. PDF download (GET .../render?format=pdf) against render_file with a warm Renderer")
        print(f"   {'letter':<28}{'download ms':>12}{'render_file ms':>16}{'ratio':>8}")
        workspace = letterkit.Workspace(renderer=letterkit.Renderer())
        options = letterkit.RenderOptions(format="pdf")
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        rounds = max(3, args.rounds // 5)
        for path in sorted(folder.glob("*.yaml")):
            workspace.render_file(path, options, "-")  # warm
            client.get(f"/api/v1/letters/{path.name}/render?format=pdf", headers=bearer)
            served, direct = [], []
            for r in range(rounds):
                pair = [("served", None), ("direct", None)]
                for which, _ in pair if r % 2 == 0 else reversed(pair):
                    gc.collect()
                    started = time.perf_counter()
                    if which == "served":
                        got = client.get(f"/api/v1/letters/{path.name}/render?format=pdf", headers=bearer)
                        assert got.content.startswith(b"%PDF")
                        served.append((time.perf_counter() - started) * 1000)
                    else:
                        workspace.render_file(path, options, "-")
                        direct.append((time.perf_counter() - started) * 1000)
            s, d = statistics.median(served), statistics.median(direct)
            print(f"   {path.name:<28}{s:>12.0f}{d:>16.0f}{s / d:>8.2f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
