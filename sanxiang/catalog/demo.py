"""Demo data of the catalogs (演示数据) — being written."""


def load_demo_catalog(rng):
    return []
