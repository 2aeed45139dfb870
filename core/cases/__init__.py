"""Case data integration: reports from many sources, one case per person."""
