"""A department filling in its workbook: set cells and save, as Excel would (openpyxl).

usage: python3 fill_cells.py IN.xlsx OUT.xlsx SHEET CELL VALUE [SHEET CELL VALUE ...]
VALUE is stored as a number; one starting with "=" as a formula (no cached result, as
openpyxl saves).
"""
import sys

from openpyxl import load_workbook


def main(src, dst, triples):
    wb = load_workbook(src)
    for i in range(0, len(triples), 3):
        sheet, cell, value = triples[i : i + 3]
        wb[sheet][cell] = value if value.startswith("=") else float(value)
    wb.save(dst)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
