"""Models of the stats app arrive with their own issue."""
