"""What ``studio batch`` shows while it runs: the runner reports, the CLI prints (issue 19)."""

from __future__ import annotations

from studio.cli import main


def test_each_image_is_one_committed_line_on_stdout(tmp_path, capsys, one_thread) -> None:
    out = tmp_path / "set"
    assert main(["batch", "{red|blue} orb", "--seed", "1", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    lines = [line for line in captured.out.splitlines() if line.startswith("committed ")]
    assert len(lines) == 2 and all("(seed " in line and " orb" in line for line in lines)
    assert "2 made, 0 already there" in captured.err


def test_a_damaged_image_set_aside_on_resume_is_one_line_naming_it(
    tmp_path, capsys, one_thread
) -> None:
    out = tmp_path / "set"
    assert main(["batch", "{red|blue} orb", "--seed", "1", "-o", str(out)]) == 0
    first = sorted(out.glob("*.png"))[0]
    first.write_bytes(first.read_bytes()[:100])
    capsys.readouterr()

    assert main(["batch", "{red|blue} orb", "-o", str(out), "--resume"]) == 0

    err = capsys.readouterr().err
    said = [line for line in err.splitlines() if "set aside as" in line]
    assert len(said) == 1
    assert said[0].startswith(f"studio batch: {first.name} is damaged or not this batch's image")
    assert said[0].endswith(", made again") and "1 made, 1 already there" in err
