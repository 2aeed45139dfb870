"""Risk areas: GPS lookup, name search, zones and their roll-up."""
