"""News models arrive with the news issue; the home page already lives here."""
