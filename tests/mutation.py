"""`make mutation`: mutmut over the services and selectors, then a score per module.

What is mutated, and with which tests, is `[tool.mutmut]` in pyproject.toml. Two things are
done here rather than there:

- mutmut leaves every decorated function alone, since a decorator may do anything when the
  module loads. Ours is `@transaction.atomic` on nearly every service, which only wraps the
  call, so those functions are mutated too (the decorator itself never is).
- After the run, a table of killed / total per module and the list of surviving mutants;
  `.venv/bin/mutmut show <name>` (from the project root) prints one as a diff.

Arguments go to `mutmut run` (the Makefile passes `--max-children` and MUTANTS): mutant
names or globs retest only those, keeping the other results in mutants/. mutmut never
retests a mutant it has a result for unless named, so a run after new tests starts afresh
(`make mutation` does) or names the survivors.
"""

import ast
import re
import sys
from collections import Counter
from pathlib import Path

import libcst as cst
from libcst.metadata import PositionProvider
from mutmut.mutation.file_mutation import MutationVisitor

# The only decorator that does not keep a function from being mutated.
ATOMIC = cst.Attribute(value=cst.Name("transaction"), attr=cst.Name("atomic"))


def _only_atomic(node: cst.CSTNode) -> bool:
    return (
        isinstance(node, cst.FunctionDef)
        and bool(node.decorators)
        and all(d.decorator.deep_equals(ATOMIC) for d in node.decorators)
    )


def mutate_atomic_functions() -> None:
    skip = MutationVisitor._skip_node_and_children

    def skip_unless_atomic(self, node):
        if not _only_atomic(node):
            return skip(self, node)
        # What mutmut checks of an undecorated function: a `# pragma: no mutate` on it.
        position = self.get_metadata(PositionProvider, node, None)
        if position and position.start.line in self._ignored_node_lines:
            self.ignored_functions.add(node.name.value)
            return True
        return False

    MutationVisitor._skip_node_and_children = skip_unless_atomic


def report() -> None:
    """Killed / total per module, then each mutant not killed, at its line of the source."""
    from mutmut.configuration import config
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.stats import status_by_exit_code

    rows, missed = [], []
    for path in config().only_mutate:
        data = SourceFileMutationData(path=path)
        data.load()
        status = {name: status_by_exit_code[code] for name, code in data.exit_code_by_key.items()}
        counts = Counter(status.values())
        rows.append((path, counts["killed"], counts["survived"], len(status)))
        missed += [(path, name, found) for name, found in status.items() if found != "killed"]
    rows.append(("all", *(sum(row[n] for row in rows) for n in (1, 2, 3))))
    print(f"\n{'module':<34} {'killed':>7} {'survived':>9} {'total':>6} {'score':>7}")
    for path, killed, survived, total in rows:
        score = f"{100 * killed / total:.1f}%" if total else "-"
        print(f"{path:<34} {killed:>7} {survived:>9} {total:>6} {score:>7}")
    print(f"\nNot killed ({len(missed)}):")
    for path, name, found in missed:
        line, change = where(path, name)
        print(f"  {path}:{line}  {found:<9} {name.rpartition('.')[2]}  {change}")


def where(path: str, name: str) -> tuple[int | str, str]:
    """The line of the source a mutant changes, and the change (`old -> new`)."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    diff = get_diff_for_mutant(name, path=path).splitlines()
    removed = [line[1:].strip() for line in diff[2:] if line.startswith("-")]
    added = [line[1:].strip() for line in diff[2:] if line.startswith("+")]
    change = f"{' '.join(removed)}  ->  {' '.join(added) or '(removed)'}"
    source = Path(path).read_text().splitlines()
    function = name.rpartition(".")[2].partition("__mutmut_")[0].rpartition("ǁ")[2]
    function = function.removeprefix("x_")
    hunk = re.search(r"^@@ -(\d+)", "\n".join(diff), re.MULTILINE)
    for node in ast.walk(ast.parse("\n".join(source))):
        if isinstance(node, ast.FunctionDef) and node.name == function and removed:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            guess = first + int(hunk.group(1)) - 1 if hunk else first
            matches = [
                n for n in range(first, node.end_lineno + 1) if source[n - 1].strip() == removed[0]
            ]
            if matches:
                return min(matches, key=lambda n: abs(n - guess)), change
    return "?", change


def main(args: list[str]) -> int:
    mutate_atomic_functions()
    from mutmut.__main__ import run

    # This module was imported as part of the project's `tests` package; the tests that
    # mutmut runs must be imported from its copy in mutants/, not from here.
    for name in [name for name in sys.modules if name == "tests" or name.startswith("tests.")]:
        del sys.modules[name]
    run.main(args, prog_name="mutmut run", standalone_mode=False)
    report()
    return 0


if __name__ == "__main__":
    if not Path("pyproject.toml").exists():
        sys.exit("Run from the project root: make mutation")
    sys.exit(main(sys.argv[1:]))
