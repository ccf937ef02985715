"""The exercise convention, as code: find exercises in a notebook and mark them for nbgrader.

An exercise is two code cells:

* an *answer* cell whose solution sits between a ``# BEGIN SOLUTION`` line and a
  ``# END SOLUTION`` line (the form nbgrader and otter-grader both recognise), and
* the *check* cell right after it, which calls a function of :mod:`course_lib.checks`.

:func:`mark_exercises` writes the nbgrader metadata (schema 3) on both cells, with grade ids
``"<notebook number>-exN-answer"`` / ``"...-check"``, so an instructor can also use nbgrader.
``tools/execute_notebooks.py`` applies it; ``tests/test_notebooks.py`` checks it is in place.
"""

import ast
import copy
import os
import re
from collections.abc import Mapping
from pathlib import Path

from course_lib import validation
from course_lib.notebook_files import cell_source, course_notebooks, is_speaker_notes
from course_lib.validation import existing_path, is_int, text

BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"
_CHECK_CALL = re.compile(r"\bchecks\.\w+\(")


def _notebook(notebook):
    """Refuse a notebook that is not a dict with a list of cells (as nbformat.read returns it)."""
    if not isinstance(notebook, Mapping) or not isinstance(notebook.get("cells"), list):
        raise TypeError(
            f"notebook must be a notebook dict with a 'cells' list (nbformat.read(path, as_version=4)); "
            f"received notebook={notebook!r:.80}."
        )
    return notebook


def _lines(cell):
    return [line.strip() for line in cell_source(cell).splitlines()]


def is_answer_cell(cell):
    """Return ``True`` for a code cell that holds a ``# BEGIN SOLUTION`` line."""
    return BEGIN in _lines(cell) and cell.get("cell_type") == "code"  # _lines refuses a non-cell


def find_exercises(notebook):
    """Return ``[(answer_index, check_index), ...]`` for every exercise in a notebook dict.

    Raises ``ValueError`` naming the cell when the convention is broken: markers unbalanced, or
    no check cell calling ``checks.<function>(...)`` right after the answer cell.

    Example:
        >>> nb = {"cells": [
        ...     {"cell_type": "code", "source": "# BEGIN SOLUTION\\nx = 1\\n# END SOLUTION"},
        ...     {"cell_type": "code", "source": "checks.one(x)"}]}
        >>> find_exercises(nb)
        [(0, 1)]
    """
    cells = _notebook(notebook)["cells"]
    found = []
    for index, cell in enumerate(cells):
        if not is_answer_cell(cell):
            continue
        lines = _lines(cell)
        if lines.count(BEGIN) != lines.count(END) or lines.index(BEGIN) > lines.index(END):
            raise ValueError(f"cell {index}: '{BEGIN}' and '{END}' lines do not pair up.")
        following = cells[index + 1] if index + 1 < len(cells) else None
        if (
            following is None
            or following.get("cell_type") != "code"
            or not _CHECK_CALL.search(cell_source(following))
        ):
            raise ValueError(
                f"cell {index} is an exercise, but the next cell does not call checks.<function>(...)."
            )
        found.append((index, index + 1))
    return found


def mark_exercises(notebook, prefix, points=1):
    """Write nbgrader metadata on every answer and check cell; return the number of exercises.

    ``prefix`` starts every grade id, e.g. ``"02"`` gives ``"02-ex1-answer"``, ``"02-ex1-check"``.
    Other cells lose any stale nbgrader metadata.
    """
    text(prefix, "prefix"), validation.number(points, "points", above=0)
    exercises = find_exercises(notebook)
    for cell in notebook["cells"]:
        cell.setdefault("metadata", {}).pop("nbgrader", None)
    for number, (answer, check) in enumerate(exercises, start=1):
        notebook["cells"][answer]["metadata"]["nbgrader"] = {
            "schema_version": 3,
            "solution": True,
            "grade": False,
            "locked": False,
            "grade_id": f"{prefix}-ex{number}-answer",
        }
        notebook["cells"][check]["metadata"]["nbgrader"] = {
            "schema_version": 3,
            "solution": False,
            "grade": True,
            "locked": True,
            "points": points,
            "grade_id": f"{prefix}-ex{number}-check",
        }
    return len(exercises)


PLACEHOLDER = ("# YOUR CODE HERE", "raise NotImplementedError")
#: The first line of a value exercise's placeholder; each answer's name is then set to ``...``.
VALUE_PLACEHOLDER = "# YOUR CODE HERE: replace each ... with your answer"


def _answer_names(region):
    """The names a top-level solution ``region`` assigns (``x = ...``), in order; [] if it
    does not parse or assigns none."""
    try:
        statements = ast.parse("\n".join(region)).body
    except SyntaxError:
        return []
    names = []
    for statement in statements:
        targets = statement.targets if isinstance(statement, ast.Assign) else [getattr(statement, "target", None)]
        for target in targets:
            if isinstance(target, ast.Name) and target.id not in names:
                names.append(target.id)
    return names


def placeholder(region, indent=""):
    """Return the placeholder lines that stand for a solution ``region`` (its lines).

    Inside a function (``indent``) the placeholder raises ``NotImplementedError`` when called,
    as nbgrader's does. At the top level of a cell, a region that assigns answers sets each
    to ``...`` instead: the cell then runs, the check cell after it can name the answer and say
    "not attempted yet", and Run All goes on to the rest of the lesson.

    Example:
        >>> placeholder(["x = 2", "y = x + 1"])
        ['# YOUR CODE HERE: replace each ... with your answer', 'x = ...', 'y = ...']
        >>> placeholder(["return 2 * x"], indent="    ")
        ['    # YOUR CODE HERE', '    raise NotImplementedError']
    """
    if isinstance(region, str) or not isinstance(region, (list, tuple)) or not all(isinstance(line, str) for line in region):
        raise TypeError(f"region must be the solution's lines, a list of strings (source.splitlines()); received region={region!r:.80}.")
    if not isinstance(indent, str):
        raise TypeError(f"indent must be a string of spaces, such as '    '; received indent={indent!r}.")
    names = [] if indent else _answer_names([line for line in region if line.strip()])
    if names:
        return [VALUE_PLACEHOLDER] + [f"{name} = ..." for name in names]
    return [indent + text for text in PLACEHOLDER]


def strip_solution(source):
    """Return ``source`` with each solution region replaced by its :func:`placeholder`.

    Example:
        >>> print(strip_solution("def f(x):\\n    # BEGIN SOLUTION\\n    return 2 * x\\n    # END SOLUTION"))
        def f(x):
            # YOUR CODE HERE
            raise NotImplementedError
    """
    if not isinstance(source, str):
        raise TypeError(f"source must be a cell's source text (a str); received source={source!r:.80}.")
    kept, region, indent = [], None, ""
    for line in source.splitlines():
        if line.strip() == BEGIN:
            indent, region = line[: len(line) - len(line.lstrip())], []
        elif line.strip() == END:
            kept.extend(placeholder([text[len(indent):] for text in region], indent))
            region = None
        elif region is not None:
            region.append(line)
        else:
            kept.append(line)
    return "\n".join(kept)


def is_untouched(source):
    """True if an answer cell's ``source`` still holds a placeholder of :func:`placeholder`.

    Example:
        >>> is_untouched("# YOUR CODE HERE: replace each ... with your answer\\nx = ..."), is_untouched("x = 3")
        (True, False)
    """
    if not isinstance(source, str):
        raise TypeError(f"source must be an answer cell's source text (a str); received source={source!r:.80}.")
    lines = [line.strip() for line in source.splitlines()]
    return PLACEHOLDER[1] in lines or any(re.fullmatch(r"\w+ = \.\.\.", line) for line in lines)


class _Names(ast.NodeVisitor):
    """The global names one cell binds, changes and reads.

    ``bound``: names the cell's top level assigns, defines or imports. ``changed``: names whose
    object the cell changes in place (``x[0] = 1``, ``model.trainable = False``,
    ``model.fit(...)``). ``read``: names the cell reads from the notebook's namespace, anywhere in
    it, function bodies included (a function reads its globals when it is called), but not a
    function's own arguments and locals.
    """

    def __init__(self):
        self.bound, self.changed, self.read = set(), set(), set()
        self._locals = []  # one set per enclosing function, lambda or comprehension

    def _bind(self, name):
        (self._locals[-1] if self._locals else self.bound).add(name)

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load):
            if not any(node.id in scope for scope in self._locals):
                self.read.add(node.id)
        else:
            self._bind(node.id)

    def _base_name(self, node):
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        return node.id if isinstance(node, ast.Name) else None

    def _changes(self, target):
        name = self._base_name(target) if isinstance(target, (ast.Attribute, ast.Subscript)) else None
        if name and not self._locals:
            self.changed.add(name)

    def visit_Assign(self, node):
        for target in node.targets:
            self._changes(target)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self._changes(node.target)
        self.generic_visit(node)

    def visit_Call(self, node):
        if isinstance(node.func, ast.Attribute) and not self._locals:
            name = self._base_name(node.func.value)
            if name:
                self.changed.add(name)  # a method may change its object (a module's does not:
                # answer_readers leaves out the notebook's imported names)
        self.generic_visit(node)

    def visit_Import(self, node):
        for alias in node.names:
            name = alias.asname or alias.name.split(".")[0]
            self._bind(name)

    visit_ImportFrom = visit_Import

    def _scope(self, node, arguments, body):
        if not self._locals and hasattr(node, "name"):
            self.bound.add(node.name)
        for decorator in getattr(node, "decorator_list", []):
            self.visit(decorator)
        for default in arguments.defaults + [d for d in arguments.kw_defaults if d is not None]:
            self.visit(default)
        names = {a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs}
        names |= {a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None}
        for inner in ast.walk(ast.Module(body=body if isinstance(body, list) else [ast.Expr(body)], type_ignores=[])):
            if isinstance(inner, ast.Name) and not isinstance(inner.ctx, ast.Load):
                names.add(inner.id)
        self._locals.append(names)
        for statement in body if isinstance(body, list) else [body]:
            self.visit(statement)
        self._locals.pop()

    def visit_FunctionDef(self, node):
        self._scope(node, node.args, node.body)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        self._scope(node, node.args, node.body)

    def visit_ClassDef(self, node):
        self._bind(node.name)
        for item in node.bases + node.keywords + node.decorator_list:
            self.visit(item)
        self._locals.append(set())
        for statement in node.body:
            self.visit(statement)
        self._locals.pop()

    def _comprehension(self, node):
        self._locals.append({n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)})
        self.generic_visit(node)
        self._locals.pop()

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension


def cell_names(source):
    """Return ``(bound, changed, read)``: the global names a cell's ``source`` binds, changes in
    place and reads (see :class:`_Names`); IPython's ``%`` and ``!`` lines are skipped.

    Example:
        >>> bound, changed, read = cell_names("def f(x):\\n    return x + scale\\nmodel.fit(data)")
        >>> sorted(bound), sorted(changed), sorted(read)
        (['f'], ['model'], ['data', 'model', 'scale'])
    """
    if not isinstance(source, str):
        raise TypeError(f"source must be a cell's source text (a str); received source={source!r:.80}.")
    bound, changed, read = set(), set(), set()
    for names in _statement_names(source):
        bound |= names[0]
        changed |= names[1]
        read |= names[2]
    return bound, changed, read


def _without_magics(source):
    """A cell's ``source`` with IPython's ``%`` and ``!`` lines blanked, so that ast can read it."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def _statement_names(source):
    """``(bound, changed, read)`` for each top-level statement of a cell's ``source``, in order."""
    found = []
    for statement in ast.parse(_without_magics(source)).body:
        visitor = _Names()
        visitor.visit(statement)
        found.append((visitor.bound, visitor.changed, visitor.read))
    return found


def answer_readers(notebook):
    """Return ``[(cell index, sorted names), ...]``: the lesson cells (neither answer nor check)
    that read a name an earlier answer cell binds or changes, with no lesson cell binding it again
    in between. In the learners' edition those names hold a placeholder, so such a cell would fail
    there or give another result: the exercise would be given away, or the lesson broken.

    Example:
        >>> nb = {"cells": [
        ...     {"cell_type": "code", "source": "# BEGIN SOLUTION\\nk = 2\\n# END SOLUTION"},
        ...     {"cell_type": "code", "source": "checks.check_k(k)"},
        ...     {"cell_type": "code", "source": "print(k * 3)"},
        ...     {"cell_type": "code", "source": "k = 5\\nprint(k)"}]}
        >>> answer_readers(nb)
        [(2, ['k'])]
    """
    cells = _notebook(notebook)["cells"]
    exercise_cells = find_exercises(notebook)
    answers = {answer for answer, _ in exercise_cells}
    checks = {check for _, check in exercise_cells}
    code = [(index, cell_source(cell)) for index, cell in enumerate(cells) if cell.get("cell_type") == "code"]
    modules = {  # a module's method (np.zeros) does not change the module
        alias.asname or alias.name.split(".")[0]
        for _, source in code
        for node in ast.walk(ast.parse(_without_magics(source)))
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    from_answers, readers = set(), []
    for index, source in code:
        if index in checks:
            continue
        cell = cells[index]
        if index in answers:
            bound, changed, _ = cell_names(cell_source(cell))
            from_answers |= bound | (changed - modules)
            continue
        reading = set()
        for bound, _, read in _statement_names(cell_source(cell)):  # a statement may bind a name anew
            reading |= read & from_answers
            from_answers -= bound
        if reading:
            readers.append((index, sorted(reading)))
    return readers


def cells_the_checks_need(notebook):
    """Return the sorted indices of the code cells a run needs to reach every check: the first
    cell (the set-up), every answer and check cell, and the cells they need (:func:`cells_needed`).

    Example:
        >>> nb = {"cells": [
        ...     {"cell_type": "code", "source": "import numpy as np"},
        ...     {"cell_type": "code", "source": "size = 3"},
        ...     {"cell_type": "code", "source": "train_for_minutes()"},
        ...     {"cell_type": "code", "source": "# BEGIN SOLUTION\\nx = np.ones(size)\\n# END SOLUTION"},
        ...     {"cell_type": "code", "source": "checks.check_x(x)"}]}
        >>> cells_the_checks_need(nb)
        [0, 1, 3, 4]
    """
    return cells_needed(notebook, [index for pair in find_exercises(notebook) for index in pair])


def cells_needed(notebook, targets):
    """Return the sorted indices of the code cells a run needs to reach the cells ``targets``: the
    first cell (the set-up), the targets, and, again and again, the cell that last bound a name one
    of those reads before it. (Read from the code: a name bound by ``exec`` or a magic is not seen.)

    Example:
        >>> nb = {"cells": [
        ...     {"cell_type": "code", "source": "import numpy as np"},
        ...     {"cell_type": "code", "source": "size = 3"},
        ...     {"cell_type": "code", "source": "train_for_minutes()"},
        ...     {"cell_type": "code", "source": "print(np.ones(size))"}]}
        >>> cells_needed(nb, [3])
        [0, 1, 3]
    """
    cells = _notebook(notebook)["cells"]
    code = [index for index, cell in enumerate(cells) if cell.get("cell_type") == "code"]
    if not isinstance(targets, (list, tuple, range, set)) or not all(is_int(t) for t in targets):
        raise TypeError(f"targets must be a list of cell indices; received {targets!r:.80}.")
    stray = [t for t in targets if t not in code]
    if stray:
        raise ValueError(f"targets must be indices of code cells (0 to {len(cells) - 1}); received {stray}.")
    names = {index: cell_names(cell_source(cells[index])) for index in code}
    needed = set(code[:1]) | set(targets)
    todo = sorted(needed)
    while todo:
        index = todo.pop()
        for name in names[index][2]:
            binder = next((earlier for earlier in reversed(code) if earlier < index and name in names[earlier][0]), None)
            if binder is not None and binder not in needed:
                needed.add(binder)
                todo.append(binder)
    return sorted(needed)


#: The cell tag with which JupyterLab's Run All goes on past a cell's error (nbclient honours it
#: too): the learners' edition puts it on every check cell, whose error says what is missing.
RAISES_EXCEPTION = "raises-exception"


def learners_edition(notebook):
    """Return a copy of an instructor's notebook dict for learners.

    Solution regions become their :func:`placeholder`; every code cell loses its outputs, as in
    nbgrader's release (a stored output further down could give an exercise's answer away before
    the learner has tried: 04's section 7 prints the layer of its quiz), and each check cell is tagged
    :data:`RAISES_EXCEPTION`, so that Run All runs the whole lesson and every unsolved exercise
    says so in red under its check, without halting the run. Speaker-notes cells
    (:func:`course_lib.notebook_files.is_speaker_notes`, the rule the slides use) are dropped,
    since they are for the instructor; every other cell, and all nbgrader metadata, stay
    exactly as they are.
    """
    edition = copy.deepcopy(_notebook(notebook))
    for cell in edition["cells"]:
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    for answer, check in find_exercises(edition):
        cell = edition["cells"][answer]
        cell["source"] = strip_solution(cell_source(cell))
        metadata = edition["cells"][check].setdefault("metadata", {})
        metadata["tags"] = [*metadata.get("tags", []), RAISES_EXCEPTION]
    edition["cells"] = [cell for cell in edition["cells"] if not is_speaker_notes(cell)]
    return edition


def write_learners_edition(source_folder, target_folder):
    """Write the learners' edition of every numbered notebook in ``source_folder``; return the paths.

    The output depends only on the input: running it twice gives byte-identical files.
    """
    import nbformat

    existing_path(source_folder, "source_folder", kind="folder")
    if not isinstance(target_folder, (str, os.PathLike)):
        raise TypeError(f"target_folder must be a path (a str or a pathlib.Path); received target_folder={target_folder!r}.")
    target = Path(target_folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in course_notebooks(source_folder):
        edition = learners_edition(nbformat.read(path, as_version=4))
        (target / path.name).write_text(nbformat.writes(edition) + "\n", encoding="utf-8")
        written.append(target / path.name)
    return written


if __name__ == "__main__":  # python -m course_lib.exercises notebooks exercises
    import sys

    if len(sys.argv) != 3:
        sys.exit("usage: python -m course_lib.exercises INSTRUCTOR_FOLDER LEARNERS_FOLDER")
    for path in write_learners_edition(sys.argv[1], sys.argv[2]):
        print(f"wrote {path}")
