"""A researcher's works list: sorted, filtered, versions grouped (its own page and the profile's
works section)."""
