"""PDF documents built with reportlab from plain domain data; never imports Qt."""
