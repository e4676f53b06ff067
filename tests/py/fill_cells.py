"""A department filling in its workbook: set cells and save, as Excel would (openpyxl).

usage: python3 fill_cells.py IN.xlsx OUT.xlsx SHEET CELL VALUE [SHEET CELL VALUE ...]
VALUE is stored as a number; one starting with "=" as a formula (no cached result, as
openpyxl saves); one starting with "date:" as a date (2019-12-15), as Excel turns 「12/15」;
one starting with "pct:" as a number with the percent format 0.0% (pct:1.029 shows 102.9%).
"""
import datetime
import sys

from openpyxl import load_workbook


def main(src, dst, triples):
    wb = load_workbook(src)
    for i in range(0, len(triples), 3):
        sheet, cell, value = triples[i : i + 3]
        if value.startswith("date:"):
            wb[sheet][cell] = datetime.datetime.fromisoformat(value[5:])
        elif value.startswith("pct:"):
            wb[sheet][cell] = float(value[4:])
            wb[sheet][cell].number_format = "0.0%"
        elif value.startswith("="):
            wb[sheet][cell] = value
        else:
            wb[sheet][cell] = float(value)
    wb.save(dst)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
