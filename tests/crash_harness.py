"""Kill `letterkit draft save` part way, again and again, and check what the next save finds.

Run by tests/test_store_crash.py as a process of its own (it forks, so it must not share a
process with pytest), or by hand for the full figures:

    PYTHONPATH=. python3 tests/crash_harness.py /tmp/crash --double-stride 1 > crash.json

Each run copies a letter with two saved drafts, edits it (content A) and runs `draft save` in a
forked child that dies (``os._exit``) at one point: before or after each file-system step
(creating a temporary file, fsync, link, unlink, rename, chmod), or, in the random runs, at a
random moment with fsync slowed down, by SIGKILL. Then, in the parent:

- ``draft verify`` must find no damage, and must mention whatever the killed save left behind;
- the letter is edited again (content B) and `draft save` must succeed;
- drafts 1 and 2 must be byte for byte what they were, the history must verify with no
  problem, nothing temporary may remain, and content A must be either draft 3 (the killed
  save completed, or finished before it died) or set aside beside the history, or simply not
  saved (the kill came before anything was written; the letter file still held it).

Prints one JSON object: every run and a summary of the outcomes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

KILLED = 86
HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "samples" / "peter-goodbye.yaml"
STEPS = (
    (os, "fsync"),
    (os, "link"),
    (os, "unlink"),
    (os, "replace"),
    (os, "rename"),
    (os, "fchmod"),
    (tempfile, "mkstemp"),
)


def preload() -> None:
    """Import and warm up everything a save uses, so that a forked child only saves."""
    import filelock  # noqa: F401

    import letterkit.api  # noqa: F401
    import letterkit.cli  # noqa: F401
    import letterkit.drafts.store  # noqa: F401
    import letterkit.model.loading as loading

    loading.load_text(SAMPLE.read_text(encoding="utf-8"), str(SAMPLE))


def baseline(root: Path, final: bool) -> Path:
    """A folder with peter.yaml saved twice (the second time as final, if asked)."""
    import letterkit.drafts.store as store

    folder = root / ("base-final" if final else "base")
    folder.mkdir(parents=True)
    letter = folder / "peter.yaml"
    text = SAMPLE.read_text(encoding="utf-8")
    letter.write_text(text, encoding="utf-8")
    store.save(letter, "therapist", "Helen Marsh", "first", time="2026-04-27T10:00:00+00:00")
    text = text.replace("You felt trapped", "You felt stuck")
    if final:
        text = text.replace("status: draft", "status: final")
        assert "status: final" in text
    letter.write_text(text, encoding="utf-8")
    store.save(letter, "patient", "Peter Hale", "second", time="2026-05-04T10:00:00+00:00")
    return folder


def content(base: Path, mark: str) -> bytes:
    text = (base / "peter.yaml").read_text(encoding="utf-8")
    return text.replace("You felt stuck", f"You felt stuck ({mark})").encode()


def run_save(letter: Path, kill: int | None = None, slow: float = 0.0) -> int:
    """Fork a child that runs `draft save` (dying at step ``kill``); returns its pid."""
    pid = os.fork()
    if pid:
        return pid
    try:
        out = os.open(str(letter) + ".out", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(out, 1)
        os.dup2(out, 2)
        count = 0

        def step() -> None:
            nonlocal count
            count += 1
            if count == kill:
                os._exit(KILLED)

        for module, name in STEPS:
            real = getattr(module, name)

            def wrapped(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
                step()
                if slow and _name == "fsync":
                    time.sleep(slow)
                result = _real(*args, **kwargs)
                step()
                return result

            setattr(module, name, wrapped)
        from letterkit.cli import main

        try:
            main(["draft", "save", str(letter), "--author", "therapist", "--name", "Helen Marsh"])
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
        else:
            code = 0
        if kill is None:
            print(f"steps: {count}", flush=True)
        sys.stdout.flush()
        os._exit(code)
    except BaseException:  # pragma: no cover - the child must never return into the parent's code
        os._exit(99)


def wait(pid: int) -> int:
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def count_steps(root: Path, base: Path) -> int:
    run = root / "count"
    shutil.copytree(base, run)
    letter = run / "peter.yaml"
    letter.write_bytes(content(base, "A"))
    assert wait(run_save(letter)) == 0, (run / "peter.yaml.out").read_text()
    line = (run / "peter.yaml.out").read_text().split("steps: ")[-1]
    shutil.rmtree(run)
    return int(line.split()[0])


def leftovers(folder: Path, names_before: set[str]) -> list[str]:
    """Files the killed save left that a complete save would not have."""
    extra = set(os.listdir(folder)) - names_before
    if {"0003.yaml", "0003.json"} <= extra:  # the draft itself was saved
        extra -= {"0003.yaml", "0003.json"}
    return sorted(extra)


def check_run(run: Path, base: Path, how: dict[str, Any], second_kill: int | None = None) -> dict[str, Any]:
    """After a killed save: verify, save again, and check that nothing was lost."""
    import letterkit.drafts.store as store

    letter = run / "peter.yaml"
    folder = store.history_dir(letter)
    before = set(os.listdir(store.history_dir(base / "peter.yaml")))
    result: dict[str, Any] = dict(how)
    left = leftovers(folder, before)
    result["left"] = left
    checked = store.check_history(letter)
    errors = []
    if checked.problems:
        errors.append(f"verify after the kill found damage: {checked.problems}")
    for name in left:
        if not any(name in notice for notice in checked.notices):
            errors.append(f"verify after the kill did not mention {name}: {checked.notices}")
    letter.write_bytes(content(base, "B"))
    if second_kill is not None:
        code = wait(run_save(letter, second_kill))
        result["second"] = code
        again = store.check_history(letter)
        if again.problems:
            errors.append(f"verify after the second kill found damage: {again.problems}")
    code = wait(run_save(letter))
    output = (run / "peter.yaml.out").read_text(encoding="utf-8", errors="replace")
    if code != 0:
        errors.append(f"the next save failed ({code}): {output[-500:]}")
    final = store.check_history(letter)
    if final.problems:
        errors.append(f"verify after the next save found damage: {final.problems}")
    for name in ("0001.yaml", "0001.json", "0002.yaml", "0002.json"):
        old = (store.history_dir(base / "peter.yaml") / name).read_bytes()
        if (folder / name).read_bytes() != old:
            errors.append(f"{name} changed")
    history = store.drafts(letter)
    numbers = [d.number for d in history]
    if numbers != list(range(1, len(numbers) + 1)):
        errors.append(f"drafts out of order: {numbers}")
    texts = [store.draft_content(letter, d) for d in history]
    a, b = content(base, "A"), content(base, "B")

    def same(saved: bytes, wanted: bytes) -> bool:  # a final letter is saved reopened as draft
        return saved == wanted or saved == wanted.replace(b"status: final", b"status: draft")

    if not same(texts[-1], b):
        errors.append("the next save did not save the letter")
    names = os.listdir(folder)
    if any(n.endswith(".tmp") or ".pending." in n for n in names):
        errors.append(f"temporary files remain: {names}")
    aside = [n for n in names if ".interrupted-" in n]
    for name in aside:
        if name.endswith(".yaml") or ".yaml." in name:
            if not same((folder / name).read_bytes(), a):
                errors.append(f"{name} does not hold the killed save's letter")
        if not any(name in notice for notice in final.notices):
            errors.append(f"verify does not report {name}")
    if len(history) == 4 and same(texts[2], a):
        completed = "was completed" in output or "is now complete" in output
        outcome = "completed by the next save" if completed else "saved before the kill"
    elif len(history) == 3 and aside:
        outcome = "set aside"
    elif len(history) == 3:
        outcome = "nothing written"
    else:
        outcome = "unexpected"
        errors.append(f"unexpected history: {len(history)} drafts")
    result["outcome"] = outcome
    result["errors"] = errors
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    parser.add_argument("--random", type=int, default=40, help="random-time kills (SIGKILL)")
    parser.add_argument("--slow", type=float, default=0.01, help="seconds each fsync takes in random runs")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument(
        "--double-stride", type=int, default=0, help="also kill the next save at every Nth step (0: never)"
    )
    parser.add_argument(
        "--double-first-stride", type=int, default=1, help="... after every Mth first kill point only"
    )
    args = parser.parse_args()
    os.environ.pop("LETTERKIT_CONFIG_DIR", None)
    preload()
    root: Path = args.root
    root.mkdir(parents=True, exist_ok=True)
    runs: list[dict[str, Any]] = []
    n = 0
    for final in (False, True):
        base = baseline(root, final)
        steps = count_steps(root, base)
        for kill in range(1, steps + 1):
            n += 1
            run = root / f"run{n}"
            shutil.copytree(base, run)
            letter = run / "peter.yaml"
            letter.write_bytes(content(base, "A"))
            code = wait(run_save(letter, kill))
            how = {"kind": "step", "final": final, "kill": kill, "of": steps, "killed": code == KILLED}
            runs.append(check_run(run, base, how))
            if args.double_stride and code == KILLED and (kill - 1) % args.double_first_stride == 0:
                for second in range(1, 2 * steps + 1, args.double_stride):
                    n += 1
                    again = root / f"run{n}"
                    shutil.copytree(base, again)
                    (again / "peter.yaml").write_bytes(content(base, "A"))
                    wait(run_save(again / "peter.yaml", kill))
                    how = {"kind": "double", "final": final, "kill": kill, "then": second, "killed": True}
                    runs.append(check_run(again, base, how, second_kill=second))
                    shutil.rmtree(again)
            shutil.rmtree(run)
    base = root / "base"
    rng = random.Random(args.seed)
    run = root / "timing"
    shutil.copytree(base, run)
    (run / "peter.yaml").write_bytes(content(base, "A"))
    started = time.monotonic()
    wait(run_save(run / "peter.yaml", slow=args.slow))
    duration = time.monotonic() - started
    shutil.rmtree(run)
    for _ in range(args.random):
        n += 1
        run = root / f"run{n}"
        shutil.copytree(base, run)
        letter = run / "peter.yaml"
        letter.write_bytes(content(base, "A"))
        delay = rng.uniform(0, duration * 1.1)
        pid = run_save(letter, slow=args.slow)
        time.sleep(delay)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        code = wait(pid)
        how = {"kind": "random", "final": False, "delay": round(delay, 4), "killed": code == -signal.SIGKILL}
        runs.append(check_run(run, base, how))
        shutil.rmtree(run)
    summary = {
        "runs": len(runs),
        "killed": sum(1 for r in runs if r["killed"]),
        "second_save_killed_too": sum(1 for r in runs if r.get("second") == KILLED),
        "outcomes": dict(Counter(f"{r['kind']}: {r['outcome']}" for r in runs)),
        "failures": sum(1 for r in runs if r["errors"]),
        "save_seconds_with_slow_fsync": round(duration, 3),
    }
    print(json.dumps({"summary": summary, "runs": runs}))


if __name__ == "__main__":
    main()
