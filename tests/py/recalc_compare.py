"""Compare every formula cell's cached value in OURS with its value in RECALCULATED.

usage: python3 recalc_compare.py OURS.xlsx RECALCULATED.xlsx
Prints JSON: {"formulas": N, "mismatches": [{sheet, cell, formula, cached, recalculated}]}.
OURS is read twice with openpyxl (formulas, then cached values); RECALCULATED is the same
workbook after LibreOffice recalculated and saved it. Numbers must agree to 1e-9; text exactly.
"""
import json
import sys

from openpyxl import load_workbook


def same(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    return a == b


def main(ours_path, recalculated_path):
    formulas = load_workbook(ours_path)
    cached = load_workbook(ours_path, data_only=True)
    recalculated = load_workbook(recalculated_path, data_only=True)
    count = 0
    mismatches = []
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                    continue
                count += 1
                ours = cached[ws.title][cell.coordinate].value
                theirs = recalculated[ws.title][cell.coordinate].value
                if not same(ours, theirs):
                    mismatches.append(
                        {
                            "sheet": ws.title,
                            "cell": cell.coordinate,
                            "formula": cell.value,
                            "cached": ours,
                            "recalculated": theirs,
                        }
                    )
    print(json.dumps({"formulas": count, "mismatches": mismatches}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
