"""Map payload bench: what the three reference maps send to the browser, and how long they take.

For the national kab/kota map (514), the province map (38) and the kecamatan map of the province
with the most kecamatan, prints the bytes of the folium HTML and of the arguments streamlit-folium
sends to its component (the script, header and HTML, which is what a dashboard user downloads),
the region count, and the time to get the generalised layer cold (empty cache: read, repair,
generalise) and warm (from the disk cache), plus the map build time. Budgets from the brief.

    .venv/bin/python bench/map_payload.py
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo import MapLabels, build_map, display_layer  # noqa: E402
from geo.boundaries import boundary_names  # noqa: E402
from geo.layers import _layer  # noqa: E402

BUDGET_KB = {"province": 150, "regency": 400, "district": 400}
LABELS = MapLabels("Jumlah pelanggaran", "Wilayah", "Jumlah", "Tidak ada data")


def _component_kb(m) -> float:
    """Bytes of the arguments st_folium passes to its frontend (needs streamlit installed)."""
    logging.disable(logging.WARNING)  # streamlit warns that it runs outside `streamlit run`
    try:
        from streamlit_folium import _get_header, _get_html, _get_map_string
    except ImportError:
        return float("nan")
    finally:
        logging.disable(logging.NOTSET)
    m.get_root().render()
    args = {"html": _get_html(m), "header": _get_header(m), "script": _get_map_string(m)}
    return len(json.dumps(args).encode()) / 1024


def _largest_province() -> str:
    """The province with the most kecamatan in the boundary files (Jawa Timur in 2025)."""
    codes = boundary_names("district")["code"]
    return codes.str.slice(0, 2).value_counts(sort=True)["code"][0]




def main() -> None:
    rng = np.random.default_rng(2024)
    with tempfile.TemporaryDirectory() as scratch:
        cases = [("Provinsi, nasional", "province", None),
                 ("Kab/kota, nasional", "regency", None)]
        rows = []
        for title, level, parent in cases + [("Kecamatan, provinsi terbesar", "district", "?")]:
            cache_dir = Path(scratch) / title.replace(" ", "_").replace(",", "")
            if parent == "?":
                parent = _largest_province()
                title += f" ({parent})"
            _layer.cache_clear()
            started = time.perf_counter()
            layer = display_layer(level, parent, cache_dir=cache_dir)
            cold = time.perf_counter() - started
            _layer.cache_clear()
            started = time.perf_counter()
            layer = display_layer(level, parent, cache_dir=cache_dir)
            warm = time.perf_counter() - started
            values = pl.DataFrame({"region_code": layer["code"].tolist(),
                                   "value": rng.gamma(2.0, 40.0, len(layer)).round()})
            values = values.with_columns(  # a few regions without data, as in real use
                pl.when(pl.int_range(pl.len()) % 17 == 0).then(None).otherwise(pl.col("value"))
                .alias("value"))
            started = time.perf_counter()
            m = build_map(layer, values, LABELS, lang="id", scheme="quantiles")
            html = m.get_root().render()
            build = time.perf_counter() - started
            html_kb = len(html.encode()) / 1024
            rows.append((title, len(layer), html_kb, _component_kb(m), BUDGET_KB[level],
                         cold, warm, build))
    header = (f"{'map':38} {'regions':>7} {'HTML KB':>8} {'st_folium KB':>12} {'budget':>6} "
              f"{'ok':>3} {'cold s':>7} {'warm s':>7} {'build s':>7}")
    print(header)
    print("-" * len(header))
    for title, n, html_kb, comp_kb, budget, cold, warm, build in rows:
        ok = "yes" if max(html_kb, comp_kb if comp_kb == comp_kb else 0) <= budget else "NO"
        print(f"{title:38} {n:7d} {html_kb:8.0f} {comp_kb:12.0f} {budget:6d} {ok:>3} "
              f"{cold:7.2f} {warm:7.3f} {build:7.2f}")
    print("cold = read + repair + generalise with an empty cache; warm = from the disk cache "
          "(in-process memo cleared); build = folium map + HTML render.")


if __name__ == "__main__":
    main()
