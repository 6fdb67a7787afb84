"""The README keeps its promises: two commands first, a Binder badge per notebook, CI calls `make test`."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_readme_starts_with_the_two_commands():
    first_block = README.split("```bash", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in first_block.strip().splitlines()] == ["make lab", "make test"]


def test_every_student_notebook_has_a_binder_badge():
    for notebook in sorted((ROOT / "course").glob("*.ipynb")):
        assert f"?urlpath=lab/tree/course/{notebook.name})" in README, notebook.name


def test_ci_installs_then_calls_make_test():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "chromium" in ci and ci.rstrip().endswith("make test")


def test_makefile_has_the_documented_targets():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("lab", "test", "release", "grade", "feedback", "export", "masters", "bench"):
        assert f"\n{target}:" in makefile, target


def test_the_readme_states_each_notebooks_time_and_the_total():
    """The notebooks table gives the time each notebook states, and the course total is their sum."""
    import re

    from billcode.instructor.author.estimate import stated_minutes

    total = 0
    for notebook in sorted((ROOT / "course").glob("*.ipynb")):
        low, high = stated_minutes(notebook)
        row = next(line for line in README.splitlines() if f"[`course/{notebook.name}`]" in line)
        assert f"| {low} min |" in row, (notebook.name, f"states about {low} minutes")
        total += low
    hours, minutes = divmod(total, 60)
    said = re.search(r"whole course takes a newcomer about (\d+) hours?(?: (?:and )?(\d+) minutes)?", README)
    assert said and (int(said.group(1)), int(said.group(2) or 0)) == (hours, minutes), \
        f"the total is {hours} h {minutes} min"
    assert minutes or not said.group(2), "a whole number of hours is said without '0 minutes'"
