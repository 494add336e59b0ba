"""Models of the reports app arrive with their own issue."""
