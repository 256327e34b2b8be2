"""The 上报 section: the village package out, county imports in, the county's view."""
