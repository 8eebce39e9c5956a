#!/usr/bin/env python3
"""Reads a published tables.xlsx with openpyxl (PyPI), warnings as errors,
and checks it against the CSV files beside it: one sheet per table after
説明, the CSV column names in row 2, as many data rows as the CSV, frozen
headings, and the same values (years as numbers, a 和暦 column after each).

Usage: check-xlsx.py DATA_DIR"""
import csv
import json
import sys
import warnings

import openpyxl

data = sys.argv[1]
with open(f"{data}/datapackage.json", encoding="utf-8") as f:
    pkg = json.load(f)
# Anything openpyxl finds odd in the package fails the check.
with warnings.catch_warnings():
    warnings.simplefilter("error")
    wb = openpyxl.load_workbook(f"{data}/tables.xlsx")
sheets = wb.worksheets
problems = []
if wb.sheetnames[0] != "説明":
    problems.append(f"the first sheet is {wb.sheetnames[0]!r}, not 説明")
if len(sheets) != len(pkg["resources"]) + 1:
    problems.append(f"{len(sheets)} sheets for {len(pkg['resources'])} tables")
for ws, res in zip(sheets[1:], pkg["resources"]):
    with open(f"{data}/{res['path']}", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    names = [c.value for c in ws[2]]
    # Without the 和暦 columns (no CSV name), row 2 is the CSV header.
    keep = [i for i, n in enumerate(names) if n is not None]
    if [names[i] for i in keep] != header:
        problems.append(f"{ws.title}: row 2 {names} is not the CSV header {header}")
        continue
    if ws.freeze_panes != "A3":
        problems.append(f"{ws.title}: headings not frozen ({ws.freeze_panes})")
    got = list(ws.iter_rows(min_row=3, values_only=True))
    if len(got) != len(body):
        problems.append(f"{ws.title}: {len(got)} rows, the CSV has {len(body)}")
        continue
    types = {f["name"]: f["type"] for f in res["schema"]["fields"]}
    for n, (g, b) in enumerate(zip(got, body)):
        for j, i in enumerate(keep):
            want, have = b[j], g[i]
            kind = types[header[j]]
            if want == "":
                ok = have is None
            elif kind in ("year", "integer", "number"):
                ok = isinstance(have, (int, float)) and float(have) == float(want)
            elif kind == "boolean":
                ok = have == ("はい" if want == "true" else "いいえ")
            else:
                ok = have == want
            if not ok:
                problems.append(f"{ws.title} row {n + 3}, {header[j]}: {have!r} for {want!r}")
                break
        if len(problems) > 20:
            break
if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"{data}/tables.xlsx: {len(sheets)} sheets match the CSV files")
