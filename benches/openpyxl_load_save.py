"""The alternative a user would pick: load an office workbook with openpyxl and save it again.

    python3 benches/openpyxl_load_save.py IN.xlsx OUT.xlsx

No checks and no recalculation: this is the least an openpyxl script must do to produce a
report workbook, so it is a lower bound on such a script's time. Run by `cargo bench`.
"""
import sys

import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
wb.save(sys.argv[2])
