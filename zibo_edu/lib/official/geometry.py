"""The page geometry of GB/T 9704-2012 that the PDF and the Word writers both read."""

# The type area and margins, in millimetres.
PAGE_WIDTH, PAGE_HEIGHT = 210, 297
TOP, LEFT, AREA_WIDTH, AREA_HEIGHT = 37, 28, 156, 225
RIGHT, BOTTOM = PAGE_WIDTH - LEFT - AREA_WIDTH, PAGE_HEIGHT - TOP - AREA_HEIGHT
PAGE_NUMBER_GAP = 7  # the page number's line starts 7 mm below the type area
LINES, CHARACTERS = 22, 28
TITLE_SIZE, BODY_SIZE, PAGE_NUMBER_SIZE, TABLE_SIZE = 22, 16, 14, 12  # pt: 2号, 3号, 4号, 小四
MM = 72 / 25.4  # points per millimetre
LINE_PITCH = round(AREA_HEIGHT * MM / LINES, 1)  # 28.9 pt: 22 lines fill 225 mm
# 28 characters of 16 pt are 158 mm: each is drawn 0.2 pt closer to fit 156 mm.
LETTER_SPACING = round(AREA_WIDTH * MM / CHARACTERS - BODY_SIZE, 2)
