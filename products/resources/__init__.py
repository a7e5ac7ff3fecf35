"""The registry in spreadsheets (django-import-export resources).

Producers and products are exported, corrected in Excel and imported back, so their export has
exactly the columns of the import template. The village registry is only exported.

The column headers are the file format: Indonesian and fixed, whatever the interface language (a
file exported in English imports in Indonesian). Values of choices are written as labels in the
user's language and read back as a code or a label in either language. Every rule on the data is the
models' own (`full_clean()`); the widgets here only read cells: trim, refuse formulas, parse numbers,
find the village, category or producers a cell names, and say in the user's language what is wrong.

An import sees only the official's area (`Scope`): an officer's kecamatan, the Dinas' regency. A dry
run (the preview) checks every row as the import would, full_clean() included, but saves nothing; the
objects a file may name are looked up once for the whole file, not row by row.

The package, by seam: `widgets` reads and writes the cells that name the registry's own things
(the cells that need no model are core.sheet_cells', the village columns villages.resources'), `keys`
names a registered product or producer by a key that does not change, `producers`, `products` and
`legality` the imports (on core.sheet_import.SheetImportResource: lookups for the whole file,
constraints checked in memory, bulk writes), `exports` the export-only village registry. The names
other code imports are re-exported here.
"""

from .exports import VillageRegistryResource
from .keys import ProducerKeyWidget, ProductKeyWidget
from .legality import LegalityResource
from .producers import ProducerResource
from .products import ProductResource

__all__ = [
    "LegalityResource",
    "ProducerKeyWidget",
    "ProductKeyWidget",
    "ProducerResource",
    "ProductResource",
    "VillageRegistryResource",
]
