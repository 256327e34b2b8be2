"""Bootstrap and command line of 村档: the only layer that may import every other."""
