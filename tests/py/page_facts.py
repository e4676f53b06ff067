"""The printed pages of a written report, read back with openpyxl (not our reader): per
visible sheet, the manual row breaks, the rows each item block spans, and the text of every
小分類 heading cell with the cell above it. Prints JSON."""
import json
import sys

import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
out = []
for ws in wb.worksheets:
    if ws.sheet_state != "visible" or "大分類" not in ws.title:
        continue
    merged = {}
    for rng in ws.merged_cells.ranges:
        merged[(rng.min_row, rng.min_col)] = rng.max_row
    items = []
    headings = []
    for r in range(1, ws.max_row + 1):
        v = ws.cell(r, 1).value
        if isinstance(v, (int, float)):
            items.append({"no": int(v), "first": r, "last": merged.get((r, 1), r)})
        elif isinstance(v, str) and "小分類" in v:
            above = ws.cell(r - 1, 1).value if r > 1 else None
            headings.append({"row": r, "text": v, "above": above})
    out.append({
        "sheet": ws.title,
        # A break after row `id` (1-based): the next page starts at row id + 1.
        "breaks": [b.id for b in ws.row_breaks.brk],
        "scale": ws.page_setup.scale,
        "fit": bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
        "first_page": ws.page_setup.firstPageNumber,
        "items": items,
        "headings": headings,
    })
print(json.dumps(out, ensure_ascii=False))
