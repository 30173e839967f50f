"""An atheris (libFuzzer) fuzz target for letterkit.loading: bytes → decode → parse → load_source.

Any ``LetterkitError`` is a correct answer to a bad file; any other exception, a hang or a
crash of the interpreter is a bug. Run it for a bounded number of inputs:

    python tests/fuzz_loader.py -runs=2000             # what tests/test_robustness.py does
    python tests/fuzz_loader.py -max_total_time=600    # a longer session

Without a corpus folder on the command line it starts from a seed corpus (the sample letters,
the test letters and a few hostile shapes) copied into a temporary folder, so that libFuzzer
mutates real letters rather than empty input. It needs ``pip install atheris``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import atheris
import pydantic  # noqa: F401  (imported first, so that only letterkit and PyYAML are instrumented)

with atheris.instrument_imports(include=["letterkit", "yaml"]):
    import yaml  # noqa: F401

    import letterkit.model.kinds as models
    import letterkit.model.loading as loading
    from letterkit.errors import LetterkitError

models.letter_adapter()  # build the validator once, outside the timed runs

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent / "samples"

SEEDS: list[bytes] = [
    b"kind: goodbye-letter\npatient: {name: A B}\ntherapist: {name: C D}\nipaf: {self: x, other: y}\n",
    b'{"kind": "formulation", "patient": {"name": "A"}, "therapist": {"name": "B"}, '
    b'"ipaf": {"self": "x", "other": "y"}, "goals": ["z"]}',
    b"a: &a [x, x]\nb: [*a, *a]\n",
    b"kind: goodbye-letter\n<<: {a: 1}\n",
    b"- [[[[[[[[[[[[[[x]]]]]]]]]]]]]]\n",
    b"kind: formulation\ndate: 2026-02-30\nsession: 99\n",
    b'\xef\xbb\xbfkind: goodbye-letter\nbackground: "caf\\u00e9 \\x07"\n',
    b"? [a, b]\n: c\n",
    b"kind: !!binary aGVsbG8=\n",
    b"%YAML 1.1\n---\nkind: goodbye-letter\n...\n---\nkind: formulation\n",
]


def test_one_input(data: bytes) -> None:
    try:
        text = loading.decode(data, "fuzz.yaml")
        source = loading.parse(text, "fuzz.yaml")
        loading.load_source(source)
    except LetterkitError as error:
        str(error)  # the message itself must be printable
        if hasattr(error, "problem"):
            str(error.problem)


def _seed_corpus(folder: Path) -> None:
    seeds = list(SEEDS)
    for pattern in ("*.yaml",):
        seeds += [p.read_bytes() for p in sorted(SAMPLES.glob(pattern))]
    try:
        sys.path.insert(0, str(HERE))
        import conftest

        seeds += [conftest.GOODBYE_YAML.encode(), conftest.FORMULATION_YAML.encode()]
    except Exception:  # conftest needs pytest; the seeds above are enough without it
        pass
    for number, seed in enumerate(seeds):
        (folder / f"seed-{number:03d}").write_bytes(seed)


def main() -> None:
    argv = list(sys.argv)
    has_corpus = any(not arg.startswith("-") for arg in argv[1:])
    with tempfile.TemporaryDirectory(prefix="letterkit-fuzz-") as corpus:
        if not has_corpus:
            _seed_corpus(Path(corpus))
            argv.append(corpus)
        if not any(arg.startswith("-max_len") for arg in argv):
            argv.append("-max_len=8192")
        atheris.Setup(argv, test_one_input)
        atheris.Fuzz()
    os._exit(0)  # pragma: no cover - atheris.Fuzz exits by itself after -runs


if __name__ == "__main__":
    main()
