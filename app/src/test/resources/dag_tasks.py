"""Reads an Airflow DAG file without importing Airflow and prints its tasks as JSON.

Usage: python3 dag_tasks.py DAG_FILE. Only the static shapes a DAG file uses are understood: module-level
constants (strings, numbers, lists, dicts, tuples, timedelta/datetime calls, os.environ.get defaults,
" ".join over a generator of string concatenations), operator calls assigned to names inside `with DAG(...)`,
and `a >> b >> c` chains. Anything else is reported, so the test fails instead of guessing.
"""

import ast
import json
import sys


class Unknown(Exception):
    pass


def main(path):
    tree = ast.parse(open(path, encoding="utf-8").read(), filename=path)
    env = {}
    out = {"imports": [], "dag": None, "tasks": [], "edges": [], "problems": []}

    def value(node, local=None):
        local = local or {}
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in local:
                return local[node.id]
            if node.id in env:
                return env[node.id]
            if node.id in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[node.id]
            raise Unknown("unknown name " + node.id)
        if isinstance(node, (ast.List, ast.Tuple)):
            return [value(e, local) for e in node.elts]
        if isinstance(node, ast.Dict):
            return {value(k, local): value(v, local) for k, v in zip(node.keys, node.values)}
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return value(node.left, local) + value(node.right, local)
        if isinstance(node, ast.Call):
            f = ast.unparse(node.func)
            if f == "os.environ.get" and len(node.args) == 2:
                return value(node.args[1], local)
            if f in ("timedelta", "datetime"):
                args = [value(a, local) for a in node.args]
                kwargs = {k.arg: value(k.value, local) for k in node.keywords}
                return {"call": f, "args": args, "kwargs": kwargs}
            if isinstance(node.func, ast.Attribute) and node.func.attr == "join" and len(node.args) == 1:
                sep = value(node.func.value, local)
                gen = node.args[0]
                if isinstance(gen, ast.GeneratorExp) and len(gen.generators) == 1:
                    comp = gen.generators[0]
                    items = []
                    for item in value(comp.iter, local):
                        items.append(value(gen.elt, {**local, comp.target.id: item}))
                    return sep.join(items)
                return sep.join(value(gen, local))
        raise Unknown("cannot evaluate " + ast.unparse(node))

    def chain(node):
        """a >> b >> c as a list of names (lists allowed for fan-out)."""
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.RShift):
            return chain(node.left) + chain(node.right)
        if isinstance(node, ast.Name):
            return [[node.id]]
        if isinstance(node, ast.List):
            return [[e.id for e in node.elts]]
        raise Unknown("cannot read dependency " + ast.unparse(node))

    def body(statements, inside_dag):
        for st in statements:
            try:
                if isinstance(st, (ast.Import, ast.ImportFrom)):
                    for a in st.names:
                        out["imports"].append((st.module + "." if isinstance(st, ast.ImportFrom) else "") + a.name)
                elif isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
                    name = st.targets[0].id
                    if isinstance(st.value, ast.Call) and inside_dag:
                        kwargs = {}
                        for k in st.value.keywords:
                            if k.arg is None:  # **SHARED: a dict of keyword arguments
                                kwargs.update(value(k.value))
                            else:
                                kwargs[k.arg] = value(k.value)
                        out["tasks"].append({"variable": name, "operator": ast.unparse(st.value.func), "kwargs": kwargs})
                        env[name] = {"task": kwargs.get("task_id")}
                    else:
                        env[name] = value(st.value)
                elif isinstance(st, ast.With):
                    call = st.items[0].context_expr
                    if isinstance(call, ast.Call) and ast.unparse(call.func) == "DAG":
                        out["dag"] = {k.arg: value(k.value) for k in call.keywords}
                        body(st.body, True)
                    else:
                        out["problems"].append("unknown with-block: " + ast.unparse(call))
                elif isinstance(st, ast.Expr) and isinstance(st.value, ast.BinOp):
                    steps = chain(st.value)
                    for up, down in zip(steps, steps[1:]):
                        for u in up:
                            for d in down:
                                out["edges"].append([env[u]["task"], env[d]["task"]])
                elif isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant):
                    pass  # docstring
                else:
                    out["problems"].append("not understood: " + ast.unparse(st)[:120])
            except Unknown as e:
                out["problems"].append(str(e))

    body(tree.body, False)
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main(sys.argv[1])
