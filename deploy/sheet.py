"""A small producers' spreadsheet for the deployment checks (check_topology.py, two_servers.py)."""

import csv
import io


def producer_rows(template_csv: str, prefix: str, village_code: str, count: int = 3) -> bytes:
    """`count` producers of `village_code` in the columns of the portal's own import template (its
    example row fills what the check does not care about), as CSV bytes ready to upload."""
    template = list(csv.reader(io.StringIO(template_csv.lstrip("\ufeff"))))
    columns, example = template[0], template[1]
    rows = []
    for n in range(count):
        row = dict(zip(columns, example, strict=False))
        row.update({"Nama usaha": f"{prefix} {n}", "NIB": "", "WhatsApp": "", "Pemilik/ketua": f"Ibu {n}"})
        row["Kode desa"] = village_code
        rows.append([row.get(column, "") for column in columns])
    data = io.StringIO()
    csv.writer(data).writerows([columns, *rows])
    return data.getvalue().encode()
