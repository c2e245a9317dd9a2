"""Reads an Airflow DAG file without importing Airflow and prints its tasks as JSON.

Usage: python3 dag_tasks.py DAG_FILE. Only the static shapes a DAG file uses are understood: module-level
constants (strings, numbers, lists, dicts, tuples, timedelta/datetime calls, os.environ.get defaults,
" ".join over a generator of string concatenations), module-level functions (callbacks), operator calls
assigned to names inside `with DAG(...)`, and `a >> b >> c` chains. Anything else is reported, so the test
fails instead of guessing. The environment variables the file reads are listed under "environment".

Every function used as a callback (a `*_callback` argument of the DAG, default_args or a task) is run once
with a stand-in for the context Airflow passes on failure, printed under "stub_context"; what it logs or
prints, or the error it raises, is under "callbacks". Only the file's imports outside `airflow` are
available to it, so a callback that needs Airflow itself fails here.
"""

import ast
import contextlib
import io
import json
import logging
import sys
from types import SimpleNamespace

# Values of the stand-in failure context: a failed `gold` on 2026-11-01, second try.
STUB_CONTEXT = {
    "dag_id": "lakehouse_daily",
    "task_id": "gold",
    "ds": "2026-11-01",
    "run_id": "scheduled__2026-11-01T00:00:00+00:00",
    "try_number": 2,
    "log_url": "http://localhost:8080/dags/lakehouse_daily/grid?dag_run_id=scheduled__2026-11-01&task_id=gold",
    "exception": "Cannot execute: spark-submit ... Error code is: 3.",
}


class Unknown(Exception):
    pass


def main(path):
    tree = ast.parse(open(path, encoding="utf-8").read(), filename=path)
    env = {}
    functions = {}
    out = {"imports": [], "environment": [], "dag": None, "tasks": [], "edges": [], "problems": [],
           "callbacks": {}, "stub_context": STUB_CONTEXT}

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
                out["environment"].append({"name": value(node.args[0], local), "default": value(node.args[1], local)})
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
                elif isinstance(st, ast.FunctionDef) and not inside_dag:
                    functions[st.name] = st
                    env[st.name] = {"function": st.name}
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
    for name in sorted(callbacks_used(out)):
        if name not in functions:
            out["problems"].append("callback is not a module-level function: " + name)
            continue
        out["callbacks"][name] = run_callback(tree, functions[name])
    print(json.dumps(out, default=str))


def callbacks_used(out):
    """Names of the functions given as *_callback arguments to the DAG, its default_args or a task."""
    places = [out["dag"] or {}, (out["dag"] or {}).get("default_args") or {}]
    places += [t["kwargs"] for t in out["tasks"]]
    return {v["function"] for p in places for k, v in p.items()
            if k.endswith("_callback") and isinstance(v, dict) and "function" in v}


def run_callback(tree, function):
    """Runs one callback with the stand-in context; returns what it logged or printed and any error."""
    imports = [st for st in tree.body if isinstance(st, (ast.Import, ast.ImportFrom))
               and not any((getattr(st, "module", None) or a.name).split(".")[0] == "airflow" for a in st.names)]
    module = ast.Module(body=imports + [function], type_ignores=[])
    namespace = {"__name__": "dag_callbacks"}
    c = STUB_CONTEXT
    ti = SimpleNamespace(task_id=c["task_id"], dag_id=c["dag_id"], run_id=c["run_id"], try_number=c["try_number"],
                         log_url=c["log_url"], state="failed", map_index=-1)
    dag = SimpleNamespace(dag_id=c["dag_id"])
    context = {"dag": dag, "dag_run": SimpleNamespace(dag_id=c["dag_id"], run_id=c["run_id"]),
               "task": SimpleNamespace(task_id=c["task_id"], dag_id=c["dag_id"]), "task_instance": ti, "ti": ti,
               "ds": c["ds"], "ds_nodash": c["ds"].replace("-", ""), "run_id": c["run_id"],
               "exception": RuntimeError(c["exception"])}
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    error = None
    try:
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
            exec(compile(module, "<dag callbacks>", "exec"), namespace)
            namespace[function.name](context)
    except Exception as e:  # reported to the test, which fails on it
        error = type(e).__name__ + ": " + str(e)
    finally:
        root.removeHandler(handler)
    return {"output": captured.getvalue(), "error": error}


if __name__ == "__main__":
    main(sys.argv[1])
