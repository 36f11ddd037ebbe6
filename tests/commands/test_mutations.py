"""Mutated sources: each one either passes (and builds) or fails with exit 1 and located lines.

Hypothesis mutates valid charters line by line (deletes, duplicates, re-indents, truncates,
drops in YAML's special characters, control characters, bytes that are not UTF-8, and the
scalars YAML 1.1 and 1.2 read differently). For every mutant that YAML can read, the tool and
the JSON Schema must agree (``test_schema_parity.NOT_IN_JSON_SCHEMA`` lists the exceptions).

Examples: CHARTERPRESS_MUTATIONS (default 150; `make fuzz` 3000) for the check,
CHARTERPRESS_MUTANT_BUILDS (default 3; `make fuzz` 40) for full builds of mutants that pass.
"""

from __future__ import annotations

import os
import re

from charterpress.__main__ import main
from charterpress.source.load import RawSource, parse
from charterpress.source.schema import validate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import DATA, schema_validator

FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"  # `make fuzz`
CHECKS = int(os.environ.get("CHARTERPRESS_MUTATIONS", "3000" if FUZZ else "150"))
BUILDS = int(os.environ.get("CHARTERPRESS_MUTANT_BUILDS", "40" if FUZZ else "3"))

BASES = [
    (DATA / "bad" / "type-year-quoted.yaml").read_text(encoding="utf-8").replace('"2026"', "2026"),
    (DATA / "cards-english.yaml").read_text(encoding="utf-8"),
]
SPECIAL = [":", ": ", " #", "#", "- ", "-", "\t", "'", '"', "{", "}", "[", "]", "&a ", "*a",
           "!!", "!x ", "%", "@", "`", "|", ">", "? ", ",", "\\", "\x07", "\x00", "\x1b",
           "\x7f", "\u0085", "\u2028", "\ufeff", "\U0001f600", "{{ 7*7 }}", "<b>", "</style>",
           "&amp;", "---", "...", "\n", "  "]  # fmt: skip
SCALARS = ["yes", "no", "on", "off", "Y", "true", "~", "null", "", "0x1F", "0o17", "1e3",
           ".inf", ".nan", "2026", '"2026"', "-1", "[]", "{}", "[a, b]", "{a: 1}",
           "2026-01-01", "12:30", "|", ">-", '"\\ud800"', '"\\a"', "x" * 2001]  # fmt: skip


@st.composite
def mutants(draw) -> bytes:
    text = draw(st.sampled_from(BASES))
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "indent", "insert", "value", "swap"]))
        line = lines[i]
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, line)
        elif kind == "indent":
            shift = draw(st.sampled_from([-4, -2, -1, 1, 2, 4]))
            lines[i] = " " * shift + line if shift > 0 else line[-shift:]
        elif kind == "insert":
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(st.sampled_from(SPECIAL)) + line[at:]
        elif kind == "value" and ":" in line:
            key = line.split(":")[0]
            lines[i] = f"{key}: {draw(st.sampled_from(SCALARS))}"
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        if not lines:
            lines = [""]
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.booleans()) and draw(st.booleans()):
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.sampled_from([b"", b"\xff", b"\xc3", b"\xe6", b"\x00"]))
    return data


LOCATED = re.compile(r"^mutant\.yaml:\d+(:\d+)?: ")  # the proof gives a line, no column


def _agree(data: bytes) -> None:
    """The tool and the JSON Schema give the same verdict on what YAML can read."""
    loaded, _ = parse(RawSource("mutant.yaml", "mutant", data))
    if loaded is None:
        return
    charter, problems = validate(loaded, "mutant.yaml")
    schema_ok = schema_validator().is_valid(loaded.data)
    only_tool = all(
        any(
            rule in p.message for rule in ("duplicate id", "too many commitments", "in one section")
        )
        for p in problems
    )
    if problems and only_tool:
        return
    assert (charter is not None) == schema_ok, (
        [str(p) for p in problems],
        [e.message for e in schema_validator().iter_errors(loaded.data)][:3],
    )


@settings(max_examples=CHECKS, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutants())
def test_a_mutant_passes_or_fails_with_located_lines(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("m", numbered=True)
    source = folder / "mutant.yaml"
    source.write_bytes(data)
    os.chdir(folder)
    try:
        import contextlib
        import io

        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["check", "mutant.yaml"])
    finally:
        os.chdir(DATA.parent.parent)
    lines = err.getvalue().splitlines()
    assert code in (0, 1), lines
    if code == 1:
        assert lines and all(LOCATED.match(line) for line in lines), lines
    _agree(data)


@settings(max_examples=BUILDS, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutants())
def test_a_mutant_that_passes_check_builds_or_fails_with_located_lines(tmp_path_factory, data):
    loaded, problems = parse(RawSource("mutant.yaml", "mutant", data))
    if loaded is None or validate(loaded, "mutant.yaml")[0] is None:
        return  # refused by check: the test above covers it
    folder = tmp_path_factory.mktemp("b", numbered=True)
    (folder / "mutant.yaml").write_bytes(data)
    import contextlib
    import io

    err = io.StringIO()
    old = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            # No previews: the property is the build's verdict and its PDFs (the PNG previews
            # are made from those PDFs and tested in test_preview.py).
            code = main(["build", "-q", "-j", "1", "--no-preview", "mutant.yaml"])
    finally:
        os.chdir(old)
    lines = [line for line in err.getvalue().splitlines() if line.startswith("mutant.yaml")]
    assert code in (0, 1), err.getvalue()
    if code == 1:
        assert lines and all(re.match(r"^mutant\.yaml:\d+", line) for line in lines), err.getvalue()
    else:
        assert sorted(p.name for p in (folder / "dist" / "mutant").iterdir())
