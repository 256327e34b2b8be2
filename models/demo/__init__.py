"""The demo village generator: the only product code that makes up data."""
