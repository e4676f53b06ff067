"""Read a written workbook back with openpyxl (a second, independent reader) and print its
layout facts as JSON, for tests/report_format.rs to assert on.

usage: python3 xlsx_facts.py BOOK.xlsx
"""
import json
import sys

from openpyxl import load_workbook


def sheet_facts(ws, cached):
    fonts = set()
    formats = set()
    formulas = {}
    values = {}
    comments = {}
    unlocked = []
    for row in ws.iter_rows():
        for cell in row:
            if cell.protection.locked is False:
                unlocked.append(cell.coordinate)
            if cell.value is None and cell.comment is None:
                continue
            fonts.add(cell.font.name)
            formats.add(cell.number_format)
            if isinstance(cell.value, str) and cell.value.startswith("="):
                formulas[cell.coordinate] = cell.value
            values[cell.coordinate] = cached[cell.coordinate].value
            if cell.comment is not None:
                comments[cell.coordinate] = cell.comment.text
    ps = ws.page_setup
    validations = [
        {
            "sqref": str(dv.sqref),
            "type": dv.type,
            "formula1": dv.formula1,
            "errorStyle": dv.errorStyle,
            "allowBlank": bool(dv.allow_blank),
        }
        for dv in ws.data_validations.dataValidation
    ]
    return {
        "name": ws.title,
        "fonts": sorted(f for f in fonts if f),
        "number_formats": sorted(formats),
        "merges": sorted(str(r) for r in ws.merged_cells.ranges),
        "widths": {k: v.width for k, v in sorted(ws.column_dimensions.items())},
        "heights": {str(k): v.height for k, v in sorted(ws.row_dimensions.items()) if v.height},
        "paper_size": int(ps.paperSize) if ps.paperSize is not None else None,
        "orientation": ps.orientation,
        "fit_to_page": bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
        "fit_width": ps.fitToWidth,
        "fit_height": ps.fitToHeight,
        "scale": ps.scale,
        "first_page_number": ps.firstPageNumber,
        "use_first_page_number": ps.useFirstPageNumber,
        "print_title_rows": ws.print_title_rows,
        "print_area": ws.print_area,
        "footer": ws.oddFooter.center.text,
        "margins": [ws.page_margins.left, ws.page_margins.right, ws.page_margins.top, ws.page_margins.bottom],
        "validations": validations,
        "comments": comments,
        "formulas": formulas,
        "values": values,
        "protected": bool(ws.protection.sheet),
        "unlocked": unlocked,
    }


def main(path):
    wb = load_workbook(path)
    cached = load_workbook(path, data_only=True)
    props = wb.properties
    print(
        json.dumps(
            {
                "sheets": [sheet_facts(ws, cached[ws.title]) for ws in wb.worksheets],
                "created": props.created.isoformat() if props.created else None,
            },
            ensure_ascii=False,
            default=str,
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
