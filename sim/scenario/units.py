"""Units of time shared by every layer: the model's clock counts months."""

MONTHS_PER_YEAR = 12
