"""Workbook exchange: writing and reading .xlsx files (openpyxl); no Qt."""
