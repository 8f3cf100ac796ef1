"""The organisation directory: regions, municipalities, care givers, units, staff."""
