"""The xlsx toolkit the workbook faces share (openpyxl): cell references and defined names,
styles, Excel formula text built from the engine's structures, LibreOffice recalculation
and the zip-bomb check every xlsx passes before it is parsed."""
