"""Access rules of the catalogs — filled in by the catalog services' author (see sanxiang/core/access.py)."""
