#!/usr/bin/env python3
"""Run SQL statements through chDB (ClickHouse 26.x engine, in-process) and report each as JSON.

Usage (via deploy/dev/chdb.sh run, which uses the project's chdb virtualenv):
    chdb.sh run [--path DIR] [--max-rows N] [--stop-on-error] [FILE]

Input (FILE, or stdin when FILE is omitted or "-"):
    * a JSON list whose items are SQL strings or {"sql": "...", "params": {"name": value}}
      (params fill ClickHouse query parameters {name:Type}), or
    * plain SQL text with statements separated by ';' (quotes and comments are respected).

Output: one JSON object per statement on its own line, in input order:
    {"index": 0, "ok": true, "sql": "...", "columns": [{"name": "...", "type": "..."}],
     "rows": [{...}, ...first N...], "rowCount": 12, "elapsedMs": 1.2}
    {"index": 1, "ok": false, "sql": "...", "error": "Code: 62. DB::Exception: ...", "code": 62}
Statements that return nothing (DDL, INSERT) have columns/rows empty and rowCount 0.

All statements share one chdb Session: --path DIR keeps the database in DIR (created if
missing, kept afterwards); without it a temporary directory is used and removed at the end.
Exit status: 0 if every statement succeeded, 1 if any failed, 2 on bad input or setup errors.
"""
import argparse
import json
import re
import shutil
import sys
import tempfile
import time


def split_sql(text):
    """Split SQL text on ';' outside quotes/backticks/comments. Drops empty statements."""
    out, buf, i, n = [], [], 0, len(text)
    while i < n:
        c = text[i]
        if c in ("'", '"', "`"):
            j = i + 1
            while j < n:
                if text[j] == "\\":
                    j += 2
                    continue
                if text[j] == c:
                    if j + 1 < n and text[j + 1] == c:  # doubled quote
                        j += 2
                        continue
                    break
                j += 1
            buf.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("--", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            buf.append(text[i:j])
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            buf.append(text[i:j])
            i = j
        elif c == ";":
            out.append("".join(buf))
            buf = []
            i += 1
        else:
            buf.append(c)
            i += 1
    out.append("".join(buf))
    return [s.strip() for s in out if _has_code(s)]


def _has_code(stmt):
    s = re.sub(r"/\*.*?\*/", "", stmt, flags=re.S)
    s = re.sub(r"--[^\n]*", "", s)
    return s.strip() != ""


def load_statements(src):
    text = sys.stdin.read() if src in (None, "-") else open(src, encoding="utf-8").read()
    if text.lstrip().startswith("["):
        items = json.loads(text)
        stmts = []
        for k, it in enumerate(items):
            if isinstance(it, str):
                stmts.append({"sql": it, "params": None})
            elif isinstance(it, dict) and isinstance(it.get("sql"), str):
                stmts.append({"sql": it["sql"], "params": it.get("params")})
            else:
                raise ValueError(f"item {k}: expected a SQL string or {{\"sql\": ...}}")
        return stmts
    return [{"sql": s, "params": None} for s in split_sql(text)]


def error_code(msg):
    m = re.search(r"Code:\s*(\d+)", msg)
    return int(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", nargs="?", help="JSON list or SQL text; stdin if omitted or '-'")
    ap.add_argument("--path", help="database directory to use and keep (default: temporary)")
    ap.add_argument("--max-rows", type=int, default=10, help="rows to include per result (default 10)")
    ap.add_argument("--stop-on-error", action="store_true", help="stop at the first failing statement")
    args = ap.parse_args()

    try:
        stmts = load_statements(args.file)
    except (OSError, ValueError) as e:  # json.JSONDecodeError is a ValueError
        print(json.dumps({"ok": False, "error": f"bad input: {e}"}), flush=True)
        return 2

    try:
        from chdb import session as chs
    except ImportError as e:
        print(json.dumps({"ok": False, "error": f"chdb not importable: {e} (run deploy/dev/chdb.sh install)"}), flush=True)
        return 2

    tmp = None
    path = args.path
    if path is None:
        tmp = tempfile.mkdtemp(prefix="ordertrace-chdb-")
        path = tmp
    failed = False
    sess = chs.Session(path)
    try:
        for idx, st in enumerate(stmts):
            rec = {"index": idx, "sql": st["sql"]}
            t0 = time.perf_counter()
            try:
                if st["params"]:
                    res = sess.query(st["sql"], "JSON", params=st["params"])
                else:
                    res = sess.query(st["sql"], "JSON")
                raw = res.bytes() if hasattr(res, "bytes") else str(res).encode()
                rec["elapsedMs"] = round((time.perf_counter() - t0) * 1000, 3)
                rec["ok"] = True
                if raw.strip():
                    doc = json.loads(raw)
                    data = doc.get("data", [])
                    rec["columns"] = doc.get("meta", [])
                    rec["rows"] = data[: max(args.max_rows, 0)]
                    rec["rowCount"] = doc.get("rows", len(data))
                else:
                    rec["columns"], rec["rows"], rec["rowCount"] = [], [], 0
            except Exception as e:  # chdb raises RuntimeError with ClickHouse's message
                msg = str(e).strip()
                rec["elapsedMs"] = round((time.perf_counter() - t0) * 1000, 3)
                rec["ok"] = False
                rec["error"] = msg
                rec["code"] = error_code(msg)
                failed = True
            print(json.dumps(rec, ensure_ascii=False), flush=True)
            if failed and args.stop_on_error:
                break
    finally:
        sess.close()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
