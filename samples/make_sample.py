#!/usr/bin/env python3
"""Generate the shipped sample input workbook and the seed-figures fixture.

Reads the decoded seed report (``decoded.json``, 63 items of 美祢市's
実施計画進捗状況報告書, 令和2年7月 資料2) and writes

* ``samples/mine-r1.xlsx``               the office's workbook, one sheet per 大分類
* ``tests/fixtures/seed-figures.csv``    every printed 実施効果 / 年度目標達成率 / 合計目標達成率

Usage (from the repository root)::

    python3 samples/make_sample.py [path/to/decoded.json]

The default input is ``../shared/seed/decoded.json`` relative to the repository root.
The output is deterministic (same cell content on every run; only the timestamps that
openpyxl writes into docProps differ). Every judgment call is documented in
``samples/README.md``.
"""

import csv
import json
import sys
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEED = REPO.parent / "shared" / "seed" / "decoded.json"
OUT_XLSX = REPO / "samples" / "mine-r1.xlsx"
OUT_CSV = REPO / "tests" / "fixtures" / "seed-figures.csv"

FONT_NAME = "ＭＳ Ｐゴシック"
FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")

DAIBUNRUI_TITLES = {
    1: "組織・人材マネジメントの見直し",
    2: "業務の見直し",
    3: "歳出・歳入／資産・債権管理の見直し",
    4: "協働の推進",
}

NUMBER_FORMATS = {
    0: '#,##0;"△ "#,##0',
    1: '#,##0.0;"△ "#,##0.0',
    2: '#,##0.00;"△ "#,##0.00',
}
RATE_FORMAT = NUMBER_FORMATS[1]

# Column letters of the layout (SPEC §2).
C_NO, C_NAME, C_ACTION = "A", "B", "C"
C_SCHED = ["D", "E", "F", "G", "H"]  # 行動計画 R1..R5
C_IND, C_KUBUN, C_BASE = "I", "J", "K"
C_YEARS = ["L", "M", "N", "O", "P"]  # 成果指標 R1..R5
C_TOTAL, C_EFFECT, C_RATE_Y, C_RATE_T = "Q", "R", "S", "T"
C_STATUS, C_GRADE, C_R1TEXT, C_R2TEXT = "U", "V", "W", "X"
LAST_COL = 24  # X

# Stored-precision exceptions (SPEC §4, decode-notes-1-20.md "Precision and rounding"):
# 受験倍率's R1 actual prints 5.7 but the printed rates need 5.67.
HIDDEN_ACTUALS = {(5, "受験倍率"): "5.67"}
# 実施効果 printed with fewer decimals than the exact A_R1 - base: the exact value is stored,
# the printed format kept. The generator derives these and checks they are exactly this set.
EXPECTED_EXACT_EFFECTS = {(3, "特別研修"), (4, "有給"), (5, "受験倍率"), (7, "ラスパイレス"), (10, "口座")}

# Anomalies kept in the sample (what the checks must catch).
JISSEI_ITEM = 21          # 区分 of the 実績 row reads 実勢 (seed page 3, line 1056)
ASCII_C_ITEM = 46         # page 5 prints one half-width ASCII "C" among its grades

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = Font(name=FONT_NAME, size=10)
FONT_BOLD = Font(name=FONT_NAME, size=10, bold=True)
FONT_TITLE = Font(name=FONT_NAME, size=14, bold=True)
FONT_SUB = Font(name=FONT_NAME, size=12, bold=True)
AL_WRAP = Alignment(wrap_text=True, vertical="top", horizontal="left")
AL_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
AL_NUM = Alignment(horizontal="right", vertical="center")


def parse_printed(text):
    """A printed figure -> (Decimal, decimals), or None if it is not a number."""
    s = text.strip()
    neg = s.startswith("△")
    if neg:
        s = s[1:].strip()
    s = s.replace(",", "")
    try:
        val = Decimal(s)
    except Exception:
        return None
    if not s or not all(c.isdigit() or c == "." for c in s):
        return None
    decimals = len(s.split(".", 1)[1]) if "." in s else 0
    return (-val if neg else val), decimals


def excel_number(dec):
    """Decimal -> int or float for the cell."""
    if dec == dec.to_integral_value() and dec.as_tuple().exponent >= 0:
        return int(dec)
    return float(dec)


def put(ws, ref, value, font=FONT, align=None, fmt=None):
    cell = ws[ref]
    cell.value = value
    cell.font = font
    if align is not None:
        cell.alignment = align
    if fmt is not None:
        cell.number_format = fmt
    return cell


def put_figure(ws, ref, printed, fmt_decimals=None, override=None):
    """Write a printed figure: numeric with a △ format, '-' / text as text, None as blank."""
    if printed is None:
        return
    parsed = parse_printed(printed)
    if parsed is None:
        put(ws, ref, printed, align=AL_CENTER)
        return
    value, decimals = parsed
    if override is not None:
        value = Decimal(override)
    if fmt_decimals is None:
        fmt_decimals = decimals
    put(ws, ref, excel_number(value), align=AL_NUM, fmt=NUMBER_FORMATS[fmt_decimals])


def put_rate(ws, ref, printed):
    if printed is None:
        return
    parsed = parse_printed(printed)
    if parsed is None:
        put(ws, ref, printed, align=AL_CENTER)
        return
    put(ws, ref, excel_number(parsed[0]), align=AL_NUM, fmt=RATE_FORMAT)


def merge(ws, col_from, row_from, col_to, row_to):
    if (col_from, row_from) != (col_to, row_to):
        ws.merge_cells(f"{col_from}{row_from}:{col_to}{row_to}")


def hidden_key(item_no, ind_name, table):
    for (no, needle), val in table.items():
        if no == item_no and needle in ind_name:
            return val
    return None


def grade_of(item):
    if item["no"] == ASCII_C_ITEM:
        return "C"
    g = item.get("grade") or item.get("grade_guess")
    return g.rstrip("?") if g else None


def status_of(item):
    s = item.get("status") or item.get("status_guess")
    return s.rstrip("?") if s else None


def write_header(ws, h):
    """Two-row table header at rows h, h+1."""
    for r in (h, h + 1):
        for c in range(1, LAST_COL + 1):
            ws.cell(row=r, column=c).border = BORDER
    put(ws, f"A{h}", "実施項目", FONT_BOLD, AL_CENTER)
    merge(ws, "A", h, "B", h)
    put(ws, f"C{h}", "行動計画", FONT_BOLD, AL_CENTER)
    merge(ws, "C", h, "H", h)
    put(ws, f"I{h}", "成果指標", FONT_BOLD, AL_CENTER)
    merge(ws, "I", h, "Q", h)
    for col, label in (
        (C_EFFECT, "実施効果"),
        (C_RATE_Y, "年度目標達成率"),
        (C_RATE_T, "合計目標達成率"),
        (C_STATUS, "達成状況"),
        (C_GRADE, "評価"),
        (C_R1TEXT, "R1年度\n年度実績"),
        (C_R2TEXT, "R2年度\n年度計画"),
    ):
        put(ws, f"{col}{h}", label, FONT_BOLD, AL_CENTER)
        merge(ws, col, h, col, h + 1)
    r = h + 1
    put(ws, f"A{r}", "№", FONT_BOLD, AL_CENTER)
    put(ws, f"B{r}", "実施計画", FONT_BOLD, AL_CENTER)
    for i, col in enumerate(C_SCHED):
        put(ws, f"{col}{r}", f"R{i + 1}", FONT_BOLD, AL_CENTER)
    put(ws, f"I{r}", "項目", FONT_BOLD, AL_CENTER)
    put(ws, f"K{r}", "29基準", FONT_BOLD, AL_CENTER)
    for i, col in enumerate(C_YEARS):
        put(ws, f"{col}{r}", f"R{i + 1}", FONT_BOLD, AL_CENTER)
    put(ws, f"Q{r}", "合計", FONT_BOLD, AL_CENTER)


def write_item(ws, first, item, exact_effects):
    """Write one item block starting at row `first`; return the number of rows used."""
    inds = item["indicators"]
    n = max(len(item["actions"]), 2 * len(inds), 1)
    last = first + n - 1
    for r in range(first, last + 1):
        for c in range(1, LAST_COL + 1):
            ws.cell(row=r, column=c).border = BORDER

    put(ws, f"{C_NO}{first}", int(item["no"]), align=AL_CENTER)
    put(ws, f"{C_NAME}{first}", item["name"], align=AL_WRAP)
    status = status_of(item)
    if status:
        put(ws, f"{C_STATUS}{first}", status, align=AL_CENTER)
    grade = grade_of(item)
    if grade:
        put(ws, f"{C_GRADE}{first}", grade, align=AL_CENTER)
    if item.get("r1_results") is not None:
        put(ws, f"{C_R1TEXT}{first}", item["r1_results"], align=AL_WRAP)
    if item.get("r2_plan") is not None:
        put(ws, f"{C_R2TEXT}{first}", item["r2_plan"], align=AL_WRAP)
    for col in (C_NO, C_NAME, C_STATUS, C_GRADE, C_R1TEXT, C_R2TEXT):
        merge(ws, col, first, col, last)

    for i, action in enumerate(item["actions"]):
        r = first + i
        put(ws, f"{C_ACTION}{r}", action, align=AL_WRAP)
        for col in C_SCHED:
            put(ws, f"{col}{r}", "→", align=AL_CENTER)

    if not inds:
        for col in (C_IND, C_TOTAL, C_EFFECT, C_RATE_Y, C_RATE_T):
            put(ws, f"{col}{first}", "-", align=AL_CENTER)
        return n

    for k, ind in enumerate(inds):
        rt, ra = first + 2 * k, first + 2 * k + 1
        put(ws, f"{C_IND}{rt}", ind["name"], align=AL_WRAP)
        merge(ws, C_IND, rt, C_IND, ra)
        put(ws, f"{C_KUBUN}{rt}", "目標", align=AL_CENTER)
        put(ws, f"{C_KUBUN}{ra}", "実勢" if item["no"] == JISSEI_ITEM else "実績", align=AL_CENTER)
        put_figure(ws, f"{C_BASE}{rt}", ind["base_h29"])
        put_figure(ws, f"{C_BASE}{ra}", ind["base_h29"])
        tgt, act = ind["target"], ind["actual"]
        put_figure(ws, f"{C_YEARS[0]}{rt}", tgt.get("R1"))
        put_figure(ws, f"{C_YEARS[4]}{rt}", tgt.get("R5"))
        put_figure(ws, f"{C_TOTAL}{rt}", tgt.get("total"))
        # 受験倍率: stored 5.67, shown with the printed one decimal (5.7).
        hidden = hidden_key(item["no"], ind["name"], HIDDEN_ACTUALS)
        put_figure(ws, f"{C_YEARS[0]}{ra}", act.get("R1"), override=hidden)

        exact = exact_effects.get((item["no"], k))
        if exact is not None:
            put_figure(ws, f"{C_EFFECT}{rt}", ind["effect"], override=str(exact))
        else:
            put_figure(ws, f"{C_EFFECT}{rt}", ind["effect"])
        put_rate(ws, f"{C_RATE_Y}{rt}", ind["rate_year"])
        put_rate(ws, f"{C_RATE_T}{rt}", ind["rate_total"])
        for col in (C_EFFECT, C_RATE_Y, C_RATE_T):
            merge(ws, col, rt, col, ra)
    return n


def find_exact_effects(items):
    """実施効果 printed with fewer decimals than the exact A_R1 - base (base '-'/blank = 0).

    Returns {(item no, indicator index): Decimal exact value}.
    """
    found = {}
    names = set()
    for item in items:
        for k, ind in enumerate(item["indicators"]):
            eff = ind["effect"] and parse_printed(ind["effect"])
            act = ind["actual"].get("R1")
            act_p = act and parse_printed(act)
            if not eff or not act_p:
                continue
            a = act_p[0]
            hidden = hidden_key(item["no"], ind["name"], HIDDEN_ACTUALS)
            if hidden is not None:
                a = Decimal(hidden)
            base = ind["base_h29"] and parse_printed(ind["base_h29"])
            exact = (a - base[0]) if base else a
            exact = exact.normalize()
            if exact != eff[0]:
                q = Decimal(1).scaleb(-eff[1])
                assert exact.quantize(q, rounding=ROUND_HALF_UP) == eff[0], (item["no"], ind["name"])
                found[(item["no"], k)] = exact
                names.add((item["no"], ind["name"]))
    matched = {(no, needle) for (no, needle) in EXPECTED_EXACT_EFFECTS
               for (n2, name) in names if n2 == no and needle in name}
    assert matched == EXPECTED_EXACT_EFFECTS and len(names) == len(EXPECTED_EXACT_EFFECTS), names
    return found


# The 小分類 digit as the seed prints it: the city's own document mixes half-width and
# full-width digits (「＜小分類１ ＩＣＴ等の推進＞」 but 「＜小分類1 公共施設管理＞」), and the
# report prints headings as the input has them.
SEED_SHOUBUNRUI_DIGITS = {
    (1, 1): "1", (1, 2): "2",
    (2, 1): "１", (2, 2): "２",
    (3, 1): "1", (3, 2): "２", (3, 3): "３",
    (4, 1): "1", (4, 2): "２",
}


def build(items):
    items = sorted(items, key=lambda it: (it["daibunrui_no"], it["shoubunrui_no"], int(it["no"])))
    exact_effects = find_exact_effects(items)

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "shinchoku samples/make_sample.py"
    wb.properties.created = datetime(2020, 7, 1)

    layout = {}  # sheet -> list of (shoubunrui heading row, header row, first item, last item)
    for dno in sorted({it["daibunrui_no"] for it in items}):
        sheet_items = [it for it in items if it["daibunrui_no"] == dno]
        title = sheet_items[0]["daibunrui"]
        assert title == DAIBUNRUI_TITLES[dno], (dno, title)
        ws = wb.create_sheet(f"大分類{dno}")
        put(ws, "A1", f"大分類{str(dno).translate(FULLWIDTH_DIGITS)} {title}", FONT_TITLE)
        if dno == 1:
            put(ws, "W1", "令和2年7月", align=Alignment(horizontal="right"))
            put(ws, "X1", "資料２", align=Alignment(horizontal="right"))
        row = 2
        layout[ws.title] = []
        page = sheet_items[0]["page"]
        for sno in sorted({it["shoubunrui_no"] for it in sheet_items}):
            group = [it for it in sheet_items if it["shoubunrui_no"] == sno]
            if row > 2:
                row += 1  # one empty row before the next 小分類 heading
            heading_row = row
            digit = SEED_SHOUBUNRUI_DIGITS[(dno, sno)]
            put(ws, f"A{row}", f"＜小分類{digit} {group[0]['shoubunrui']}＞", FONT_SUB)
            write_header(ws, row + 1)
            row += 3
            for item in group:
                if item["page"] != page:
                    # The seed's manual break: before the item, or before its 小分類 heading.
                    page = item["page"]
                    top = heading_row if item is group[0] else row
                    ws.row_breaks.append(Break(id=top - 1))
                row += write_item(ws, row, item, exact_effects)
            layout[ws.title].append((heading_row, heading_row + 1, group[0]["no"], group[-1]["no"], row - 1))

        widths = {"A": 5, "B": 24, "C": 28, "I": 24, "J": 6, "K": 9, "Q": 9,
                  "R": 9, "S": 9, "T": 9, "U": 9, "V": 6, "W": 40, "X": 40}
        for c in range(1, LAST_COL + 1):
            col = get_column_letter(c)
            ws.column_dimensions[col].width = widths.get(col, 8)
        for col in ("M", "N", "O"):
            ws.column_dimensions[col].hidden = True
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = 8  # A3
    return wb, layout, items


def write_fixture(items, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["item", "sheet", "indicator", "field", "printed"])
        count = 0
        for item in items:
            for ind in item["indicators"]:
                for field in ("effect", "rate_year", "rate_total"):
                    if ind[field] is not None:
                        w.writerow([item["no"], f"大分類{item['daibunrui_no']}", ind["name"], field, ind[field]])
                        count += 1
    return count


def main(argv):
    seed = Path(argv[1]) if len(argv) > 1 else DEFAULT_SEED
    with open(seed, encoding="utf-8") as f:
        items = json.load(f)
    wb, layout, items = build(items)
    OUT_XLSX.parent.mkdir(parents=True, exist_ok=True)
    wb.save(OUT_XLSX)
    n = write_fixture(items, OUT_CSV)
    print(f"wrote {OUT_XLSX.relative_to(REPO)} and {OUT_CSV.relative_to(REPO)} ({n} printed figures)")
    for sheet, groups in layout.items():
        for heading, header, a, b, last in groups:
            print(f"  {sheet}: 小分類 heading row {heading}, header rows {header}-{header + 1}, "
                  f"items №{a}-{b} in rows {header + 2}-{last}")


if __name__ == "__main__":
    main(sys.argv)
