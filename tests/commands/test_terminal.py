"""Everything echoed to a terminal is shown with its control characters escaped (builder/terminal.py)."""

from __future__ import annotations

import logging

from charterpress import __main__ as cli
from charterpress.errors import BuildError, Problem
from charterpress.terminal import line, plain

HOSTILE = "a\x00b\x07c\x1b[31md\x9be\u202ef\r"


def test_plain_escapes_every_control_character_and_keeps_the_text():
    assert plain(HOSTILE) == "a\\x00b\\x07c\\x1b[31md\\x9be\\u202ef\\x0d"
    assert plain("Sådan bruger I kortene – 5/33\tok\n") == "Sådan bruger I kortene – 5/33\tok\n"
    assert line("two\nlines") == "two\\nlines"


def _raises(error):
    def command(args):
        raise error

    return command


def test_every_message_path_of_the_command_line_escapes(monkeypatch, capsys):
    for error in (
        BuildError(Problem(f"sources/x{HOSTILE}.yaml", 3, 1, "meta.title", f"bad {HOSTILE}")),
        OSError(13, f"denied {HOSTILE}", f"/tmp/{HOSTILE}"),
        RuntimeError(f"bug {HOSTILE}"),
    ):
        monkeypatch.setattr(cli, "cmd_check", _raises(error))
        assert cli.main(["check"]) in (1, 3)
        err = capsys.readouterr().err
        assert len(err.splitlines()) == 1
        for char in "\x00\x07\x1b\x9b\u202e\r":
            assert char not in err
        assert "\\x1b[31m" in err


def test_warnings_are_escaped_too(monkeypatch, capsys):
    def command(args):
        logging.getLogger("charterpress").warning("note: %s", HOSTILE)
        return 0

    monkeypatch.setattr(cli, "cmd_check", command)
    assert cli.main(["check"]) == 0
    err = capsys.readouterr().err
    assert "\x1b" not in err and "note: a\\x00b\\x07c\\x1b[31m" in err
