"""The Python constructs the course teaches, and which of them a piece of code uses (read from its syntax tree).

Every code exercise declares the constructs the learner writes (`needs` in its bank entry); a "Python you need
here" cell declares those it teaches (`teaches` in its cell metadata, shown in a runnable example). The tests read
both with `constructs_in`, so a declaration cannot say less than the code does, and nothing is used before it is
taught (tests/test_teaching.py).
"""

from __future__ import annotations

import ast

# id -> what a learner is told it is. Calls are "name()", methods ".name"; the rest are pieces of syntax.
CONSTRUCTS: dict[str, str] = {
    # values and names
    "assign": "give a value a name with =",
    "text": "text in quotes (a string)",
    "number": "whole and decimal numbers",
    "none": "None, Python's 'no value'",
    "truth": "True and False",
    "arithmetic": "arithmetic: + - * / and //",
    "augassign": "add to a name's value with +=",
    "fstring": "f-strings: f\"…{value}…\"",
    # choosing
    "compare": "comparisons: < <= > >= == !=",
    "in": "in and not in: is a value inside a list, a set, a text or a dict's keys",
    "is-none": "is None and is not None",
    "and-or-not": "and, or and not",
    "if": "if: run lines only when a condition holds",
    "else": "elif and else: the other cases of an if",
    "ternary": "a value chosen inline: a if condition else b",
    # collections
    "list": "lists: [a, b, c]",
    "dict": "dicts: {key: value}",
    "set": "sets: {a, b} or set()",
    "index": "picking one item: things[0], row[\"code\"]",
    "slice": "picking a slice: text[:3]",
    "unpack": "unpacking: a, b = pair",
    "comprehension": "a list, set or dict built in one line: [x for x in things]",
    # repeating and functions
    "for": "for: repeat lines for each item",
    "while": "while: repeat while a condition holds",
    "def": "def: write a function",
    "return": "return: the value a function gives back",
    "keyword-args": "named arguments: f(x, name=value)",
    "lambda": "lambda: a one-line function",
    "attribute": "a row's column by name: row.code",
    "import": "import",
    "try": "try and except",
    "with": "with",
    # built-in functions
    "len()": "len(): how many items", "round()": "round(x, 2)", "min()": "min()", "max()": "max()",
    "sum()": "sum()", "abs()": "abs()", "sorted()": "sorted()", "isinstance()": "isinstance(value, str)",
    "int()": "int()", "float()": "float()", "str()": "str()", "bool()": "bool()", "list()": "list()",
    "dict()": "dict()", "set()": "set()", "any()": "any()", "all()": "all()", "enumerate()": "enumerate()",
    "range()": "range()", "zip()": "zip()", "reversed()": "reversed()", "print()": "print()",
    # text methods
    ".upper": "text.upper()", ".lower": "text.lower()", ".strip": "text.strip()", ".replace": "text.replace(a, b)",
    ".split": "text.split()", ".join": "\"\".join(parts)", ".startswith": "text.startswith(...)",
    ".endswith": "text.endswith(...)", ".isdigit": "text.isdigit()", ".isascii": "text.isascii()",
    ".ljust": "text.ljust(6, \"X\")", ".zfill": "text.zfill(n)", ".format": "text.format(...)",
    # list, dict and set methods
    ".append": "things.append(x)", ".get": "a_dict.get(key, default)", ".items": "a_dict.items()",
    ".keys": "a_dict.keys()", ".values": "a_dict.values()", ".setdefault": "a_dict.setdefault(key, default)",
    ".add": "a_set.add(x)", ".update": "a_dict.update(...)", ".extend": "things.extend(more)",
    ".count": "things.count(x)", ".index": "things.index(x)",
    # pandas
    ".loc": "table.loc[rows, column]", ".iloc": "table.iloc[n]", ".isin": "column.isin([...])",
    ".tolist": "column.tolist()", ".itertuples": "for row in table.itertuples()", ".groupby": "table.groupby(...)",
    ".sum": "column.sum()", ".mean": "column.mean()", ".max": "column.max()", ".min": "column.min()",
    ".drop_duplicates": "table.drop_duplicates(...)", ".sort_values": "table.sort_values(...)",
    ".to_dict": "table.to_dict()", ".apply": "column.apply(f)", ".agg": "grouped.agg(...)", ".first": "grouped.first()",
    ".iterrows": "for i, row in table.iterrows()", ".unique": "column.unique()", ".nunique": "column.nunique()",
    ".value_counts": "column.value_counts()", ".head": "table.head()", ".shape": "table.shape",
    ".columns": "table.columns", ".dt": "dates.dt", ".days": "dates.dt.days", ".str": "column.str",
    ".empty": "table.empty", ".all": "mask.all()", ".any": "mask.any()", ".abs": "column.abs()",
    ".notna": "column.notna()", ".isna": "column.isna()", ".fillna": "column.fillna(x)",
    ".merge": "table.merge(other, ...)", ".size": "grouped.size()", ".reset_index": "table.reset_index()",
    "pd.cut()": "pd.cut(values, bins=..., labels=...)", "pd.to_datetime()": "pd.to_datetime(column)",
    "pd.Timestamp()": "pd.Timestamp(text)", "pd.isna()": "pd.isna(value)", "pd.DataFrame()": "pd.DataFrame(...)",
}

PANDAS_FUNCTIONS = {"cut", "to_datetime", "Timestamp", "isna", "DataFrame"}
# Attributes read without a call that are a construct of their own (the rest are "attribute": row.column).
NAMED_ATTRIBUTES = {"loc", "iloc", "shape", "columns", "dt", "days", "str", "empty"}


def _call(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return f"{func.id}()" if f"{func.id}()" in CONSTRUCTS else None  # the learner's own functions are not constructs
    if isinstance(func, ast.Attribute):
        if isinstance(func.value, ast.Name) and func.value.id == "pd" and func.attr in PANDAS_FUNCTIONS:
            return f"pd.{func.attr}()"
        return f".{func.attr}"
    return None


def constructs_in(source: str) -> set[str]:
    """The construct ids a piece of code uses (it must parse; IPython magics are not expected in exercises)."""
    tree = ast.parse(source)
    found: set[str] = set()
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    for node in ast.walk(tree):
        match node:
            case ast.Assign() | ast.AnnAssign():
                found.add("assign")
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Tuple) for t in targets):
                    found.add("unpack")
            case ast.AugAssign():
                found.add("augassign")
            case ast.Constant(value=bool()):
                found.add("truth")
            case ast.Constant(value=None):
                found.add("none")
            case ast.Constant(value=str()):
                found.add("text")
            case ast.Constant(value=int() | float()):
                found.add("number")
            case ast.BinOp():
                found.add("arithmetic")
            case ast.JoinedStr():
                found.add("fstring")
            case ast.Compare():
                for op in node.ops:
                    found.add({ast.In: "in", ast.NotIn: "in", ast.Is: "is-none", ast.IsNot: "is-none"}.get(type(op), "compare"))
            case ast.BoolOp():
                found.add("and-or-not")
            case ast.UnaryOp(op=ast.Not()):
                found.add("and-or-not")
            case ast.If():
                found.add("if")
                if node.orelse:
                    found.add("else")
            case ast.IfExp():
                found.add("ternary")
            case ast.List():
                found.add("list")
            case ast.Dict():
                found.add("dict")
            case ast.Set():
                found.add("set")
            case ast.Subscript():
                found.add("slice" if isinstance(node.slice, ast.Slice) else "index")
            case ast.ListComp() | ast.SetComp() | ast.DictComp() | ast.GeneratorExp():
                found.add("comprehension")
            case ast.For():
                found.add("for")
                if isinstance(node.target, ast.Tuple):
                    found.add("unpack")
            case ast.While():
                found.add("while")
            case ast.FunctionDef():
                found.add("def")
            case ast.Return():
                found.add("return")
            case ast.Lambda():
                found.add("lambda")
            case ast.Import() | ast.ImportFrom():
                found.add("import")
            case ast.Try():
                found.add("try")
            case ast.With():
                found.add("with")
            case ast.Call():
                name = _call(node)
                if name:
                    found.add(name)
                if node.keywords:
                    found.add("keyword-args")
            case ast.Attribute() if id(node) not in called:
                found.add(f".{node.attr}" if node.attr in NAMED_ATTRIBUTES else "attribute")
    return found


def unknown(ids: set[str] | list[str]) -> list[str]:
    """Construct ids the course's list does not know (a typo in a declaration, or something to add and teach)."""
    return sorted(set(ids) - set(CONSTRUCTS))
