"""Code as a similarity check reads it: a token sequence without names, literals, comments,
layout or the order of independent statements. Pure functions over text; nothing is executed.

Two students who wrote the same program should give the same tokens however they named their
variables, what numbers and strings they typed, how they commented and spaced it, and in which
order they wrote statements that do not depend on each other; two students who wrote different
programs should not. The normal form of a cell is built from Python's own parser (``ast``):

- **tokens** are the syntax tree in pre-order, one token per node: its kind (``Assign``,
  ``Call``, ``BinOp:Mult``...), attribute and keyword names (``A:reshape``, ``K:axis``: the
  library's vocabulary, which says *how* a student solved the step), and the names the student
  did not choose (``N:np``, ``N:XXX``, builtins) as themselves;
- every name the student bound (variables, functions, parameters, imports as) becomes ``v``:
  one placeholder for all, so that one extra or renamed variable changes only the tokens next to
  it, not the numbering of every name after it;
- every literal (number, string, ``True``, f-string) becomes ``L``; docstrings and comments are
  gone with the parse, and so is the layout;
- in every block, statements with no data dependence between them (by the names each one reads
  and writes, a bare call ``x.f(...)`` counting as a write of ``x``) are put in one canonical
  order: a topological order of the dependence graph that always takes the smallest ready
  statement by its own tokens. Reordering independent statements leaves the graph and the
  tokens unchanged, so it leaves the order unchanged.

Each token remembers the source lines of the statement it came from, so a matching stretch of
tokens can be shown as marked lines of what the student typed. IPython lines (``%magic``,
``!shell``) are blanked first; code that still does not parse gets a lexical normal form
(names, literals and comments by a regular expression), which matches only code that also fails.
"""

from __future__ import annotations

import ast
import heapq
import keyword
import re
from dataclasses import dataclass

NAME, LITERAL = "v", "L"
OPEN, CLOSE = "{", "}"
MAX_REORDERED_BLOCK = 200  # statements; a longer block keeps its order (the dependence check is quadratic)

_IPYTHON_LINE = re.compile(r"^[ \t]*[%!].*$", re.MULTILINE)
_SKIPPED = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


@dataclass(frozen=True)
class Token:
    text: str
    first_line: int  # 1-based lines of the source statement the token came from
    last_line: int


@dataclass(frozen=True)
class ParsedCell:
    source: str
    tree: ast.Module | None  # None: the cell does not parse as Python, even without IPython lines


def parse_cell(source: str) -> ParsedCell:
    """The cell's syntax tree, IPython lines blanked (line numbers kept); never raises."""
    text = _IPYTHON_LINE.sub("", source)
    try:
        return ParsedCell(source, ast.parse(text))
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return ParsedCell(source, None)


def module_bindings(cell: ParsedCell) -> set[str]:
    """Names the cell binds at module level (not inside its functions): what later cells may use."""
    if cell.tree is None:
        return set()
    found, stack = set(), list(cell.tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            found.add(node.id)
        elif isinstance(node, ast.alias):
            found.add((node.asname or node.name).split(".")[0])
        if not isinstance(node, ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))
    return found


_LEXICAL_BINDING = re.compile(r"""^[ \t]*(?:(?P<targets>[A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*)[ \t]*=(?!=)
    | (?:def|class)[ \t]+(?P<defined>[A-Za-z_]\w*)
    | for[ \t]+(?P<loop>[A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*)[ \t]+in\b)""", re.MULTILINE | re.VERBOSE)


def bound_names(cell: ParsedCell) -> set[str]:
    """Names the cell binds: assigned, defined, parameters, loop and ``with`` targets, imports
    (of code that does not parse: what plain assignments, ``def`` and ``for`` lines bind)."""
    if cell.tree is None:
        found = set()
        for match in _LEXICAL_BINDING.finditer(cell.source):
            found.update(re.findall(r"\w+", next(group for group in match.groups() if group)))
        return found - set(keyword.kwlist)
    found = set()
    for node in ast.walk(cell.tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            found.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.arg):
            found.add(node.arg)
        elif isinstance(node, ast.alias):
            found.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            found.add(node.name)
    return found


def normal_form(cell: ParsedCell, renamable: frozenset[str] | set[str]) -> tuple[Token, ...]:
    """The cell's tokens in canonical order; names in ``renamable`` become :data:`NAME`."""
    if cell.tree is None:
        return _lexical_form(cell.source, renamable)
    return tuple(_Emitter(renamable, _constant_expressions(cell.tree)).block(cell.tree.body))


# --- the syntax tree as tokens ---------------------------------------------------------------

def _root_name(node) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _stored(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _effects(statement: ast.stmt) -> tuple[set[str], set[str]]:
    """Names a statement reads and writes. A function body reads its free names only (its
    parameters and assignments are its own); a bare call ``x(...)`` or ``x.f(...)`` may change
    ``x`` (``conv(XXX)`` builds its weights, ``shapes.append(...)`` grows the list)."""
    reads, writes = set(), set()
    stack = [(statement, frozenset())]
    while stack:
        node, local = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name not in local:
            writes.add(node.name)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            local = local | {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)} | _stored(node)
        elif isinstance(node, ast.comprehension):
            local = local | _stored(node.target)
        if isinstance(node, ast.Name) and node.id not in local:
            (reads if isinstance(node.ctx, ast.Load) else writes).add(node.id)
        elif isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.ctx, (ast.Store, ast.Del)):
            root = _root_name(node)
            if root and root not in local:
                writes.add(root)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            root = _root_name(node.value.func)
            if root and root not in local:
                writes.add(root)
        elif isinstance(node, ast.alias):
            writes.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            writes.update(node.names)
        stack.extend((child, local) for child in ast.iter_child_nodes(node))
    return reads, writes


def _depends(earlier: tuple[set, set], later: tuple[set, set]) -> bool:
    (reads_1, writes_1), (reads_2, writes_2) = earlier, later
    return bool(writes_1 & (reads_2 | writes_2) or reads_1 & writes_2)


def _constant_expressions(tree: ast.AST) -> set[int]:
    """Ids of the expressions made of literals alone (``-1.0``, ``1 / 4``, ``(6 * 6) * 50``):
    one literal each. Children come after their parent in ``ast.walk``, so the reversed walk
    sees every operand before the operation."""
    constant = set()
    for node in reversed(list(ast.walk(tree))):
        if (isinstance(node, ast.Constant)
                or isinstance(node, ast.BinOp) and id(node.left) in constant and id(node.right) in constant
                or isinstance(node, ast.UnaryOp) and id(node.operand) in constant):
            constant.add(id(node))
    return constant


class _Emitter:
    def __init__(self, renamable, constant: set[int]):
        self.renamable, self.constant = renamable, constant

    def name(self, identifier: str) -> str:
        return NAME if identifier in self.renamable else f"N:{identifier}"

    def block(self, statements: list[ast.stmt]) -> list[Token]:
        """Tokens of a statement list, independent statements in canonical order."""
        kept = [s for s in statements
                if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]  # docstrings
        forms = [self.statement(s) for s in kept]
        if len(kept) < 2 or len(kept) > MAX_REORDERED_BLOCK:
            return [token for form in forms for token in form]
        effects = [_effects(s) for s in kept]
        before = [[i for i in range(j) if _depends(effects[i], effects[j])] for j in range(len(kept))]
        after = [[] for _ in kept]
        for j, earlier in enumerate(before):
            for i in earlier:
                after[i].append(j)
        waiting = [len(earlier) for earlier in before]
        keys = [tuple(token.text for token in form) for form in forms]
        ready = [(keys[j], j) for j in range(len(kept)) if not waiting[j]]
        heapq.heapify(ready)
        ordered = []
        while ready:
            # Every ready statement with the smallest key goes at once: which of two identical
            # statements came first in the source must not decide what follows them.
            key, i = heapq.heappop(ready)
            batch = [i]
            while ready and ready[0][0] == key:
                batch.append(heapq.heappop(ready)[1])
            for i in batch:
                ordered.extend(forms[i])
            for i in batch:
                for j in after[i]:
                    waiting[j] -= 1
                    if not waiting[j]:
                        heapq.heappush(ready, (keys[j], j))
        return ordered

    def statement(self, statement: ast.stmt) -> list[Token]:
        compound = any(isinstance(getattr(statement, field, None), list) and getattr(statement, field)
                       and isinstance(getattr(statement, field)[0], (ast.stmt, ast.excepthandler, ast.match_case))
                       for field in statement._fields)
        lines = (statement.lineno, statement.lineno if compound else (statement.end_lineno or statement.lineno))
        return self.node(statement, lines)

    def node(self, root: ast.AST, lines: tuple[int, int]) -> list[Token]:
        """Pre-order tokens of ``root``; nested statement lists go through :meth:`block`."""
        tokens, stack = [], [root]
        while stack:
            item = stack.pop()
            if isinstance(item, list):  # a nested block
                tokens.append(Token(OPEN, *lines))
                tokens.extend(self.block(item))
                tokens.append(Token(CLOSE, *lines))
                continue
            text = self.token(item)
            if text is not None:
                tokens.append(Token(text, *lines))
            if isinstance(item, ast.JoinedStr) or id(item) in self.constant:
                continue
            children = []
            for field in item._fields:
                value = getattr(item, field, None)
                if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                    children.append(value)
                elif isinstance(value, list):
                    children.extend(child for child in value if isinstance(child, ast.AST)
                                    and not isinstance(child, _SKIPPED))
                elif isinstance(value, ast.AST) and not isinstance(value, _SKIPPED):
                    children.append(value)
            stack.extend(reversed(children))
        return tokens

    def token(self, node: ast.AST) -> str | None:
        kind = type(node).__name__
        if isinstance(node, ast.JoinedStr) or id(node) in self.constant:
            return LITERAL
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.arg):
            return self.name(node.arg)
        if isinstance(node, ast.Attribute):
            return f"A:{node.attr}"
        if isinstance(node, ast.keyword):
            return f"K:{node.arg or '**'}"
        if isinstance(node, ast.alias):
            return f"I:{node.name}"
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return f"{kind} {self.name(node.name)}"
        if isinstance(node, (ast.BinOp, ast.AugAssign)):
            return f"{kind}:{type(node.op).__name__}"
        if isinstance(node, (ast.UnaryOp, ast.BoolOp)):
            return f"{kind}:{type(node.op).__name__}"
        if isinstance(node, ast.Compare):
            return "Compare:" + ",".join(type(op).__name__ for op in node.ops)
        if isinstance(node, (ast.expr_context, ast.Module)):
            return None
        return kind


# --- code that does not parse ------------------------------------------------------------------

_LEXEME = re.compile(r"""(?P<comment>\#[^\n]*)
    | (?P<string>[rRbBuUfF]{0,2}(?:'''[\s\S]*?(?:'''|\Z)|\"\"\"[\s\S]*?(?:\"\"\"|\Z)|'[^'\n]*'?|"[^"\n]*"?))
    | (?P<number>\d[\w.]*)
    | (?P<word>[A-Za-z_]\w*)
    | (?P<other>\S)""", re.VERBOSE)


def _lexical_form(source: str, renamable) -> tuple[Token, ...]:
    """Tokens by a regular expression: for code the parser refuses (a typo, a cut-off cell)."""
    tokens, previous = [], ""
    for match in _LEXEME.finditer(source):
        kind, text = match.lastgroup, match.group()
        if kind == "comment":
            continue
        line = source.count("\n", 0, match.start()) + 1
        last = line + text.count("\n")
        if kind in ("string", "number"):
            word = LITERAL
        elif kind == "word" and previous == ".":
            word = f"A:{text}"
        elif kind == "word" and not keyword.iskeyword(text):
            word = NAME if text in renamable else f"N:{text}"
        else:
            word = text
        tokens.append(Token(word, line, last))
        previous = text
    return tuple(tokens)
